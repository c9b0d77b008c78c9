// Questions and polls in a roundtable's room: the "Q&A" side panel (ask,
// anonymously by default; vote; the moderator puts a question on screen,
// marks it answered or hides it; the moderator opens and closes polls,
// everyone answers and sees the counts) and the on-screen question shown
// to everyone over the stage. The page asks the API every few seconds
// (which survives reconnects) and at once when the control plane says
// something changed ("zadankai.qa").
import { api } from "../../static/api.js";
import { el, $, announce, notify } from "./ui.js";
import { t, tf, errorMessage } from "./messages.js";

const topicQA = "zadankai.qa";
const every = 3000;
const maxQuestion = 280;

// qaError says what went wrong in words of its own (a limit, a vote
// given already, the end), else as the room says it.
function qaError(e) {
  const key = `qa_err_${e?.code || ""}`;
  return t(key) !== key ? t(key) : errorMessage(e);
}

// bar is a count drawn as a bar (the width set through the CSSOM: the
// page's policy allows no inline style attribute).
function bar(n, most) {
  const fill = el("span", { class: "fill" });
  fill.style.width = `${Math.round(100 * n / most)}%`;
  return el("span", { class: "bar", "aria-hidden": "true" }, fill);
}

export class QA {
  constructor(call, panels) {
    this.call = call;
    this.panels = panels;
    this.base = `/roundtables/${encodeURIComponent(call.target.id)}`;
    this.tab = "questions";
    this.data = { questions: [], polls: [], moderator: false, canAsk: false };
    this.seen = ""; // the last answer drawn, to redraw only on change
    this.knownPolls = null; // ids of polls seen, to tell about a new one
    this.build();
    call.on((what, d) => {
      if (what === "data" && d.topic === topicQA && !d.from) this.refresh();
      if (what === "panel" && d === "qa") this.draw(true);
    });
    this.timer = setInterval(() => { if (this.call.done) clearInterval(this.timer); else this.refresh(); }, every);
    this.refresh();
  }

  build() {
    this.heading = el("h3", { id: "qa-h", tabindex: "-1" });
    this.close = el("button", { type: "button", class: "secondary", onclick: () => this.panels.toggle("qa") });
    this.tabs = { questions: this.tabButton("questions"), polls: this.tabButton("polls") };
    this.status = el("p", { id: "qa-status", class: "status", role: "status", "aria-live": "polite" });
    this.qList = el("ol", { id: "questions-list", class: "qa-list" });
    this.pList = el("div", { id: "polls-list", class: "qa-list" });
    this.askForm = this.buildAsk();
    this.pollForm = this.buildPollForm();
    this.qSection = el("section", { id: "questions-panel", "aria-labelledby": "qa-tab-questions" }, this.askForm, this.qList);
    this.pSection = el("section", { id: "polls-panel", "aria-labelledby": "qa-tab-polls", hidden: true }, this.pollForm, this.pList);
    $("qa-panel").replaceChildren(el("div", { class: "panel-head" }, this.heading, this.close),
      el("div", { class: "qa-tabs", role: "tablist" }, this.tabs.questions, this.tabs.polls), this.status, this.qSection, this.pSection);
    this.relabel();
  }

  tabButton(name) {
    return el("button", { type: "button", role: "tab", id: `qa-tab-${name}`, class: "qa-tab", "aria-controls": `${name}-panel`,
      onclick: () => { this.tab = name; if (name === "polls") $("btn-qa").dataset.unread = ""; this.draw(true); } });
  }

  buildAsk() {
    this.input = el("textarea", { id: "question-input", rows: 2, maxlength: maxQuestion, "aria-describedby": "question-note question-err" });
    this.count = el("span", { class: "hint", id: "question-count" });
    this.anon = el("input", { type: "checkbox", id: "question-anon", checked: true });
    this.note = el("p", { id: "question-note", class: "hint" });
    this.err = el("p", { id: "question-err", class: "field-error", role: "alert" });
    this.labels = { input: el("label", { for: "question-input" }), anon: el("label", { for: "question-anon" }), send: el("button", { type: "submit", id: "question-send" }) };
    this.input.addEventListener("input", () => { this.count.textContent = `${this.input.value.length}/${maxQuestion}`; });
    this.anon.addEventListener("change", () => { this.note.textContent = t(this.anon.checked ? "qa_anon_note" : "qa_named_note"); });
    return el("form", { id: "question-form", class: "qa-form", onsubmit: (e) => { e.preventDefault(); this.ask(); } },
      this.labels.input, this.input, this.count, el("p", { class: "check" }, this.anon, " ", this.labels.anon), this.note, this.err, this.labels.send);
  }

