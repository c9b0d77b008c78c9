// The operators' page: companies (add, change status), invitations of
// company admins, guest speakers and operators, platform figures, and
// feedback and problem reports (seen by operators only).
import { tf } from "/assets/i18n.js";
import { api, el } from "/assets/api.js";
import { page } from "/assets/layout.js";
import { timeEl } from "/assets/format.js";
import { tx, say, unsay, announce, uid, field, option, choice, formError, clearErrors, showError, busy } from "/assets/forms.js";
import { inviteForm, invitationList } from "/assets/invites.js";
import { statsBlock, refreshNumbers } from "/assets/stats.js";
import { overviewBlock } from "/assets/overview.js";
import { TAGS } from "/assets/feedback.js";

const STATUSES = ["trial", "active", "ended"];
let me = null;
let companies = [];

function companyRow(co) {
  const sel = el("select", { id: uid("st") }, ...STATUSES.map((s) => option(s, "co_" + s, s === co.status)));
  const save = el("button", { type: "button", class: "secondary small" }, tx("change_status"));
  const out = el("p", { class: "result" });
  const row = el("li", { class: "row-item", "data-id": co.id },
    el("div", { class: "row-main" }, el("span", { class: "name" }, co.name),
      el("span", { class: `badge badge-${co.status}` }, tx("co_" + co.status))),
    el("p", { class: "hint" }, tx("created_on"), " ", timeEl(co.created_at, me.time_zone, "day")),
    el("div", { class: "inline-form" }, el("label", { for: sel.id }, tx("status_for", { name: co.name })), sel, save),
    formError(), out);
  save.addEventListener("click", () => busy(save, async () => {
    clearErrors(row);
    unsay(out);
    if (sel.value === co.status) return;
    try {
      const updated = await api("PATCH", `/companies/${encodeURIComponent(co.id)}`, { status: sel.value });
      await drawCompanies();
      const again = document.querySelector(`#companies li[data-id="${CSS.escape(co.id)}"]`);
      say(again.querySelector(".result"), "status_changed", { name: updated.name });
      announce("status_changed", { name: updated.name });
      again.querySelector("select").focus();
    } catch (e) { showError(row, e, "company"); }
  }));
  return row;
}

function createCompanyForm() {
  const name = el("input", { name: "name", required: true, maxlength: 200, autocomplete: "organization" });
  const status = el("select", { name: "status" }, ...STATUSES.filter((s) => s !== "ended").map((s) => option(s, "co_" + s, s === "trial")));
  const send = el("button", { type: "submit" }, tx("add_company"));
  const form = el("form", { class: "company-new", novalidate: true }, el("h4", {}, tx("new_company")),
    field("company_name", name, "name"), field("company_status", status, "status"), formError(), el("div", { class: "actions" }, send),
    el("p", { class: "result" }));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearErrors(form);
    busy(send, async () => {
      try {
        const co = await api("POST", "/companies", { name: name.value.trim(), status: status.value });
        name.value = "";
        await drawCompanies();
        const out = document.querySelector("#companies form .result");
        say(out, "company_added", { name: co.name });
        announce("company_added", { name: co.name });
        document.querySelector("#companies form input").focus();
      } catch (e) { showError(form, e, "company"); }
    });
  });
  return form;
}

async function drawCompanies() {
  ({ companies } = await api("GET", "/companies"));
  const list = companies.length ? el("ul", { class: "rows-list" }, ...companies.map(companyRow)) : el("p", { class: "hint" }, tx("no_companies"));
  document.getElementById("companies").replaceChildren(list, createCompanyForm());
  document.getElementById("invite").replaceChildren(inviteForm({ roles: ["company_admin", "guest_speaker", "operator"],
    companies, onSent: drawInvitations }));
}

async function drawInvitations(key, params) {
  const { invitations } = await api("GET", "/invitations");
  const names = Object.fromEntries(companies.map((c) => [c.id, c.name]));
  document.getElementById("invitations").replaceChildren(invitationList(invitations, me.time_zone, names, drawInvitations));
  if (typeof key === "string") announce(key, params);
}

function feedbackItem(f) {
  const tags = (f.tags || []).map((tag) => (TAGS.includes(tag) ? tx("tag_" + tag) : el("span", {}, tag)));
  return el("li", { class: `row-item feedback-item${f.report ? " has-report" : ""}` },
    el("div", { class: "row-main" }, el("span", { class: "rating" }, tx("rating_of", { n: f.rating })),
      el("span", { class: "hint" }, timeEl(f.created_at, me.time_zone))),
    tags.length ? el("ul", { class: "chips" }, ...tags.map((x) => el("li", {}, x))) : null,
    el("p", {}, tx(f.would_meet_again ? "again_yes" : "again_no")),
    f.text ? el("blockquote", {}, f.text) : null,
    f.report ? el("div", { class: "report" }, el("strong", {}, tx("report_label")), el("p", {}, f.report)) : null,
    el("p", { class: "who" }, tx("feedback_from", { author: party(f.author), about: party(f.about) })),
    el("p", { class: "ids" }, f.consultation_id));
}

// party is "Name (Company)" for operators' feedback rows.
function party(p) {
  if (!p || !p.display_name) return p && p.id ? p.id : "—";
  return p.company_name ? `${p.display_name}（${p.company_name}）` : p.display_name;
}

function feedbackControls() {
  const days = el("select", { name: "days", id: uid("days") }, ...[7, 30, 90, 365].map((n) =>
    el("option", { value: n, selected: n === 30, "data-i18n": "days_n", "data-i18n-params": JSON.stringify({ n }) }, tf("days_n", { n }))));
  const show = el("button", { type: "submit", class: "secondary" }, tx("show"));
  const list = el("div", { class: "feedback-list", "aria-live": "polite" });
  const form = el("form", { class: "inline-form filters" }, el("label", { for: days.id }, tx("period")), days,
    choice("checkbox", "reports", "1", "reports_only"), show, formError());
  const load = () => busy(show, async () => {
    clearErrors(form);
    try {
      const q = `?days=${days.value}${form.elements.reports.checked ? "&reports=1" : ""}`;
      const { feedback } = await api("GET", "/feedback" + q);
      list.replaceChildren(feedback.length ? el("ul", { class: "rows-list" }, ...feedback.map(feedbackItem))
        : el("p", { class: "hint" }, tx("no_feedback")));
    } catch (e) { showError(form, e); }
  });
  form.addEventListener("submit", (ev) => { ev.preventDefault(); load(); });
  document.getElementById("feedback").replaceChildren(form, list);
  return load();
}

page(["operator"], async (member) => {
  me = member;
  await drawCompanies();
  await Promise.all([drawInvitations(), feedbackControls(), overviewBlock(document.getElementById("overview")),
    statsBlock(document.getElementById("stats"), (n) => api("GET", `/stats?months=${n}`), "stats_caption_platform")]);
}, () => refreshNumbers());
