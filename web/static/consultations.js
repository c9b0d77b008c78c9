// My consultations, grouped: waiting for my answer (pick a time, propose
// others or decline; or, for a booking, new times to move it to or keep
// the current one), waiting for theirs, upcoming (join, calendar, propose
// new times while the booking stands, cancel) and past (feedback,
// no-show). Every action waits for the
// server before saying it happened, then the list is reloaded.
import { api, el } from "/assets/api.js";
import { page } from "/assets/layout.js";
import { timeEl, slotEl, fmt } from "/assets/format.js";
import { tx, say, field, formError, clearErrors, showError, busy, confirmInline, counter, uid } from "/assets/forms.js";
import { offeredSlots } from "/assets/freeslots.js";
import { avatar } from "/assets/peer.js";
import { feedbackForm, feedbackGiven, noShowAllowed, reportNoShow } from "/assets/feedback.js";

let zone = "Asia/Tokyo";
const status = () => document.getElementById("status");
const OPEN_BEFORE = 10 * 60 * 1000;

// done announces what the server confirmed and reloads the list.
async function done(key, params) {
  await draw();
  say(status(), key, params);
  status().focus();
}

function button(key, cls) { return el("button", { type: "button", class: cls }, tx(key)); }

// toggle opens a form under a button, once, and closes it again.
function toggle(btn, container, make) {
  let form = null;
  btn.setAttribute("aria-expanded", "false");
  btn.addEventListener("click", () => {
    if (form) { form.remove(); form = null; btn.setAttribute("aria-expanded", "false"); return; }
    form = make(() => { form.remove(); form = null; btn.setAttribute("aria-expanded", "false"); btn.focus(); });
    form.id = uid("form");
    btn.setAttribute("aria-controls", form.id);
    btn.setAttribute("aria-expanded", "true");
    container.append(form);
  });
}

// unavailable says why a proposed time can no longer be picked: it has
// begun, or a booking of one of the two covers it now (taken_by).
function unavailable(s, c, now = Date.now()) {
  if (new Date(s.start).getTime() <= now) return tx("slot_past");
  if (s.taken_by === "me") return tx("slot_taken_me");
  if (s.taken_by === "peer") return tx("slot_taken_peer", { name: c.peer.display_name });
  return null;
}

// slotLine is a proposed time with, under it, the reason it can no
// longer be picked.
function slotLine(s, c) {
  const why = unavailable(s, c);
  return [el("span", { class: "slot-line" }, slotEl(s, zone), why ? el("span", { class: "hint slot-unavailable" }, why) : null)];
}

// acceptForm picks one of slots: the times of a request, or new times
// proposed for a booking (move). Times no longer free are shown, greyed,
// with whose time they are.
function acceptForm(c, slots, move) {
  const errID = uid("err");
  const list = el("fieldset", { class: "choices slots-choice" }, el("legend", {}, tx(move ? "pick_new_time" : "pick_time")),
    ...slots.map((s, i) => el("label", { class: "choice" },
      el("input", { type: "radio", name: "slot", value: i, disabled: !!unavailable(s, c), "aria-describedby": errID }),
      ...slotLine(s, c))),
    el("p", { class: "field-error", role: "alert", id: errID, "data-error-for": "slot" }));
  const ok = el("button", { type: "submit" }, tx(move ? "accept_move" : "accept"));
  const none = slots.every((s) => unavailable(s, c));
  const form = el("form", { class: "accept", novalidate: true }, list,
    none ? el("p", { class: "hint none-left" }, tx(move ? "none_left_move" : "none_left")) : null,
    formError(), el("div", { class: "actions" }, ok));
  ok.disabled = none;
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const v = new FormData(form).get("slot");
    if (v === null) { showError(form, { code: "slot_required", field: "slot" }); return; }
    busy(ok, async () => {
      try {
        await api("POST", `/consultations/${c.id}/accept`, { slot: Number(v) });
        await done(move ? "moved_done" : "accepted_done", { name: c.peer.display_name });
      } catch (e) { showError(form, e, "accept"); }
    });
  });
  return form;
}

