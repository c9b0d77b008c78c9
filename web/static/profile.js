// My profile: a break from recommendations (saved at once), the photo
// (preview, then upload), the profile itself (saved with the version
// read; a stale one offers to load the latest) and the availability.
import { t, render } from "/assets/i18n.js";
import { api, el } from "/assets/api.js";
import { page } from "/assets/layout.js";
import { tx, say, unsay, uid, option, field, choice, formError, clearErrors, showError, busy, counter } from "/assets/forms.js";
import { initial, themeLabel } from "/assets/peer.js";
import { availabilityEditor } from "/assets/availability.js";
import { accountForm } from "/assets/account.js";
import { myData } from "/assets/mydata.js";
import { notifications } from "/assets/notify.js";

const MAX_PHOTO = 5 * 1024 * 1024;
let me = null;
let saved = null; // the profile as the server last returned it
let options = null;

// request keeps only what PUT /me/profile accepts.
function request(p) {
  const keys = ["intro", "industry", "job_function", "job_level", "years_experience", "work_style", "children", "themes",
    "languages", "in_person", "area", "capacity", "paused", "version"];
  return Object.fromEntries(keys.map((k) => [k, p[k]]));
}

function pauseSection() {
  const box = el("input", { type: "checkbox", role: "switch", id: uid("pause"), checked: saved.paused });
  const out = el("p", { class: "result", role: "status" });
  const section = el("div", { class: "switch-row" }, box,
    el("label", { for: box.id }, tx("paused_label")), formError());
  box.addEventListener("change", async () => {
    const want = box.checked;
    box.disabled = true;
    clearErrors(section);
    unsay(out);
    try {
      saved = await api("PUT", "/me/profile", { ...request(saved), paused: want });
      say(out, want ? "paused_on" : "paused_off");
    } catch (e) {
      box.checked = !want;
      showError(section, e, "profile");
    } finally { box.disabled = false; }
  });
  return [section, el("p", { class: "hint" }, tx("paused_hint")), out];
}

function photoSection() {
  const current = el("div", { class: "photo-current" });
  const showCurrent = (bust) => {
    current.replaceChildren(saved.has_photo
      ? el("img", { class: "avatar large", alt: t("your_photo"), "data-i18n-label": "your_photo", width: 96, height: 96,
        src: `/api/v1/members/${encodeURIComponent(me.id)}/photo${bust ? `?v=${Date.now()}` : ""}` })
      : initial(me.display_name));
  };
  showCurrent(false);
  const file = el("input", { type: "file", name: "photo", accept: "image/jpeg,image/png" });
  const preview = el("div", { class: "photo-preview", "aria-live": "polite" });
  const upload = el("button", { type: "submit", disabled: true }, tx("upload_photo"));
  const out = el("p", { class: "result", role: "status" });
  const form = el("form", { class: "photo", novalidate: true }, current, field("choose_photo", file, "photo", "photo_hint"),
    preview, formError(), el("div", { class: "actions" }, upload), out);
  let url = null;
  file.addEventListener("change", () => {
    clearErrors(form);
    unsay(out);
    if (url) URL.revokeObjectURL(url);
    preview.replaceChildren();
    upload.disabled = true;
    const f = file.files[0];
    if (!f) return;
    if (!["image/jpeg", "image/png"].includes(f.type)) { showError(form, { code: "unsupported_media_type", field: "photo" }); return; }
    if (f.size > MAX_PHOTO) { showError(form, { code: "body_too_large", field: "photo" }); return; }
    url = URL.createObjectURL(f);
    preview.append(el("img", { src: url, class: "avatar large", width: 96, height: 96, alt: t("photo_preview") }), tx("photo_preview_note"));
    upload.disabled = false;
  });
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const f = file.files[0];
    if (!f) return;
    clearErrors(form);
    busy(upload, async () => {
      try {
        await api("PUT", "/me/photo", undefined, f); // leaves the profile's version alone
        saved.has_photo = true;
        showCurrent(true);
        preview.replaceChildren();
        file.value = "";
        say(out, "photo_saved");
      } catch (e) { showError(form, e, "photo"); }
    }).then(() => { upload.disabled = !file.files[0]; });
  });
  return form;
}

function select(name, values, prefix, value, empty) {
  return el("select", { name }, empty ? option("", "not_set", !value) : null,
    ...values.map((v) => option(v, prefix + v, String(v) === String(value))));
}

function number(name, min, max, value) {
  return el("input", { type: "number", name, min, max, step: 1, inputmode: "numeric", value: String(value ?? 0) });
}

function checks(legendKey, name, items, checked, labelOf, hintKey) {
  return el("fieldset", { class: "choices" }, el("legend", {}, tx(legendKey)), hintKey ? el("p", { class: "hint" }, tx(hintKey)) : null,
    ...items.map((v) => choice("checkbox", name, v, null, checked.includes(v), labelOf(v))),
    el("p", { class: "field-error", role: "alert", "data-error-for": name }));
}

