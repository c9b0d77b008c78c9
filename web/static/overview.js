// The operators' overview: what they run the platform by over a period
// (members by company and how many took part, consultations, roundtable
// attendance, problem reports), exact figures for operators only.
import { tf } from "/assets/i18n.js";
import { api, el } from "/assets/api.js";
import { tx, uid, formError, clearErrors, showError, busy } from "/assets/forms.js";
import { refreshNumbers } from "/assets/stats.js";

const num = (n) => el("span", { "data-number": n, "data-digits": 0 }, String(n));

// tile is one headline figure with what it counts beneath.
function tile(labelKey, value, detail) {
  return el("li", { class: "tile" }, el("span", { class: "tile-label" }, tx(labelKey)),
    el("span", { class: "tile-value" }, value), detail ? el("span", { class: "tile-detail" }, detail) : null);
}

function tiles(o) {
  const members = o.companies.reduce((n, c) => n + c.members, 0);
  const active = o.companies.reduce((n, c) => n + c.active, 0);
  const using = (o.companies_by_status.active || 0) + (o.companies_by_status.trial || 0);
  return el("ul", { class: "tiles" },
    tile("ov_companies", num(using), tx("ov_companies_detail", { active: o.companies_by_status.active || 0, trial: o.companies_by_status.trial || 0 })),
    tile("ov_active", num(active), tx("ov_active_detail", { n: members })),
    tile("ov_held", num(o.consultations.held), tx("ov_held_detail", o.consultations)),
    tile("ov_attendance", num(o.roundtables.attended), tx("ov_attendance_detail", o.roundtables)),
    tile("ov_reports", num(o.reports), el("span", {}, tx("ov_reports_detail", { n: o.no_shows }), " ",
      el("a", { href: "#feedback-title" }, tx("ov_reports_link")))));
}

function companyTable(list) {
  const cols = ["ov_col_members", "ov_col_active", "ov_col_held"];
  const head = el("tr", {}, el("th", { scope: "col" }, tx("company")), el("th", { scope: "col" }, tx("company_status")),
    ...cols.map((k) => el("th", { scope: "col" }, tx(k))));
  const cell = (k, v) => el("td", {}, el("span", { class: "cell-label" }, tx(k)), el("span", { class: "cell-value" }, v));
  const rows = list.map((c) => el("tr", {}, el("th", { scope: "row" }, c.name),
    cell("company_status", tx("co_" + c.status)),
    cell(cols[0], num(c.members)), cell(cols[1], num(c.active)), cell(cols[2], num(c.consultations_held))));
  return el("div", { class: "table-wrap" }, el("table", { class: "stats-table" },
    el("caption", {}, tx("ov_by_company")), el("thead", {}, head), el("tbody", {}, ...rows)));
}

// overviewBlock draws the overview into box and redraws it for another period.
export async function overviewBlock(box) {
  const days = el("select", { name: "days", id: uid("days") }, ...[7, 30, 90].map((n) =>
    el("option", { value: n, selected: n === 30, "data-i18n": "days_n", "data-i18n-params": JSON.stringify({ n }) }, tf("days_n", { n }))));
  const show = el("button", { type: "submit", class: "secondary" }, tx("show"));
  const out = el("div", { class: "overview", "aria-live": "polite" });
  const form = el("form", { class: "inline-form filters" }, el("label", { for: days.id }, tx("period")), days, show, formError());
  const load = () => busy(show, async () => {
    clearErrors(form);
    try {
      const { overview } = await api("GET", `/overview?days=${days.value}`);
      out.replaceChildren(tiles(overview), overview.companies.length ? companyTable(overview.companies) : el("p", { class: "hint" }, tx("no_companies")),
        el("p", { class: "hint" }, tx("ov_note")));
      refreshNumbers(out);
    } catch (e) { showError(form, e); }
  });
  form.addEventListener("submit", (ev) => { ev.preventDefault(); load(); });
  box.replaceChildren(form, out);
  return load();
}