function declineForm(c, close) {
  const reason = el("textarea", { name: "reason", maxlength: 500, rows: 2 });
  const send = el("button", { type: "submit", class: "danger" }, tx("decline_send"));
  const back = el("button", { type: "button", class: "secondary", onclick: close }, tx("back"));
  const form = el("form", { class: "decline", novalidate: true }, el("p", {}, tx("decline_gentle")),
    field("decline_reason", reason, "reason", "decline_reason_hint"), counter(reason, 500), formError(),
    el("div", { class: "actions" }, send, back));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearErrors(form);
    busy(send, async () => {
      try {
        await api("POST", `/consultations/${c.id}/decline`, { reason: reason.value });
        await done("declined_done");
      } catch (e) { showError(form, e); }
    });
  });
  queueMicrotask(() => reason.focus());
  return form;
}

// rescheduleForm proposes new times: for a booking, which stands until
// the other person picks one; for a request, instead of the times in it.
function rescheduleForm(c, close) {
  const move = c.status === "booked";
  const picker = offeredSlots(c.peer.id, zone); // the server checks their availability, so offer only that
  const note = el("textarea", { name: "note", maxlength: 500, rows: 2 });
  const send = el("button", { type: "submit" }, tx("reschedule_send"));
  const back = el("button", { type: "button", class: "secondary", onclick: close }, tx("back"));
  const form = el("form", { class: "reschedule", novalidate: true },
    el("p", { class: "hint" }, tx(move ? "move_hint" : "reschedule_hint", { name: c.peer.display_name })),
    picker.element, field("reschedule_note", note, "note"), formError(), el("div", { class: "actions" }, send, back));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const slots = picker.collect();
    if (!slots) return;
    busy(send, async () => {
      try {
        await api("POST", `/consultations/${c.id}/reschedule`, { slots, note: note.value });
        await done(move ? "move_sent_done" : "rescheduled_done", { name: c.peer.display_name });
      } catch (e) { showError(form, e, "request"); }
    });
  });
  queueMicrotask(() => form.querySelector("input, select").focus());
  return form;
}

function joinButton(c) {
  const start = new Date(c.booked.start).getTime();
  const end = start + c.booked.minutes * 60000;
  const hint = el("p", { class: "hint", id: uid("hint") });
  const b = el("button", { type: "button", class: "join", "aria-describedby": hint.id }, tx("join"));
  const box = el("div", { class: "join-box" }, formError());
  const update = () => {
    const now = Date.now();
    b.disabled = now < start - OPEN_BEFORE || now >= end;
    if (now < start - OPEN_BEFORE) say(hint, "join_opens");
    else if (now >= end) say(hint, "join_ended");
    else hint.textContent = "";
  };
  update();
  b.dataset.join = "1";
  b.update = update;
  b.addEventListener("click", () => busy(b, async () => {
    try {
      const tok = await api("POST", `/consultations/${c.id}/join`);
      sessionStorage.setItem(`zadankai.join.${c.id}`, JSON.stringify(tok));
      location.href = `/room?consultation=${encodeURIComponent(c.id)}`;
    } catch (e) { showError(box, e, "join"); }
  }).then(update));
  box.prepend(b, hint);
  return box;
}

function cancelButton(c, key, questionKey) {
  const b = button(key, "secondary");
  b.addEventListener("click", () => confirmInline(b, questionKey, "cancel_yes", async () => {
    await api("POST", `/consultations/${c.id}/cancel`, {});
    await done("cancelled_done");
  }));
  return b;
}

// keepButton answers new times proposed for a booking with the booked
// time: the other person keeps it, or the proposer takes them back.
function keepButton(c, key, doneKey) {
  const b = button(key, "secondary");
  const out = el("div", {}, formError());
  b.addEventListener("click", () => busy(b, async () => {
    try {
      await api("DELETE", `/consultations/${c.id}/reschedule`);
      await done(doneKey, { name: c.peer.display_name });
    } catch (e) { showError(out, e); }
  }));
  return [b, out];
}

function calendarLink(c) {
  return el("a", { class: "button secondary", href: `/api/v1/consultations/${encodeURIComponent(c.id)}/calendar.ics`,
    download: `zadankai-${c.id}.ics` }, tx("calendar"));
}

