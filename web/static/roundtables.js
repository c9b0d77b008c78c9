// Roundtables: browse upcoming ones (filter by axis, theme, date and
// format), register, cancel or join the waitlist (with one's place in
// it), add to the calendar, enter the room in the join window, and give
// feedback afterwards. Organisers (operators and the moderators they
// name) create, edit and cancel roundtables and see who registered.
import { t, lang } from "/assets/i18n.js";
import { api, el } from "/assets/api.js";
import { page } from "/assets/layout.js";
import { timeEl } from "/assets/format.js";
import { zoneLabel } from "/assets/zones.js";
import { tx, say, uid, option, field, formError, clearErrors, showError, busy, confirmInline } from "/assets/forms.js";
import { themeChips, themeLabel } from "/assets/peer.js";
import { roundtableForm, organiserContext } from "/assets/rt_form.js";
import { rtFeedbackForm, roundtableFeedback } from "/assets/rt_feedback.js";
import { qaActions } from "/assets/rt_qa.js";
import { roundtablePages, PAGE } from "/assets/rt_pages.js";

const OPEN_BEFORE = 15 * 60 * 1000;
let me = null;
let zone = "Asia/Tokyo";
let options = { themes: [] };
let organiser = null; // a promise of the form's choices, loaded once
// How many of each list the page shows: a page more with each "more",
// kept when the page redraws after an action (the person keeps her place).
const wanted = { upcoming: PAGE, past: PAGE };
const status = () => document.getElementById("status");
const path = (r, rest = "") => `/roundtables/${encodeURIComponent(r.id)}${rest}`;

async function done(key, params) {
  await draw();
  say(status(), key, params);
  status().focus();
}

function button(key, cls = "") { return el("button", { type: "button", class: cls }, tx(key)); }

// toggle opens a form under a button, once, and closes it again.
function toggle(btn, container, make) {
  let form = null;
  btn.setAttribute("aria-expanded", "false");
  const shut = () => { form.remove(); form = null; btn.setAttribute("aria-expanded", "false"); };
  btn.addEventListener("click", async () => {
    if (form) { shut(); return; }
    form = el("div", { id: uid("box") });
    btn.setAttribute("aria-controls", form.id);
    btn.setAttribute("aria-expanded", "true");
    container.append(form);
    try {
      form.append(await make(() => { shut(); btn.focus(); }));
    } catch (e) { form.append(formError()); showError(form, e); }
  });
}

const end = (r) => new Date(new Date(r.start).getTime() + r.minutes * 60000);
const takesPart = (r) => ["registered", "speaker", "moderator"].includes(r.my_status);
const organises = (r) => me.role === "operator" || r.moderators.some((m) => m.id === me.id);

function whenLine(r) {
  const line = el("p", { class: "when" }, timeEl(r.start, zone, "datetime"), "–", timeEl(end(r), zone, "time"));
  if (r.time_zone === zone) return [line];
  return [line, el("p", { class: "hint" }, tx("rt_local_time", { zone: zoneLabel(r.time_zone) }), " ", timeEl(r.start, r.time_zone, "datetime"))];
}

function facts(r) {
  const parts = [el("p", { class: "mode" }, tx("rt_format_" + r.format), r.venue ? el("span", {}, " · ", r.venue) : null,
    " · ", tx("rt_talk_" + r.talk))];
  if (!r.ended && !r.cancelled) {
    parts.push(el("p", { class: "seats" }, r.seats_left > 0 ? tx("rt_seats_left", { n: r.seats_left, cap: r.capacity })
      : tx("rt_full", { n: r.waitlist })));
    parts.push(el("p", { class: "hint" }, tx("rt_closes"), " ", timeEl(r.registration_closes_at, zone)));
  }
  const names = (list) => list.map((p) => p.display_name).join(lang === "en" ? ", " : "、");
  if (r.moderators.length) parts.push(el("p", { class: "meta" }, tx("rt_moderated_by"), " ", names(r.moderators)));
  if (r.speakers.length) parts.push(el("p", { class: "meta" }, tx("rt_guests"), " ", names(r.speakers)));
  return parts;
}