  buildPollForm() {
    this.pollQ = el("input", { id: "poll-question", maxlength: 200 });
    this.choiceBox = el("div", { class: "poll-choices" });
    this.multi = el("input", { type: "checkbox", id: "poll-multiple" });
    this.pollErr = el("p", { id: "poll-err", class: "field-error", role: "alert" });
    this.pollLabels = { q: el("label", { for: "poll-question" }), multi: el("label", { for: "poll-multiple" }),
      add: el("button", { type: "button", class: "secondary", id: "poll-add", onclick: () => this.addChoice() }),
      send: el("button", { type: "submit", id: "poll-send" }), summary: el("summary", {}) };
    this.addChoice();
    this.addChoice();
    const form = el("form", { id: "poll-form", class: "qa-form", onsubmit: (e) => { e.preventDefault(); this.openPoll(); } },
      this.pollLabels.q, this.pollQ, this.choiceBox, this.pollLabels.add, el("p", { class: "check" }, this.multi, " ", this.pollLabels.multi),
      this.pollErr, this.pollLabels.send);
    return el("details", { class: "poll-new", hidden: true }, this.pollLabels.summary, form);
  }

  addChoice() {
    const n = this.choiceBox.children.length;
    if (n >= 6) return;
    const id = `poll-choice-${n}`;
    this.choiceBox.append(el("p", {}, el("label", { for: id, class: "choice-label" }, tf("qa_choice_n", { n: n + 1 })),
      el("input", { id, class: "poll-choice", maxlength: 80 })));
    this.pollLabels.add.hidden = n + 1 >= 6;
  }

  // relabel writes the fixed texts in the page's language.
  relabel() {
    this.heading.textContent = t("qa_title");
    this.close.textContent = t("close");
    this.tabs.questions.textContent = t("qa_questions");
    this.tabs.polls.textContent = t("qa_polls");
    this.labels.input.textContent = t("qa_ask_label");
    this.labels.anon.textContent = t("qa_anon");
    this.labels.send.textContent = t("qa_send");
    this.note.textContent = t(this.anon.checked ? "qa_anon_note" : "qa_named_note");
    this.count.textContent = `${this.input.value.length}/${maxQuestion}`;
    Object.assign(this.pollLabels.q, { textContent: t("qa_poll_question") });
    this.pollLabels.multi.textContent = t("qa_poll_multiple");
    this.pollLabels.add.textContent = t("qa_poll_add");
    this.pollLabels.send.textContent = t("qa_poll_open");
    this.pollLabels.summary.textContent = t("qa_poll_new");
    for (const [i, l] of [...this.choiceBox.querySelectorAll(".choice-label")].entries()) l.textContent = tf("qa_choice_n", { n: i + 1 });
    this.draw(true);
  }

  // refresh fetches both lists and redraws; asked while a fetch is under
  // way (right after a vote), it fetches again once that one is back, so
  // the page never shows an answer from before its own change.
  async refresh() {
    if (this.busy) { this.again = true; return; }
    this.busy = true;
    let data = null;
    try {
      const [q, p] = await Promise.all([api("GET", `${this.base}/questions`), api("GET", `${this.base}/polls`)]);
      data = { questions: q.questions, polls: p.polls, moderator: q.moderator, canAsk: q.can_ask };
    } catch { /* the next round tries again */ } finally { this.busy = false; }
    if (data) { this.data = data; this.draw(false); }
    if (this.again) { this.again = false; await this.refresh(); }
  }

