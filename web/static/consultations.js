// My consultations: answer requests (pick a time or decline), join,
// add to calendar, cancel in one tap, leave feedback afterwards.
import { t, errorText } from "/assets/i18n.js";
import { api, el } from "/assets/api.js";
import { page } from "/assets/layout.js";
import { when } from "/assets/format.js";

let zone = "";
const TAGS = ["helpful", "encouraging", "practical_tips", "good_listener", "new_perspective", "felt_safe", "too_short", "mismatch"];

// act runs an action and redraws, showing an error in place if it fails.
function action(label, fn, cls) {
  const out = el("span", { role: "alert" });
  const b = el("button", { type: "button", class: cls }, label);
  b.addEventListener("click", async () => {
    b.disabled = true;
    try { await fn(); await draw(); } catch (e) { out.textContent = errorText({ error: { code: e.code } }); b.disabled = false; }
  });
  return [b, out];
}

function feedbackForm(c) {
  const form = el("form", { class: "feedback" },
    el("label", {}, el("span", {}, t("rating")), el("input", { type: "number", name: "rating", min: 1, max: 5, required: true })),
    el("fieldset", {}, ...TAGS.map((tag) => el("label", { class: "inline" }, el("input", { type: "checkbox", name: "tags", value: tag }), tag))),
    el("label", {}, el("span", {}, t("feedback_text")), el("textarea", { name: "text", maxlength: 2000, rows: 3 })),
    el("label", { class: "inline" }, el("input", { type: "checkbox", name: "again" }), t("would_meet_again")),
    el("label", {}, el("span", {}, t("report")), el("textarea", { name: "report", maxlength: 2000, rows: 2 })),
    el("button", { type: "submit" }, t("send")), el("p", { role: "alert" }));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const d = new FormData(form);
    try {
      await api("POST", `/consultations/${c.id}/feedback`, { rating: Number(d.get("rating")), tags: d.getAll("tags"),
        text: d.get("text"), would_meet_again: d.get("again") === "on", report: d.get("report") });
      form.replaceWith(el("p", { role: "status" }, t("thanks")));
    } catch (e) { form.querySelector("[role=alert]").textContent = errorText({ error: { code: e.code } }); }
  });
  return form;
}

function item(c) {
  const slot = c.booked ? when(c.booked.start, zone) : "";
  const parts = [el("h3", {}, `${c.peer.display_name} — ${t("status_" + c.status)}`), slot ? el("p", {}, slot) : null,
    c.note ? el("p", { class: "note" }, c.note) : null];
  if (c.status === "requested" && c.awaiting_me) {
    parts.push(el("p", {}, t("waiting_for_you")));
    c.proposed.forEach((s, i) => parts.push(...action(`${t("accept")}: ${when(s.start, zone)} (${s.minutes}′)`,
      () => api("POST", `/consultations/${c.id}/accept`, { slot: i }))));
    parts.push(...action(t("decline"), () => api("POST", `/consultations/${c.id}/decline`, {}), "secondary"));
  } else if (c.status === "requested") {
    parts.push(el("p", {}, t("waiting_for_them")));
  }
  if (c.status === "booked") {
    const opens = new Date(c.booked.start).getTime() - 10 * 60 * 1000;
    if (c.mode === "online") {
      const join = el("a", { class: "button", href: `/room?consultation=${c.id}` }, t("join"));
      parts.push(Date.now() >= opens ? join : el("p", {}, t("join_opens")));
    }
    parts.push(el("a", { href: `/api/v1/consultations/${c.id}/calendar.ics` }, t("calendar")));
  }
  if (c.status === "requested" || c.status === "booked") {
    parts.push(...action(t("cancel"), async () => {
      if (confirm(t("confirm_cancel"))) await api("POST", `/consultations/${c.id}/cancel`, {});
    }, "secondary"));
  }
  if (c.status === "completed") parts.push(feedbackForm(c));
  return el("article", { class: "card", "data-id": c.id }, ...parts);
}

async function draw() {
  const { consultations } = await api("GET", "/consultations");
  document.getElementById("list").replaceChildren(...consultations.map(item));
  document.getElementById("status").textContent = consultations.length ? "" : t("no_consultations");
}

page(async (member) => { zone = member.time_zone; await draw(); });