function profileForm(status) {
  const p = saved;
  const intro = el("textarea", { name: "intro", maxlength: 600, rows: 4 }, p.intro);
  const area = el("input", { name: "area", maxlength: 60, value: p.area || "", autocomplete: "address-level1" });
  const areaField = field("area", area, "area", "area_hint");
  const inPerson = choice("checkbox", "in_person", "1", "in_person", p.in_person);
  const themes = (axis) => options.themes.filter((th) => th.axis === axis).map((th) => th.id);
  const save = el("button", { type: "submit" }, tx("save_profile"));
  const reload = el("button", { type: "button", class: "secondary", hidden: true }, tx("load_latest"));
  const form = el("form", { class: "profile", novalidate: true },
    field("intro_label", intro, "intro", "intro_hint"), counter(intro, 600),
    el("div", { class: "grid2" },
      field("industry", select("industry", options.industries, "industry_", p.industry, true), "industry"),
      field("job_function", select("job_function", options.job_functions, "function_", p.job_function, true), "job_function"),
      field("job_level", select("job_level", [1, 2, 3, 4, 5], "level_", p.job_level), "job_level"),
      field("years_experience", number("years_experience", 0, 60, p.years_experience), "years_experience"),
      field("hours", select("work_style.hours", ["full_time", "part_time"], "hours_", p.work_style.hours), "work_style.hours"),
      field("remote", select("work_style.remote", ["office", "hybrid", "remote"], "remote_", p.work_style.remote), "work_style.remote"),
      field("children_count", number("children.count", 0, 15, p.children.count), "children.count")),
    checks("age_bands", "children.age_bands", options.age_bands, p.children.age_bands || [], (v) => tx("age_" + v)),
    checks("career_themes", "themes", themes("career"), p.themes || [], (id) => themeLabel(id, options.themes), "themes_hint"),
    checks("life_themes", "themes", themes("life"), p.themes || [], (id) => themeLabel(id, options.themes)),
    checks("languages", "languages", options.languages, p.languages || [], (v) => tx("language_" + v)),
    inPerson, areaField,
    field("capacity", number("capacity", 0, 20, p.capacity), "capacity", "capacity_hint"),
    formError(), el("div", { class: "actions" }, save, reload));
  // Two theme groups share one API field; only the first shows its error.
  form.querySelectorAll('[data-error-for="themes"]')[1].remove();
  const syncArea = () => { areaField.hidden = !form.elements.in_person.checked; };
  inPerson.addEventListener("change", syncArea);
  syncArea();
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearErrors(form);
    unsay(status);
    const d = new FormData(form);
    const body = { ...request(saved), intro: intro.value, industry: d.get("industry"), job_function: d.get("job_function"),
      job_level: Number(d.get("job_level")), years_experience: Number(d.get("years_experience")),
      work_style: { hours: d.get("work_style.hours"), remote: d.get("work_style.remote") },
      children: { count: Number(d.get("children.count")), age_bands: d.getAll("children.age_bands") },
      themes: d.getAll("themes"), languages: d.getAll("languages"), in_person: d.get("in_person") === "1",
      area: area.value, capacity: Number(d.get("capacity")) };
    busy(save, async () => {
      try {
        saved = await api("PUT", "/me/profile", body);
        say(status, "profile_saved");
      } catch (e) {
        showError(form, e, "profile");
        if (e.status === 409) reload.hidden = false;
      }
    });
  });
  reload.addEventListener("click", () => busy(reload, async () => {
    saved = await api("GET", "/me/profile");
    drawProfile();
    say(status, "latest_loaded");
  }));
  return form;
}

function drawProfile() {
  const status = document.getElementById("profile-status");
  document.getElementById("profile-form").replaceChildren(profileForm(status));
  document.getElementById("pause").replaceChildren(...pauseSection());
}

// guestPage keeps what is a guest speaker's own: her account and her
// data. Matching (profile, availability, a break from recommendations)
// and the photo, which only members' recommendations show, are members'.
function guestPage(member) {
  for (const id of ["pause", "photo", "profile-form", "availability"]) document.getElementById(id).closest("section").hidden = true;
  const heading = document.querySelector("main h2");
  say(heading, "nav_account");
  document.body.dataset.title = "nav_account";
  heading.after(el("p", { class: "lead" }, tx("guest_profile_lead"), " ", el("a", { href: "/roundtables" }, tx("nav_my_roundtables"))));
  render();
  document.getElementById("account").replaceChildren(accountForm(member));
  return Promise.all([myData(document.getElementById("mydata")), notifications(document.getElementById("notifications"), member)]);
}

page(["member", "guest_speaker"], async (member) => {
  me = member;
  if (member.role === "guest_speaker") return guestPage(member);
  [saved, options] = await Promise.all([api("GET", "/me/profile"), api("GET", "/profile-options")]);
  drawProfile();
  document.getElementById("account").replaceChildren(accountForm(member));
  document.getElementById("photo").replaceChildren(photoSection());
  await Promise.all([availabilityEditor(document.getElementById("availability"), member), myData(document.getElementById("mydata")),
    notifications(document.getElementById("notifications"), member)]);
});
