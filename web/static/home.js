// Home for members: this week's recommended peers, each saying why, with
// a request form (note, online or in person, up to three of the peer's
// free times) and a
// way to stop seeing someone.
import { tf, has } from "/assets/i18n.js";
import { api, el } from "/assets/api.js";
import { page } from "/assets/layout.js";
import { tx, say, unsay, field, choice, formError, clearErrors, showError, busy, confirmInline, counter, uid } from "/assets/forms.js";
import { offeredSlots } from "/assets/freeslots.js";
import { avatar, themeChips, peerMeta } from "/assets/peer.js";

let zone = "Asia/Tokyo";
let options = { themes: [] };
const status = () => document.getElementById("status");

function reasonItems(reasons) {
  const seen = new Set();
  const out = [];
  for (const r of reasons || []) {
    const key = has("reason_" + r.code) ? "reason_" + r.code : "reason_other";
    const params = r.params || {};
    const sig = key + JSON.stringify(params);
    if (seen.has(sig)) continue;
    seen.add(sig);
    out.push(el("li", {}, tx(key, params)));
  }
  return out;
}

function requestForm(peer, onDone) {
  const note = el("textarea", { name: "note", maxlength: 500, rows: 3 });
  const place = el("input", { name: "place", maxlength: 200, autocomplete: "off" });
  const placeField = field("place", place, "place", "place_hint");
  placeField.hidden = true;
  const mode = el("fieldset", { class: "choices" }, el("legend", {}, tx("mode")),
    choice("radio", "mode", "online", "mode_online", true), choice("radio", "mode", "in_person", "mode_in_person"),
    el("p", { class: "field-error", role: "alert", "data-error-for": "mode" }));
  const picker = offeredSlots(peer.id, zone);
  const send = el("button", { type: "submit" }, tx("send_request"));
  const cancel = el("button", { type: "button", class: "secondary" }, tx("close"));
  const form = el("form", { class: "request", novalidate: true, "aria-label": tf("request_to", { name: peer.display_name }) },
    field("note", note, "note", "note_hint"), counter(note, 500), mode, placeField, picker.element,
    formError(), el("div", { class: "actions" }, send, cancel));
  mode.addEventListener("change", () => {
    placeField.hidden = form.elements.mode.value !== "in_person";
    place.required = !placeField.hidden;
  });
  cancel.addEventListener("click", () => onDone(false));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const slots = picker.collect();
    if (!slots) return;
    busy(send, async () => {
      try {
        await api("POST", "/consultations", { recipient_id: peer.id, note: note.value, mode: form.elements.mode.value,
          place: form.elements.mode.value === "in_person" ? place.value : "", slots });
        onDone(true);
      } catch (e) {
        showError(form, e, "request");
      }
    });
  });
  return form;
}

function card(c) {
  const p = c.peer;
  const headingID = uid("peer");
  const ask = el("button", { type: "button", "aria-expanded": "false" }, tx("ask"));
  const block = el("button", { type: "button", class: "secondary" }, tx("block"));
  const result = el("p", { class: "result", role: "status" });
  const box = el("article", { class: "card peer", "aria-labelledby": headingID },
    el("div", { class: "who" }, avatar(p), el("div", {}, el("h3", { id: headingID }, p.display_name), peerMeta(p))),
    p.intro ? el("p", { class: "intro" }, p.intro) : null,
    el("h4", { class: "sub" }, tx("why_recommended")),
    el("ul", { class: "reasons" }, ...reasonItems(c.reasons)),
    themeChips(p.themes, options.themes),
    el("div", { class: "actions" }, ask, block), result);
  let form = null;
  ask.addEventListener("click", () => {
    if (form) { form.querySelector("textarea").focus(); return; }
    unsay(result);
    form = requestForm(p, (sent) => {
      form.remove();
      form = null;
      ask.setAttribute("aria-expanded", "false");
      if (sent) {
        say(result, "request_sent");
        ask.replaceWith(el("a", { class: "button secondary", href: "/consultations" }, tx("see_consultations")));
      }
      box.querySelector(".actions a, .actions button").focus();
    });
    form.id = uid("req");
    ask.setAttribute("aria-controls", form.id);
    ask.setAttribute("aria-expanded", "true");
    box.append(form);
    form.querySelector("textarea").focus();
  });
  block.addEventListener("click", () => {
    confirmInline(block, "confirm_block", "block_yes", async () => {
      await api("POST", "/blocks", { member_id: p.id });
      const gone = el("p", { class: "card gone", role: "status", tabindex: "-1" }, tx("blocked", { name: p.display_name }));
      box.replaceWith(gone);
      gone.focus();
    });
  });
  return box;
}

async function draw() {
  const recs = await api("GET", "/recommendations");
  const cards = document.getElementById("cards");
  cards.replaceChildren(...recs.candidates.map(card));
  if (!recs.candidates.length) say(status(), "no_recommendations");
  else say(status(), "recommendations_count", { n: recs.candidates.length });
}

page(["member"], async (member) => { // a guest speaker's home is her roundtables
  zone = member.time_zone || zone;
  options = await api("GET", "/profile-options").catch(() => options);
  await draw();
});