  // draw redraws the lists and the on-screen banner when the data (or,
  // with force, the language or the tab) changed, keeping focus.
  draw(force) {
    const key = JSON.stringify(this.data);
    if (!force && key === this.seen) return;
    this.tellNewPoll();
    const focused = document.activeElement?.dataset?.key;
    for (const [name, b] of Object.entries(this.tabs)) b.setAttribute("aria-selected", String(this.tab === name));
    this.qSection.hidden = this.tab !== "questions";
    this.pSection.hidden = this.tab !== "polls";
    this.askForm.hidden = !this.data.canAsk;
    this.pollForm.hidden = !this.data.moderator;
    this.qList.replaceChildren(...(this.data.questions.length ? this.data.questions.map((x) => this.questionItem(x)) : [el("li", { class: "hint" }, t("qa_no_questions"))]));
    this.pList.replaceChildren(...(this.data.polls.length ? this.data.polls.map((p) => this.pollItem(p)) : [el("p", { class: "hint" }, t("qa_no_polls"))]));
    this.banner();
    this.seen = key; // drawn: the same answer again needs no redraw
    if (focused) document.querySelector(`#qa-panel [data-key="${CSS.escape(focused)}"]`)?.focus();
  }

  // tellNewPoll says a poll opened to whoever has the panel closed.
  tellNewPoll() {
    const ids = this.data.polls.map((p) => p.id);
    const fresh = this.knownPolls && this.data.polls.find((p) => !p.closed && !this.knownPolls.includes(p.id));
    this.knownPolls = ids;
    if (!fresh || this.data.moderator) return;
    if (this.panels.open === "qa" && this.tab === "polls") return; // she sees it already
    $("btn-qa").dataset.unread = "!";
    notify("qa_new_poll", { key: "qa-poll", params: { q: fresh.question.slice(0, 200) }, transient: true,
      action: { label: "qa_open", run: () => { this.tab = "polls"; if (this.panels.open !== "qa") this.panels.toggle("qa"); else this.draw(true); } } });
  }

  banner() {
    const on = this.data.questions.find((x) => x.state === "on_screen");
    const box = $("on-screen");
    if (!box) return;
    box.hidden = !on;
    if (on) box.replaceChildren(el("strong", {}, t("qa_on_screen")), " ", el("span", { class: "on-screen-text" }, on.text));
    if (on && box.dataset.id !== on.id) announce(tf("qa_on_screen_said", { text: on.text }));
    box.dataset.id = on?.id || "";
  }

  questionItem(x) {
    const who = x.anonymous ? t("qa_anonymous") : tf("chat_from", { name: x.author_name });
    const badges = [x.mine ? el("span", { class: "badge" }, t("qa_mine")) : "",
      x.state !== "open" ? el("span", { class: `badge qa-${x.state}` }, t(`qa_state_${x.state}`)) : ""];
    const acts = [];
    if (this.data.canAsk && x.state !== "answered") {
      acts.push(this.act(x, x.voted ? "unvote" : "vote", tf("qa_vote", { n: x.votes }), { "aria-pressed": String(x.voted), title: t(x.voted ? "qa_unvote_title" : "qa_vote_title") }));
    } else acts.push(el("span", { class: "votes" }, tf("qa_votes", { n: x.votes })));
    if (this.data.moderator) {
      const next = { open: ["on_screen", "answered", "hidden"], on_screen: ["open", "answered", "hidden"], answered: ["open", "hidden"], hidden: ["open"] }[x.state];
      for (const s of next) acts.push(this.act(x, s, t(`qa_mod_${s}`)));
    }
    return el("li", { dataset: { id: x.id, state: x.state, votes: String(x.votes) }, class: `qa-item qa-${x.state}` },
      el("p", { class: "qa-text" }, x.text), el("p", { class: "qa-meta" }, el("span", { class: "who" }, who), ...badges),
      el("div", { class: "acts" }, ...acts));
  }

  act(x, what, label, extra = {}) {
    return el("button", { type: "button", class: "secondary small", dataset: { act: what, key: `${x.id}:${what}` }, ...extra,
      onclick: (e) => this.questionAction(e.currentTarget, x, what) }, label);
  }

  async questionAction(btn, x, what) {
    btn.disabled = true;
    try {
      const path = `${this.base}/questions/${encodeURIComponent(x.id)}`;
      if (what === "vote" || what === "unvote") await api(what === "vote" ? "POST" : "DELETE", `${path}/vote`);
      else await api("POST", `${path}/state`, { state: what });
      this.status.textContent = what === "vote" || what === "unvote" ? "" : t(`qa_res_${what}`);
    } catch (e) { this.status.textContent = qaError(e); } finally { btn.disabled = false; }
    await this.refresh();
  }

