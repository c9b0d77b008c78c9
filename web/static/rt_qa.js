// Questions and polls on a roundtable's card: before it ends, the people
// taking part send a question (anonymous by default; the form says who
// can ever see the sender); afterwards they read the answered questions
// and the closed polls' counts. pollResult also draws the polls of every
// roundtable in the operators' feedback view (roundtable_ops.js).
import { t, tf } from "/assets/i18n.js";
import { api, el } from "/assets/api.js";
import { timeEl } from "/assets/format.js";
import { tx, say, field, formError, clearErrors, showError, busy, counter, uid } from "/assets/forms.js";

const path = (r, rest) => `/roundtables/${encodeURIComponent(r.id)}${rest}`;

// askForm sends one question; onDone(key) closes it with a message.
function askForm(r, onDone) {
  const text = el("textarea", { name: "text", maxlength: 280, rows: 3 });
  const anon = el("input", { type: "checkbox", name: "anonymous", checked: true, id: uid("anon") });
  const note = el("p", { class: "hint qa-note" }, t("rt_qa_anon_note"));
  anon.addEventListener("change", () => say(note, anon.checked ? "rt_qa_anon_note" : "rt_qa_named_note"));
  const send = el("button", { type: "submit" }, tx("rt_qa_send"));
  const close = el("button", { type: "button", class: "secondary" }, tx("close"));
  const form = el("form", { class: "qa-ask", novalidate: true }, field("rt_qa_text", text, "text"), counter(text, 280),
    el("label", { class: "choice", for: anon.id }, anon, tx("rt_qa_anon")), note, formError(), el("div", { class: "actions" }, send, close));
  note.dataset.i18n = "rt_qa_anon_note";
  close.addEventListener("click", () => onDone(null));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearErrors(form);
    busy(send, async () => {
      try {
        await api("POST", path(r, "/questions"), { text: text.value, anonymous: anon.checked });
        onDone("rt_qa_sent");
      } catch (e) { showError(form, e, "rt_qa"); }
    });
  });
  queueMicrotask(() => text.focus());
  return form;
}

// pollResult is one poll with its counts (never who chose what).
export function pollResult(p, zone) {
  const most = Math.max(1, ...p.counts);
  return el("li", { class: "row-item poll-result", "data-id": p.id },
    el("div", { class: "row-main" }, el("span", { class: "name" }, p.question),
      el("span", { class: "hint" }, tx("rt_qa_voters", { n: p.voters }))),
    p.roundtable_title ? el("p", { class: "hint" }, p.roundtable_title, " · ", timeEl(p.created_at, zone)) : null,
    el("ul", { class: "poll-counts" }, ...p.choices.map((c, i) => {
      const fill = el("span", { class: "fill" });
      fill.style.width = `${Math.round(100 * p.counts[i] / most)}%`; // the CSSOM: no inline style attribute
      return el("li", { "data-count": String(p.counts[i]) }, el("span", {}, c), " ", el("strong", {}, tf("rt_qa_count", { n: p.counts[i] })),
        el("span", { class: "bar", "aria-hidden": "true" }, fill));
    })));
}

// afterwards lists the answered questions and the polls, for the people
// who took part, once the roundtable has ended.
async function afterwards(r, zone) {
  const [q, p] = await Promise.all([api("GET", path(r, "/questions")), api("GET", path(r, "/polls"))]);
  const answered = q.questions.filter((x) => x.state === "answered");
  return el("div", { class: "qa-after" },
    el("h5", {}, tx("rt_qa_answered")),
    answered.length ? el("ul", { class: "rows-list answered-questions" }, ...answered.map((x) => el("li", { class: "row-item", "data-id": x.id },
      el("p", {}, x.text), el("p", { class: "hint" }, x.anonymous ? tx("rt_qa_anonymous") : x.author_name, " · ", tx("rt_qa_votes", { n: x.votes })))))
      : el("p", { class: "hint" }, tx("rt_qa_none_answered")),
    el("h5", {}, tx("rt_qa_polls")),
    p.polls.length ? el("ul", { class: "rows-list" }, ...p.polls.map((x) => pollResult(x, zone))) : el("p", { class: "hint" }, tx("rt_qa_no_polls")));
}

// qaActions adds the card's question buttons: toggle(btn, container, make)
// opens a form or list under a button (the page's own helper); done(key)
// redraws the page with a message.
export function qaActions(r, me, actions, extra, toggle, done, zone) {
  const takesPart = ["registered", "speaker", "moderator"].includes(r.my_status);
  if (r.cancelled || (!takesPart && me.role !== "operator")) return;
  if (!r.ended && takesPart) {
    const ask = el("button", { type: "button", class: "secondary", "data-qa": "ask" }, tx("rt_qa_ask"));
    actions.append(ask);
    toggle(ask, extra, (close) => askForm(r, (key) => { close(); if (key) done(key); }));
  }
  if (r.ended) {
    const read = el("button", { type: "button", class: "secondary", "data-qa": "after" }, tx("rt_qa_after"));
    actions.append(read);
    toggle(read, extra, () => afterwards(r, zone));
  }
}

// questionAuthorsSection is the operators' abuse view: pick a roundtable,
// read who sent each of its questions (hidden ones too). Nobody else,
// moderators included, is ever shown this.
export async function questionAuthorsSection(root, roundtables, zone) {
  const which = el("select", { name: "roundtable_id", id: uid("rt") }, ...(await roundtables()).map((r) => el("option", { value: r.id }, r.title)));
  const show = el("button", { type: "submit", class: "secondary" }, tx("show"));
  const out = el("div", { "aria-live": "polite" });
  const form = el("form", { class: "inline-form filters" }, el("label", { for: which.id }, tx("rt_qa_which")), which, show, formError());
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearErrors(form);
    busy(show, async () => {
      try {
        const { questions } = await api("GET", path({ id: which.value }, "/question-authors"));
        out.replaceChildren(questions.length ? el("ul", { class: "rows-list question-authors" }, ...questions.map((x) => el("li", { class: "row-item", "data-id": x.id },
          el("p", {}, x.text),
          el("p", { class: "hint" }, tx("rt_qa_sent_by", { name: x.author.display_name || x.author.id }), " · ",
            tx(x.anonymous ? "rt_qa_was_anonymous" : "rt_qa_was_named"), " · ", tx(`rt_qa_state_${x.state}`), " · ", timeEl(x.created_at, zone)))))
          : el("p", { class: "hint" }, tx("rt_qa_no_questions")));
      } catch (e) { showError(form, e); }
    });
  });
  root.replaceChildren(form, out);
}
