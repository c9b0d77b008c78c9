// Feedback after a consultation (rating, tags, private text, "would meet
// again", a problem report, an optional block), and the no-show report.
import { api, el } from "/assets/api.js";
import { tx, field, choice, formError, clearErrors, showError, busy, counter, uid } from "/assets/forms.js";

export const TAGS = ["helpful", "encouraging", "practical_tips", "good_listener", "new_perspective", "felt_safe", "too_short", "mismatch"];

const givenKey = (id) => `zadankai.feedback.${id}`;
export function feedbackGiven(id) { return localStorage.getItem(givenKey(id)) === "1"; }
function markGiven(id) { localStorage.setItem(givenKey(id), "1"); }

// feedbackForm calls onDone(key) with the message to show once the server
// has recorded the feedback (or says it already has it).
export function feedbackForm(c, onDone) {
  const rating = el("fieldset", { class: "choices rating" }, el("legend", {}, tx("rating"), " ", el("span", { class: "req" }, tx("required_mark"))),
    ...[1, 2, 3, 4, 5].map((n) => choice("radio", "rating", String(n), `rating_${n}`)),
    el("p", { class: "field-error", role: "alert", "data-error-for": "rating", id: uid("err") }));
  const tags = el("fieldset", { class: "choices" }, el("legend", {}, tx("tags")),
    ...TAGS.map((tag) => choice("checkbox", "tags", tag, `tag_${tag}`)),
    el("p", { class: "field-error", role: "alert", "data-error-for": "tags" }));
  const text = el("textarea", { name: "text", maxlength: 2000, rows: 4 });
  const report = el("textarea", { name: "report", maxlength: 2000, rows: 3 });
  const send = el("button", { type: "submit" }, tx("send_feedback"));
  const close = el("button", { type: "button", class: "secondary" }, tx("close"));
  const form = el("form", { class: "feedback", novalidate: true },
    el("h5", {}, tx("feedback_title", { name: c.peer.display_name })),
    rating, tags, field("feedback_text", text, "text", "operators_only"), counter(text, 2000),
    choice("checkbox", "again", "1", "would_meet_again"),
    el("details", {}, el("summary", {}, tx("report_problem")), field("report_text", report, "report", "operators_only")),
    choice("checkbox", "block", "1", "block_after"),
    formError(), el("div", { class: "actions" }, send, close));
  const firstRadio = rating.querySelector("input");
  firstRadio.setAttribute("aria-describedby", rating.querySelector(".field-error").id);
  close.addEventListener("click", () => onDone(null));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const d = new FormData(form);
    if (!d.get("rating")) {
      showError(form, { code: "rating_required", field: "rating" });
      return;
    }
    busy(send, async () => {
      try {
        await api("POST", `/consultations/${c.id}/feedback`, { rating: Number(d.get("rating")), tags: d.getAll("tags"),
          text: text.value, would_meet_again: d.get("again") === "1", report: report.value, block: d.get("block") === "1" });
        markGiven(c.id);
        onDone("feedback_thanks");
      } catch (e) {
        if (e.code === "already_given") { markGiven(c.id); onDone("feedback_already"); return; }
        showError(form, e, "feedback");
      }
    });
  });
  queueMicrotask(() => firstRadio.focus());
  return form;
}

// noShowAllowed: a booked time that has begun, the other not yet
// reported; never about someone who came into the room, nor once the
// viewer has given feedback on the meeting.
export function noShowAllowed(c, now = Date.now()) {
  return c.booked && (c.status === "booked" || c.status === "completed") &&
    now >= new Date(c.booked.start).getTime() && !c.no_shows.includes(c.peer.id) &&
    !c.peer_joined && !c.feedback_given && !feedbackGiven(c.id);
}

export function reportNoShow(c) {
  return api("POST", `/consultations/${c.id}/no-show`, { member_id: c.peer.id });
}