// moveAsked is a booking with new times waiting for my answer (its
// current time is shown above): the new times to pick from, their note,
// or keep the current time.
function moveAsked(c, parts, actions) {
  if (c.mode === "online" && new Date(c.booked.start).getTime() - Date.now() < 3600_000) parts.push(joinButton(c)); // about to begin
  if (c.reschedule.note) parts.push(el("blockquote", { class: "note" }, el("span", { class: "sr-only" }, tx("note_label")), c.reschedule.note));
  parts.push(acceptForm(c, c.reschedule.proposed, true), el("p", { class: "hint" }, tx("move_stands")));
  actions.append(...keepButton(c, "keep_time", "kept_done"), calendarLink(c), cancelButton(c, "cancel", "confirm_cancel"));
}

// moveSent is what I proposed for a booking, waiting for the other.
function moveSent(c) {
  return el("div", { class: "move-sent" }, el("p", {}, tx("move_waiting", { name: c.peer.display_name })),
    el("ul", { class: "proposed" }, ...c.reschedule.proposed.map((s) => el("li", {}, ...slotLine(s, c)))));
}

function noShowButton(c) {
  const b = button("no_show", "secondary");
  b.addEventListener("click", () => confirmInline(b, "confirm_no_show", "no_show_yes", async () => {
    await reportNoShow(c);
    await done("no_show_done");
  }));
  return b;
}

function item(c, group) {
  const h = uid("cs");
  const parts = [];
  const actions = el("div", { class: "actions" });
  const extra = el("div", { class: "extra" });
  const moving = group === "mine" && c.status === "booked";
  if (group === "mine") {
    const lead = moving ? "move_asked" : c.role === "recipient" ? "asked_you" : "new_times_for_you";
    parts.push(el("p", { class: "lead-line" }, tx(lead, { name: c.peer.display_name })));
  }
  if (moving) parts.push(el("p", { class: "when current" }, el("span", { class: "label" }, tx("current_time")), " ", slotEl(c.booked, zone)));
  else if (c.booked && group !== "mine") parts.push(el("p", { class: "when" }, slotEl(c.booked, zone)));
  parts.push(el("p", { class: "mode" }, tx(c.mode === "in_person" ? "mode_in_person" : "mode_online"),
    c.mode === "in_person" && c.place ? el("span", {}, " · ", tx("place"), ": ", c.place) : null));
  if (c.note && !moving) parts.push(el("blockquote", { class: "note" }, el("span", { class: "sr-only" }, tx("note_label")), c.note));
  if (moving) {
    moveAsked(c, parts, actions);
  } else if (group === "mine") {
    parts.push(el("p", { class: "hint" }, tx("answer_by"), " ", timeEl(c.expires_at, zone)));
    parts.push(acceptForm(c, c.proposed, false));
    const decline = button("decline", "secondary");
    const other = button("propose_other", "secondary");
    actions.append(decline, other);
    toggle(decline, extra, (close) => declineForm(c, close));
    toggle(other, extra, (close) => rescheduleForm(c, close));
  } else if (group === "theirs") {
    parts.push(el("p", {}, tx("waiting_for_them")), el("p", { class: "hint" }, tx("proposed_list")),
      el("ul", { class: "proposed" }, ...c.proposed.map((s) => el("li", {}, ...slotLine(s, c)))));
    const resched = button("reschedule", "secondary");
    actions.append(resched, cancelButton(c, "withdraw", "confirm_withdraw"));
    toggle(resched, extra, (close) => rescheduleForm(c, close));
  } else if (group === "upcoming") {
    if (c.mode === "online") parts.push(joinButton(c));
    if (c.reschedule && c.reschedule.by_me) parts.push(moveSent(c));
    const resched = button(c.reschedule ? "reschedule_again" : "reschedule", "secondary");
    actions.append(calendarLink(c), resched);
    if (c.reschedule && c.reschedule.by_me) actions.append(...keepButton(c, "take_back", "taken_back_done"));
    actions.append(cancelButton(c, "cancel", "confirm_cancel"));
    if (noShowAllowed(c)) actions.append(noShowButton(c));
    toggle(resched, extra, (close) => rescheduleForm(c, close));
  } else {
    parts.push(el("p", { class: "outcome" }, tx(outcomeKey(c))));
    if (c.decline_reason) parts.push(el("p", { class: "hint" }, tx("your_reason"), " ", c.decline_reason));
    if (c.status === "completed" && !c.feedback_given && !feedbackGiven(c.id)) {
      const give = button("feedback", "give-feedback");
      actions.append(give);
      toggle(give, extra, (close) => feedbackForm(c, (key) => { close(); if (key) done(key); }));
    } else if (c.status === "completed") {
      parts.push(el("p", { class: "hint" }, tx("feedback_sent")));
    }
    if (noShowAllowed(c)) actions.append(noShowButton(c));
  }
  return el("article", { class: "card consultation", "data-id": c.id, "aria-labelledby": h },
    el("div", { class: "who" }, avatar(c.peer, 48),
      el("div", {}, el("h4", { id: h }, c.peer.display_name),
        el("p", { class: `badge badge-${c.status}` }, tx("status_" + c.status)))),
    ...parts, actions.childElementCount ? actions : null, extra);
}

