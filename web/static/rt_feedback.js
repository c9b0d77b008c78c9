// Feedback after a roundtable: rating, tags, a text only operators read,
// and "I'd like more on this theme".
import { api, el } from "/assets/api.js";
import { timeEl } from "/assets/format.js";
import { tx, field, choice, formError, clearErrors, showError, busy, counter, uid } from "/assets/forms.js";

export const RT_TAGS = ["informative", "encouraging", "practical_tips", "new_perspective", "felt_safe", "good_moderation",
  "easy_to_speak", "too_short", "too_long", "hard_to_speak"];

// rtFeedbackForm calls onDone(key) with the message to show once the
// server has the feedback (or already had it), or onDone(null) on close.
export function rtFeedbackForm(r, onDone) {
  const ratingErr = el("p", { class: "field-error", role: "alert", "data-error-for": "rating", id: uid("err") });
  const rating = el("fieldset", { class: "choices rating" }, el("legend", {}, tx("rating"), " ", el("span", { class: "req" }, tx("required_mark"))),
    ...[1, 2, 3, 4, 5].map((n) => choice("radio", "rating", String(n), `rating_${n}`)), ratingErr);
  const tags = el("fieldset", { class: "choices" }, el("legend", {}, tx("tags")),
    ...RT_TAGS.map((tag) => choice("checkbox", "tags", tag, `rt_tag_${tag}`)),
    el("p", { class: "field-error", role: "alert", "data-error-for": "tags" }));
  const text = el("textarea", { name: "text", maxlength: 2000, rows: 4 });
  const send = el("button", { type: "submit" }, tx("send_feedback"));
  const close = el("button", { type: "button", class: "secondary" }, tx("close"));
  const form = el("form", { class: "feedback", novalidate: true },
    el("h5", {}, tx("rt_feedback_title", { title: r.title })), rating, tags,
    field("rt_feedback_text", text, "text", "rt_operators_only"), counter(text, 2000),
    choice("checkbox", "want_more", "1", "rt_want_more"), formError(), el("div", { class: "actions" }, send, close));
  const first = rating.querySelector("input");
  first.setAttribute("aria-describedby", ratingErr.id);
  close.addEventListener("click", () => onDone(null));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const d = new FormData(form);
    if (!d.get("rating")) { showError(form, { code: "rating_required", field: "rating" }); return; }
    busy(send, async () => {
      try {
        await api("POST", `/roundtables/${encodeURIComponent(r.id)}/feedback`, { rating: Number(d.get("rating")), tags: d.getAll("tags"),
          text: text.value, want_more: d.get("want_more") === "1" });
        onDone("feedback_thanks");
      } catch (e) {
        if (e.code === "already_given") { onDone("rt_feedback_already"); return; }
        showError(form, e, "rt_feedback");
      }
    });
  });
  queueMicrotask(() => first.focus());
  return form;
}

// feedbackEntry is one piece of feedback as operators read it.
export function feedbackEntry(f, zone) {
  const tags = f.tags.map((tag) => (RT_TAGS.includes(tag) ? tx("rt_tag_" + tag) : el("span", {}, tag)));
  return el("li", { class: "row-item feedback-item" },
    el("div", { class: "row-main" }, el("span", { class: "name" }, f.roundtable_title || f.roundtable_id),
      el("span", { class: "rating" }, tx("rating_of", { n: f.rating }))),
    el("p", { class: "hint" }, f.author.display_name || f.author.id, " · ", timeEl(f.created_at, zone)),
    tags.length ? el("ul", { class: "chips" }, ...tags.map((x) => el("li", {}, x))) : null,
    el("p", {}, tx(f.want_more ? "rt_want_more_yes" : "rt_want_more_no")),
    f.text ? el("blockquote", {}, f.text) : null);
}

// summaryLine: "3 responses · average 4.3 · want more 2" (no average from none).
export function summaryLine(s) {
  return el("p", { class: "summary" }, s.responses
    ? tx("rt_feedback_summary", { n: s.responses, avg: s.average_rating.toFixed(1), want: s.want_more })
    : tx("rt_feedback_none"));
}

// roundtableFeedback lists one roundtable's feedback for operators.
export async function roundtableFeedback(r, zone) {
  const res = await api("GET", `/roundtables/${encodeURIComponent(r.id)}/feedback`);
  return el("div", { class: "rt-feedback-list" }, summaryLine(res.summary),
    res.feedback.length ? el("ul", { class: "rows-list" }, ...res.feedback.map((f) => feedbackEntry(f, zone))) : "");
}