function badge(r) {
  if (r.cancelled) return el("p", { class: "badge badge-cancelled" }, tx("rt_cancelled"));
  if (r.ended) return el("p", { class: "badge badge-completed" }, tx(r.my_status === "moderator" || r.my_status === "speaker" ? "rt_ended_" + r.my_status : "rt_ended"));
  const key = { registered: "rt_my_registered", moderator: "rt_my_moderator", speaker: "rt_my_speaker" }[r.my_status];
  if (key) return el("p", { class: "badge badge-booked" }, tx(key));
  if (r.my_status === "waitlisted") return el("p", { class: "badge badge-requested" }, tx("rt_my_waitlisted", { n: r.my_position }));
  return null;
}

// joinBox is the way into the room: a link from 15 minutes before the
// start to the end, a hint before that. It updates itself.
function joinBox(r) {
  if (!takesPart(r) || r.format === "in_person" || r.cancelled || r.ended) return null;
  const box = el("div", { class: "join-box", "data-join": "1" });
  box.update = () => {
    const now = Date.now();
    const open = now >= new Date(r.start).getTime() - OPEN_BEFORE && now < end(r).getTime();
    box.replaceChildren(open
      ? el("a", { class: "button join", href: `/room?roundtable=${encodeURIComponent(r.id)}` }, tx("join"))
      : el("p", { class: "hint" }, tx(now < new Date(r.start).getTime() ? "rt_join_opens" : "rt_join_ended")));
  };
  box.update();
  return box;
}

function memberActions(r, actions) {
  if (me.role !== "member" || r.cancelled || r.ended || r.my_status === "moderator" || r.my_status === "speaker") return;
  if (r.my_status === "registered" || r.my_status === "waitlisted") {
    const b = button(r.my_status === "registered" ? "rt_withdraw" : "rt_leave_waitlist", "secondary");
    b.addEventListener("click", () => confirmInline(b, "rt_confirm_withdraw", "cancel_yes", async () => {
      await api("POST", path(r, "/withdraw"));
      await done("rt_withdrawn", { title: r.title });
    }));
    actions.append(b);
    return;
  }
  if (Date.now() >= new Date(r.registration_closes_at).getTime()) {
    actions.append(el("p", { class: "hint" }, tx("rt_registration_closed")));
    return;
  }
  const b = button(r.seats_left > 0 ? "rt_register" : "rt_join_waitlist");
  const out = el("div", {}, formError());
  b.addEventListener("click", () => busy(b, async () => {
    try {
      const res = await api("POST", path(r, "/register")); // says where she stands: no second call
      if (res.status === "registered") { await done("rt_registered_done", { title: r.title }); return; }
      await done("rt_waitlisted_done", { title: r.title, n: res.position });
    } catch (e) { showError(out, e, "rt_register"); }
  }));
  actions.append(b, out);
}

function registrationList(r) {
  return api("GET", path(r, "/registrations")).then(({ registrations }) => {
    if (!registrations.length) return el("p", { class: "hint" }, tx("rt_no_registrations"));
    return el("ul", { class: "rows-list registrations" }, ...registrations.map((g) => el("li", { class: "row-item" },
      el("div", { class: "row-main" }, el("span", { class: "name" }, g.member.display_name),
        el("span", { class: `badge badge-${g.status === "registered" ? "booked" : "requested"}` }, tx("rt_reg_" + g.status))),
      el("p", { class: "hint" }, timeEl(g.since, zone)))));
  });
}

function organiserActions(r, actions, extra) {
  if (!organises(r)) return;
  const regs = button("rt_registrations", "secondary");
  actions.append(regs);
  toggle(regs, extra, () => registrationList(r));
  if (r.ended && me.role === "operator") {
    const fb = button("rt_see_feedback", "secondary");
    actions.append(fb);
    toggle(fb, extra, () => roundtableFeedback(r, zone));
  }
  if (r.cancelled || r.ended) return;
  const edit = button("rt_edit", "secondary");
  const cancel = button("rt_cancel", "secondary");
  actions.append(edit, cancel);
  toggle(edit, extra, async (close) => roundtableForm(r, me, await (organiser ||= organiserContext(me)), (saved) => {
    close();
    if (saved) done(saved.promoted ? "rt_saved_promoted" : "rt_saved", { title: saved.title, n: saved.promoted });
  }));
  cancel.addEventListener("click", () => confirmInline(cancel, "rt_confirm_cancel", "rt_cancel_yes", async () => {
    await api("POST", path(r, "/cancel"));
    await done("rt_cancelled_done", { title: r.title });
  }));
}

