// Home for members: this week's recommended peers with the reasons, and a
// request form (note, mode, up to three times) on each card.
import { t, tf, errorText } from "/assets/i18n.js";
import { api, el } from "/assets/api.js";
import { page } from "/assets/layout.js";
import { fromLocalInput } from "/assets/format.js";

let options = null;

function themeLabel(id) {
  const th = options?.themes.find((x) => x.id === id);
  return th ? (document.documentElement.lang === "en" ? th.en : th.ja) : id;
}

function reasonText(r) {
  const key = "reason_" + r.code;
  return t(key) === key ? r.code : tf(key, r.params || {});
}

function requestForm(peer) {
  const status = el("p", { role: "alert" });
  const slots = [0, 1, 2].map((i) => el("label", {}, el("span", {}, `${t("slot")} ${i + 1}`),
    el("input", { type: "datetime-local", name: `slot${i}`, step: 900, required: i === 0 })));
  const form = el("form", { class: "request" },
    el("label", {}, el("span", {}, t("note")), el("textarea", { name: "note", maxlength: 500, rows: 2 })),
    el("fieldset", {}, el("legend", {}, t("mode_online") + " / " + t("mode_in_person")),
      el("label", { class: "inline" }, el("input", { type: "radio", name: "mode", value: "online", checked: true }), t("mode_online")),
      el("label", { class: "inline" }, el("input", { type: "radio", name: "mode", value: "in_person" }), t("mode_in_person"))),
    el("label", {}, el("span", {}, t("place")), el("input", { name: "place", maxlength: 200 })),
    el("label", {}, el("span", {}, t("minutes")),
      el("select", { name: "minutes" }, ...[30, 45, 60].map((m) => el("option", { value: m }, String(m))))),
    ...slots, el("button", { type: "submit" }, t("send_request")), status);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const d = new FormData(form);
    const minutes = Number(d.get("minutes"));
    const chosen = [0, 1, 2].map((i) => d.get(`slot${i}`)).filter(Boolean).map((v) => ({ start: fromLocalInput(v), minutes }));
    status.textContent = "";
    try {
      await api("POST", "/consultations", { recipient_id: peer.id, note: d.get("note"), mode: d.get("mode"), place: d.get("place"), slots: chosen });
      form.replaceWith(el("p", { role: "status" }, t("request_sent")));
    } catch (e) {
      status.textContent = errorText({ error: { code: e.code } }) + (e.field ? ` (${e.field})` : "");
    }
  });
  return form;
}

function card(c) {
  const p = c.peer;
  const avatar = p.has_photo
    ? el("img", { src: `/api/v1/members/${p.id}/photo`, alt: "", width: 64, height: 64, class: "avatar" })
    : el("span", { class: "avatar initial", "aria-hidden": "true" }, (p.display_name || "?").slice(0, 1));
  const ask = el("button", { type: "button" }, t("ask"));
  const block = el("button", { type: "button", class: "secondary" }, t("block"));
  const box = el("article", { class: "card" },
    el("div", { class: "who" }, avatar, el("h3", {}, p.display_name)),
    p.intro ? el("p", {}, p.intro) : null,
    el("ul", { class: "reasons" }, ...(c.reasons || []).map((r) => el("li", {}, reasonText(r)))),
    (p.themes || []).length ? el("p", { class: "themes" }, p.themes.map(themeLabel).join(" · ")) : null,
    el("div", { class: "actions" }, ask, block));
  ask.addEventListener("click", () => { ask.disabled = true; box.append(requestForm(p)); });
  block.addEventListener("click", async () => {
    await api("POST", "/blocks", { member_id: p.id });
    box.replaceWith(el("p", { role: "status" }, t("blocked")));
  });
  return box;
}

page(async () => {
  options ??= await api("GET", "/profile-options");
  const recs = await api("GET", "/recommendations");
  const cards = document.getElementById("cards");
  cards.replaceChildren(...recs.candidates.map(card));
  document.getElementById("status").textContent = recs.candidates.length ? "" : t("no_recommendations");
});
