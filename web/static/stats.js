// The monthly aggregates table shared by the company and operator pages.
// Figures built from fewer than min_group people arrive suppressed and
// are shown as "—" with the reason beneath the table (operators get exact
// figures: min_group 0). A company's figures come per closed month only
// (closed_months_only), which the page says.
import { lang, tf } from "/assets/i18n.js";
import { el } from "/assets/api.js";
import { monthLabel } from "/assets/format.js";
import { tx, uid } from "/assets/forms.js";

const COLUMNS = ["members_joined", "members_active", "consultations_requested", "consultations_held",
  "consultations_cancelled", "average_rating"];

// dash is "—" with what it means for screen readers: hidden (fewer than
// five people), nothing to count (no rating), or not counted that month
// (a month published before the figure existed).
function dash(key) { return [el("span", { "aria-hidden": "true" }, "—"), el("span", { class: "sr-only" }, tx(key))]; }

function figure(f, col) {
  if (!f) return dash("stat_not_counted");
  if (f.suppressed) return dash("suppressed_sr");
  if (f.value === null || f.value === undefined) return dash("stat_none");
  const digits = col === "average_rating" ? 1 : 0;
  return el("span", { "data-number": f.value, "data-digits": digits }, number(f.value, digits));
}

function number(v, digits) {
  return new Intl.NumberFormat(lang === "ja" ? "ja-JP" : "en-GB", { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);
}

// refreshNumbers reformats figures after a language change.
export function refreshNumbers(root = document) {
  for (const e of root.querySelectorAll("[data-number]")) e.textContent = number(Number(e.dataset.number), Number(e.dataset.digits));
}

export function statsTable(data, captionKey) {
  const head = el("tr", {}, el("th", { scope: "col" }, tx("month")), ...COLUMNS.map((c) => el("th", { scope: "col" }, tx("stat_" + c))));
  const rows = [...data.months].reverse().map((m) => el("tr", {},
    el("th", { scope: "row", "data-month": m.month }, monthLabel(m.month)),
    ...COLUMNS.map((c) => el("td", {}, el("span", { class: "cell-label" }, tx("stat_" + c)), el("span", { class: "cell-value" }, figure(m[c], c))))));
  const anySuppressed = data.months.some((m) => COLUMNS.some((c) => m[c] && m[c].suppressed));
  return el("div", { class: "stats" },
    el("div", { class: "table-wrap" },
      el("table", { class: "stats-table" }, el("caption", {}, tx(captionKey)), el("thead", {}, head), el("tbody", {}, ...rows))),
    data.min_group ? el("p", { class: anySuppressed ? "suppressed-note" : "hint" }, tx("suppressed_note", { n: data.min_group })) : null,
    el("p", { class: "hint" }, tx("stats_defs")),
    el("p", { class: "hint" }, tx("stats_months_note")),
    data.closed_months_only ? el("p", { class: "hint" }, tx("stats_closed_note")) : null);
}

// statsBlock loads figures with load(months) and redraws itself in box
// when another period is chosen.
export async function statsBlock(box, load, captionKey, months = 6) {
  const data = await load(months);
  const pick = el("select", { id: uid("months") }, ...[3, 6, 12, 24].map((n) => el("option",
    { value: n, selected: n === months, "data-i18n": "months_n", "data-i18n-params": JSON.stringify({ n }) }, tf("months_n", { n }))));
  pick.addEventListener("change", async () => {
    await statsBlock(box, load, captionKey, Number(pick.value));
    box.querySelector("select").focus();
  });
  box.replaceChildren(el("div", { class: "field inline-field" }, el("label", { for: pick.id }, tx("period")), pick),
    statsTable(data, captionKey));
}