function card(r) {
  const h = uid("rt");
  const actions = el("div", { class: "actions" });
  const extra = el("div", { class: "extra" });
  memberActions(r, actions);
  if (takesPart(r) && !r.ended && !r.cancelled) {
    actions.append(el("a", { class: "button secondary", href: `/api/v1${path(r, "/calendar.ics")}`, download: `zadankai-${r.id}.ics` }, tx("calendar")));
  }
  if (r.feedback_open) {
    const give = button("feedback");
    actions.append(give);
    toggle(give, extra, (close) => rtFeedbackForm(r, (key) => { close(); if (key) done(key); }));
  }
  qaActions(r, me, actions, extra, toggle, done, zone);
  organiserActions(r, actions, extra);
  return el("article", { class: "card roundtable", "data-id": r.id, "aria-labelledby": h, tabindex: "-1" },
    el("h4", { id: h }, r.title), badge(r), ...whenLine(r), themeChips(r.themes, options.themes), ...facts(r),
    r.description ? el("details", {}, el("summary", {}, tx("rt_details")), el("p", { class: "intro" }, r.description)) : null,
    joinBox(r), r.feedback_given ? el("p", { class: "hint" }, tx("feedback_sent")) : null,
    actions.childElementCount ? actions : null, extra);
}

// section shows the loaded roundtables of a list and, while more follow,
// a button that loads the next page: its cards follow and the first of
// them takes the focus.
function section(key, got, emptyKey, query, which) {
  const id = uid("grp");
  const count = el("span", { class: "count" });
  const cards = el("div", { class: "cards" }, ...got.list.map(card));
  const more = el("button", { type: "button", class: "secondary more" }, tx("rt_more"));
  const out = el("div", {}, formError());
  let { cursor } = got;
  const show = () => {
    count.textContent = `(${cards.childElementCount}${cursor ? "+" : ""})`;
    more.hidden = !cursor;
  };
  more.load = async () => {
    clearErrors(out);
    try {
      const next = await roundtablePages(query, PAGE, cursor);
      const added = next.list.map(card);
      cards.append(...added);
      cursor = next.cursor;
      wanted[which] = cards.childElementCount;
      show();
      added[0]?.focus();
    } catch (e) { showError(out, e); }
  };
  more.addEventListener("click", () => busy(more, more.load));
  show();
  return el("section", { class: "group", "aria-labelledby": id, "data-list": which },
    el("h3", { id }, tx(key), " ", count),
    got.list.length ? cards : el("p", { class: "hint" }, tx(emptyKey)), more, out);
}

function query() {
  const f = document.getElementById("filters");
  const q = new URLSearchParams();
  for (const k of ["axis", "theme", "date", "format"]) if (f.elements[k].value) q.set(k, f.elements[k].value);
  return q.toString();
}

// draw shows both lists again, as many of each as were shown (fresh: the
// first page of the upcoming ones, after a change of filters).
async function draw(fresh = false) {
  const form = document.getElementById("filters");
  clearErrors(form);
  if (fresh) wanted.upcoming = PAGE;
  const q = query();
  let upcoming;
  try {
    upcoming = await roundtablePages(q, wanted.upcoming);
  } catch (e) { showError(form, e, "rt_filter"); return; }
  const past = await roundtablePages("when=past", wanted.past);
  document.getElementById("list").replaceChildren(section("rt_upcoming", upcoming, "rt_none", q, "upcoming"),
    past.list.length ? section(me.role === "operator" ? "rt_past_all" : "rt_past", past, "rt_none", "when=past", "past") : "");
}

// reveal finds the roundtable of a link (?id=), loading more pages of the
// lists until it shows or they end.
async function reveal(id) {
  const find = () => document.querySelector(`article[data-id="${CSS.escape(id)}"]`);
  for (let i = 0; !find() && i < 40; i++) {
    const more = document.querySelector("#list button.more:not([hidden])");
    if (!more) break;
    await more.load();
  }
  return find();
}