  async ask() {
    const text = this.input.value.trim();
    this.err.textContent = "";
    if (!text) { this.err.textContent = t("qa_empty"); return; }
    this.labels.send.disabled = true;
    try {
      await api("POST", `${this.base}/questions`, { text, anonymous: this.anon.checked });
      this.input.value = "";
      this.count.textContent = `0/${maxQuestion}`;
      this.status.textContent = t("qa_sent");
    } catch (e) { this.err.textContent = qaError(e); } finally { this.labels.send.disabled = false; }
    await this.refresh();
  }

  pollItem(p) {
    const total = Math.max(1, ...p.counts);
    const voted = p.my_choices.length > 0;
    const rows = p.choices.map((c, i) => el("li", { dataset: { choice: String(i), count: String(p.counts[i]) }, class: p.my_choices.includes(i) ? "mine" : "" },
      el("span", { class: "choice" }, c), el("span", { class: "count" }, tf("qa_count", { n: p.counts[i] })),
      bar(p.counts[i], total)));
    const parts = [el("h4", {}, p.question), el("p", { class: "hint" }, t(p.multiple ? "qa_poll_many" : "qa_poll_one"), " · ",
      tf("qa_voters", { n: p.voters }), p.closed ? el("span", { class: "badge" }, t("qa_poll_closed")) : "")];
    // Members see the counts once they answered (so as not to sway them);
    // moderators follow them live.
    if (voted || p.closed || this.data.moderator || !this.data.canAsk) parts.push(el("ol", { class: "poll-results" }, ...rows));
    if (!p.closed && !voted && this.data.canAsk) parts.push(this.ballot(p));
    if (voted) parts.push(el("p", { class: "hint" }, t("qa_you_answered")));
    if (this.data.moderator && !p.closed) parts.push(el("button", { type: "button", class: "secondary small", dataset: { act: "close", key: `${p.id}:close` }, onclick: (e) => this.closePoll(e.currentTarget, p) }, t("qa_poll_close")));
    return el("article", { class: "poll", dataset: { id: p.id, closed: String(p.closed) } }, ...parts);
  }

  ballot(p) {
    const type = p.multiple ? "checkbox" : "radio";
    const err = el("p", { class: "field-error", role: "alert" });
    const form = el("form", { class: "ballot", onsubmit: async (e) => {
      e.preventDefault();
      const choices = [...form.querySelectorAll("input:checked")].map((i) => Number(i.value));
      if (!choices.length) { err.textContent = t("qa_pick"); return; }
      try { await api("POST", `${this.base}/polls/${encodeURIComponent(p.id)}/vote`, { choices }); this.status.textContent = t("qa_answered"); }
      catch (e2) { err.textContent = qaError(e2); return; }
      await this.refresh();
    } }, el("fieldset", {}, el("legend", { class: "sr-only" }, p.question),
      ...p.choices.map((c, i) => el("p", { class: "check" }, el("input", { type, name: `b-${p.id}`, id: `b-${p.id}-${i}`, value: String(i) }), " ",
        el("label", { for: `b-${p.id}-${i}` }, c)))), err, el("button", { type: "submit", dataset: { key: `${p.id}:vote` } }, t("qa_answer")));
    return form;
  }

  async openPoll() {
    this.pollErr.textContent = "";
    const choices = [...this.choiceBox.querySelectorAll("input")].map((i) => i.value.trim()).filter(Boolean);
    try {
      await api("POST", `${this.base}/polls`, { question: this.pollQ.value, choices, multiple: this.multi.checked });
      this.pollQ.value = "";
      for (const i of this.choiceBox.querySelectorAll("input")) i.value = "";
      this.pollForm.open = false;
      this.status.textContent = t("qa_poll_opened");
    } catch (e) { this.pollErr.textContent = qaError(e); }
    await this.refresh();
  }

  async closePoll(btn, p) {
    btn.disabled = true;
    try { await api("POST", `${this.base}/polls/${encodeURIComponent(p.id)}/close`); this.status.textContent = t("qa_poll_closed_done"); }
    catch (e) { this.status.textContent = qaError(e); } finally { btn.disabled = false; }
    await this.refresh();
  }
}
