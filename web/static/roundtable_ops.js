// The operators' roundtable sections: feedback after roundtables (text
// included: operators only) with "want more" per theme, the polls of
// every roundtable (counts only), and the moderation log across
// roundtables, newest first, page by page.
// Loaded by operator.html next to operator.js.
import { tf, has } from "/assets/i18n.js";
import { api, el, session } from "/assets/api.js";
import { timeEl } from "/assets/format.js";
import { tx, uid, option, formError, clearErrors, showError, busy } from "/assets/forms.js";
import { themeLabel } from "/assets/peer.js";
import { feedbackEntry, summaryLine } from "/assets/rt_feedback.js";
import { pollResult, questionAuthorsSection } from "/assets/rt_qa.js";
import { roundtablePages } from "/assets/rt_pages.js";

let me = null;
let themes = [];

function daysSelect() {
  return el("select", { name: "days", id: uid("days") }, ...[7, 30, 90, 365].map((n) =>
    el("option", { value: n, selected: n === 30, "data-i18n": "days_n", "data-i18n-params": JSON.stringify({ n }) }, tf("days_n", { n }))));
}

function demandList(byTheme) {
  if (!byTheme.length) return null;
  return el("ul", { class: "rows-list demand" }, ...byTheme.map((d) => el("li", { class: "row-item" },
    el("div", { class: "row-main" }, el("span", { class: "name" }, themeLabel(d.theme, themes)),
      el("span", {}, tx("rt_demand", { want: d.want_more, n: d.responses, avg: d.average_rating.toFixed(1) }))))));
}

// periodSection is a period choice over a list that render(days) draws
// (a list of nodes), drawn at once and again on "show".
async function periodSection(root, render) {
  const days = daysSelect();
  const show = el("button", { type: "submit", class: "secondary" }, tx("show"));
  const out = el("div", { "aria-live": "polite" });
  const form = el("form", { class: "inline-form filters" }, el("label", { for: days.id }, tx("period")), days, show, formError());
  const load = () => busy(show, async () => {
    clearErrors(form);
    try { out.replaceChildren(...await render(days.value)); } catch (e) { showError(form, e); }
  });
  form.addEventListener("submit", (ev) => { ev.preventDefault(); load(); });
  root.replaceChildren(form, out);
  await load();
}

function feedbackSection(root) {
  return periodSection(root, async (days) => {
    const r = await api("GET", `/feedback/roundtables?days=${days}`);
    return [summaryLine(r.summary), demandList(r.by_theme) || "",
      r.feedback.length ? el("ul", { class: "rows-list" }, ...r.feedback.map((f) => feedbackEntry(f, me.time_zone))) : el("p", { class: "hint" }, tx("no_feedback"))];
  });
}

// pollsSection lists the polls of every roundtable: counts only.
function pollsSection(root) {
  return periodSection(root, async (days) => {
    const { polls } = await api("GET", `/feedback/polls?days=${days}`);
    return [polls.length ? el("ul", { class: "rows-list" }, ...polls.map((p) => pollResult(p, me.time_zone))) : el("p", { class: "hint" }, tx("rt_qa_no_polls"))];
  });
}

// logKey picks the sentence for an entry: the action with its detail
// (mute_microphone, lock_on), a spotlight without anyone (cleared), or
// the action alone for entries written before details were kept.
function logKey(e) {
  const keys = [e.detail && `rt_log_${e.action}_${e.detail}`, e.action === "spotlight" && !e.target && "rt_log_spotlight_off", `rt_log_${e.action}`];
  return keys.find((k) => k && has(k));
}

function auditItem(e) {
  const key = logKey(e);
  const params = { who: e.actor.display_name || e.actor.id, target: e.target ? e.target.display_name || e.target.id : "" };
  return el("li", { class: "row-item audit-item" },
    el("div", { class: "row-main" }, el("span", { class: "name" }, key ? tx(key, params) : `${params.who}: ${e.action}`),
      el("span", { class: "hint" }, timeEl(e.at, me.time_zone))),
    el("p", { class: "hint" }, e.roundtable_title || e.roundtable_id));
}

async function roundtableChoices() {
  const [up, past] = await Promise.all([roundtablePages("days=365", Infinity), roundtablePages("when=past&days=365", Infinity)]);
  return [...up.list, ...past.list];
}

async function auditSection(root) {
  const which = el("select", { name: "roundtable_id", id: uid("rt") }, option("", "rt_all_roundtables", true),
    ...(await roundtableChoices()).map((r) => option(r.id, "", false, r.title)));
  const show = el("button", { type: "submit", class: "secondary" }, tx("show"));
  const more = el("button", { type: "button", class: "secondary", hidden: true }, tx("rt_audit_more"));
  const list = el("ul", { class: "rows-list", "aria-live": "polite" });
  const empty = el("p", { class: "hint", hidden: true }, tx("rt_audit_none"));
  const form = el("form", { class: "inline-form filters" }, el("label", { for: which.id }, tx("rt_audit_which")), which, show, formError());
  let next = "";
  const load = (btn, fresh) => busy(btn, async () => {
    clearErrors(form);
    try {
      const q = new URLSearchParams({ limit: "20" });
      if (which.value) q.set("roundtable_id", which.value);
      if (!fresh && next) q.set("before", next);
      const page = await api("GET", "/audit?" + q);
      if (fresh) list.replaceChildren();
      list.append(...page.entries.map(auditItem));
      next = page.next;
      more.hidden = !next;
      empty.hidden = list.childElementCount > 0;
    } catch (e) { showError(form, e); }
  });
  form.addEventListener("submit", (ev) => { ev.preventDefault(); load(show, true); });
  more.addEventListener("click", () => load(more, false));
  root.replaceChildren(form, list, empty, more);
  await load(show, true);
}

async function start() {
  const fb = document.getElementById("rt-feedback");
  const audit = document.getElementById("rt-audit");
  if (!fb || !audit) return;
  try {
    me = await session();
    if (me.role !== "operator") return;
    themes = (await api("GET", "/profile-options")).themes;
    const polls = document.getElementById("rt-polls"), asked = document.getElementById("rt-question-authors");
    await Promise.all([feedbackSection(fb), auditSection(audit), polls && pollsSection(polls),
      asked && questionAuthorsSection(asked, roundtableChoices, me.time_zone)]);
  } catch (e) {
    for (const root of [fb, audit]) { const p = formError(); root.append(p); showError(root, e); }
  }
}

start();