function filters() {
  const axis = el("select", { name: "axis" }, option("", "rt_any", true), option("career", "rt_axis_career"), option("life", "rt_axis_life"));
  const theme = el("select", { name: "theme" }, option("", "rt_any", true),
    ...options.themes.map((th) => { const o = el("option", { value: th.id }); o.append(themeLabel(th.id, options.themes)); return o; }));
  const date = el("input", { type: "date", name: "date" });
  const format = el("select", { name: "format" }, option("", "rt_any", true),
    ...["online", "in_person", "hybrid"].map((f) => option(f, "rt_format_" + f)));
  const show = el("button", { type: "submit", class: "secondary" }, tx("show"));
  const form = el("form", { id: "filters", class: "filters grid2", role: "search", "aria-label": t("rt_filters") },
    field("rt_axis", axis, "axis"), field("rt_theme", theme, "theme"), field("date", date, "date"), field("rt_format", format, "format"),
    formError(), el("div", { class: "actions" }, show));
  form.addEventListener("submit", (ev) => { ev.preventDefault(); busy(show, () => draw(true)); });
  form.addEventListener("change", () => draw(true));
  // Folded on phones so the list comes first; open on wider screens.
  return el("details", { class: "panel filters-box", open: matchMedia("(min-width: 720px)").matches },
    el("summary", {}, tx("rt_filters")), form);
}

// moderatorForm lets operators name a trained member as a moderator by
// email, or take it back.
function moderatorForm() {
  const email = el("input", { type: "email", name: "email", autocomplete: "off", maxlength: 254, spellcheck: "false" });
  const which = el("select", { name: "moderator" }, option("true", "rt_mod_name", true), option("false", "rt_mod_unname"));
  const send = el("button", { type: "submit", class: "secondary" }, tx("rt_mod_send"));
  const out = el("p", { class: "result", role: "status" });
  const form = el("form", { class: "moderator-form", novalidate: true, "aria-label": t("rt_mod_title") },
    field("email", email, "email", "rt_mod_hint"), field("rt_mod_action", which, "moderator"), formError(),
    el("div", { class: "actions" }, send), out);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearErrors(form);
    out.textContent = "";
    busy(send, async () => {
      try {
        const m = await api("POST", "/roundtable-people/moderators", { email: email.value, moderator: which.value === "true" });
        organiser = null; // the moderator choices have changed
        say(out, m.moderator ? "rt_mod_named" : "rt_mod_unnamed", { name: m.display_name });
      } catch (e) { showError(form, e, "rt_mod"); }
    });
  });
  return form;
}

function createPanel() {
  if (me.role !== "operator" && !me.moderator) return null;
  const open = button("rt_new");
  const box = el("div", {});
  toggle(open, box, async (close) => roundtableForm(null, me, await (organiser ||= organiserContext(me)), (saved) => {
    close();
    if (saved) done("rt_created", { title: saved.title });
  }));
  return el("section", { class: "panel", "aria-labelledby": "rt-new-title" },
    el("h3", { id: "rt-new-title" }, tx("rt_organise")), el("p", { class: "hint" }, tx("rt_organise_hint")), open, box,
    me.role === "operator" ? el("details", {}, el("summary", {}, tx("rt_mod_title")), moderatorForm()) : null);
}

// Join links appear 15 minutes before the start without a reload.
setInterval(() => { for (const b of document.querySelectorAll("[data-join]")) if (b.update) b.update(); }, 20000);

page(null, async (member) => {
  me = member;
  zone = member.time_zone || zone;
  if (me.role === "guest_speaker") say(document.querySelector("main .lead"), "rt_lead_guest"); // hers, not the members' list
  options = await api("GET", "/profile-options").catch(() => options);
  document.getElementById("tools").replaceChildren(...[createPanel(), filters()].filter(Boolean));
  await draw();
  const want = new URLSearchParams(location.search).get("id");
  const target = want && await reveal(want);
  if (target) { target.scrollIntoView(); target.focus(); }
});
