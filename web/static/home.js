// Home for members: this week's recommended peers, each saying why (the
// themes shared, by name), with a request form (note, online or in
// person, up to three of the peer's free times), or the request or
// booking the two already have, and a way to stop seeing someone. With no
// recommendations yet, the way to the profile that brings them.
import { tf, has } from "/assets/i18n.js";
import { api, el } from "/assets/api.js";
import { page } from "/assets/layout.js";
import { tx, say, unsay, field, choice, formError, clearErrors, showError, busy, confirmInline, counter, uid } from "/assets/forms.js";
import { offeredSlots } from "/assets/freeslots.js";
import { avatar, themeChips, themeLabel, peerMeta } from "/assets/peer.js";

let zone = "Asia/Tokyo";
let options = { themes: [] };
const status = () => document.getElementById("status");

// sharedThemes names the themes two people share ("themes": ids joined
// by commas), each label following the page language.
function sharedThemes(ids) {
  const out = [tx("reason_shared_themes_named")];
  ids.split(",").forEach((id, i) => { if (i) out.push(tx("list_sep")); out.push(themeLabel(id, options.themes)); });
  return out;
}

function reasonItems(reasons) {
  const seen = new Set();
  const out = [];
  for (const r of reasons || []) {
    const key = has("reason_" + r.code) ? "reason_" + r.code : "reason_other";
    const params = r.params || {};
    const sig = key + JSON.stringify(params);
    if (seen.has(sig)) continue;
    seen.add(sig);
    out.push(el("li", {}, ...(r.code === "shared_themes" && params.themes ? sharedThemes(params.themes) : [tx(key, params)])));
  }
  return out;
}

// openLine stands for the ask button when the two already have a request
// or a booking: it says where things are and leads to it.
function openLine(o, name) {
  let key = "open_booked";
  if (o.status === "requested") key = o.awaiting_me ? (o.role === "recipient" ? "open_asked_you" : "open_new_times") : "open_waiting";
  else if (o.awaiting_me) key = "open_new_times";
  return [el("p", { class: "open-line" }, tx(key, { name })),
    el("a", { class: "button" + (o.awaiting_me ? "" : " secondary"), href: `/consultations?id=${encodeURIComponent(o.id)}` },
      tx(o.awaiting_me ? "open_answer" : "see_consultation"))];
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
    el("div", { class: "actions" }, ...(c.open ? openLine(c.open, p.display_name) : [ask]), block), result);
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

// firstSteps leads a member without recommendations to what brings
// them: her profile first, or back to it while the week's batch comes.
function firstSteps(needsProfile) {
  const link = el("a", { class: "button" + (needsProfile ? "" : " secondary"), href: "/profile#profile-title" },
    tx(needsProfile ? "fill_profile" : "review_profile"));
  return el("section", { class: "panel first-steps" },
    el("h3", {}, tx(needsProfile ? "first_steps_title" : "no_recommendations_title")),
    el("p", {}, tx(needsProfile ? "first_steps_text" : "no_recommendations_text")), el("div", { class: "actions" }, link));
}

async function draw() {
  const recs = await api("GET", "/recommendations");
  const cards = document.getElementById("cards");
  cards.replaceChildren(...(recs.candidates.length ? recs.candidates.map(card) : [firstSteps(recs.needs_profile)]));
  if (!recs.candidates.length) unsay(status()); // the panel says it, with the way forward
  else say(status(), "recommendations_count", { n: recs.candidates.length });
}

page(["member"], async (member) => { // a guest speaker's home is her roundtables
  zone = member.time_zone || zone;
  options = await api("GET", "/profile-options").catch(() => options);
  await draw();
});