function outcomeKey(c) {
  if (c.status === "declined") return c.role === "recipient" ? "outcome_declined_by_you" : "outcome_declined";
  return { cancelled: "outcome_cancelled", expired: "outcome_expired", completed: "outcome_completed" }[c.status] || "status_" + c.status;
}

function groupOf(c) {
  if (c.status === "requested") return c.awaiting_me ? "mine" : "theirs";
  if (c.status === "booked") return c.awaiting_me ? "mine" : "upcoming"; // new times wait for my answer
  return "past";
}

const groups = [["mine", "waiting_for_you"], ["theirs", "waiting_for_them_title"], ["upcoming", "upcoming"], ["past", "past"]];

async function draw() {
  const { consultations } = await api("GET", "/consultations");
  const by = Object.fromEntries(groups.map(([g]) => [g, []]));
  for (const c of consultations) by[groupOf(c)].push(c);
  const start = (c) => new Date((c.booked || c.proposed[0] || { start: c.created_at }).start).getTime();
  by.upcoming.sort((a, b) => start(a) - start(b));
  const sections = groups.filter(([g]) => by[g].length).map(([g, key]) => {
    const id = uid("grp");
    return el("section", { class: `group group-${g}`, "aria-labelledby": id },
      el("h3", { id }, tx(key), " ", el("span", { class: "count" }, `(${by[g].length})`)),
      el("div", { class: "cards" }, ...by[g].map((c) => item(c, g))));
  });
  document.getElementById("list").replaceChildren(...sections);
  if (!consultations.length) say(status(), "no_consultations");
  else status().textContent = "";
  return consultations;
}

// openFeedback follows the room's end screen (?feedback=<id>): the
// feedback form opens at once, or the card says when it will.
function openFeedback(list, id) {
  const c = list.find((x) => x.id === id);
  const card = document.querySelector(`article[data-id="${CSS.escape(id)}"]`);
  if (!c || !card) return;
  card.scrollIntoView({ block: "start" });
  const give = card.querySelector("button.give-feedback");
  if (give) { give.click(); return; }
  if (c.status === "booked" && c.booked) {
    const end = new Date(new Date(c.booked.start).getTime() + c.booked.minutes * 60_000).toISOString();
    card.append(el("p", { class: "hint feedback-later", role: "status" }, tx("feedback_after_end", { time: fmt(end, zone, "time") })));
  }
}

// The join buttons come alive ten minutes before without a reload.
setInterval(() => { for (const b of document.querySelectorAll("button[data-join]")) if (b.update && !b.getAttribute("aria-busy")) b.update(); }, 20000);

// showCard brings the consultation a link names (?id=, from emails and
// the home page) into view.
function showCard(id) {
  const card = document.querySelector(`article[data-id="${CSS.escape(id)}"]`);
  if (!card) return;
  card.setAttribute("tabindex", "-1");
  card.scrollIntoView({ block: "start" });
  card.focus();
}

page(["member"], async (member) => { // consultations are between members
  zone = member.time_zone || zone;
  const list = await draw();
  const q = new URLSearchParams(location.search);
  if (q.get("feedback")) openFeedback(list, q.get("feedback"));
  else if (q.get("id")) showCard(q.get("id"));
});
