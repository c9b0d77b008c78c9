// The availability editor: a time zone, weekly windows per weekday (add,
// remove) and one-off exceptions (a day off or an extra window), saved
// with the version read; a stale version offers to load the latest.
import { t } from "/assets/i18n.js";
import { api, el } from "/assets/api.js";
import { browserZone, quarterHours, dateIn } from "/assets/format.js";
import { zoneField, zoneLabel } from "/assets/zones.js";
import { tx, say, unsay, uid, option, field, errorLine, formError, clearErrors, showError, busy } from "/assets/forms.js";

const DAYS = [1, 2, 3, 4, 5, 6, 0]; // Monday first; the API counts from Sunday = 0

function timeSelect(labelKey, value, ends) {
  const s = el("select", { id: uid("t") }, ...quarterHours(ends).filter((q) => (ends ? q !== "00:00" : true))
    .map((q) => option(q, "", q === value, q)));
  return [el("label", { for: s.id, class: "sr-only", "data-i18n": labelKey }, t(labelKey)), s];
}

function removeButton(labelKey, onclick) {
  return el("button", { type: "button", class: "secondary small", "data-i18n-label": labelKey, "aria-label": t(labelKey), onclick },
    el("span", { "aria-hidden": "true" }, "✕"), " ", tx("remove"));
}

// removeRow takes a row away and puts focus on its group's add button.
function removeRow(row) {
  const group = row.closest("fieldset");
  row.remove();
  group.querySelector("button.add").focus();
}

function windowRow(w) {
  const [ls, start] = timeSelect("from", w.start, false);
  const [le, end] = timeSelect("until", w.end, true);
  const row = el("div", { class: "window-row" });
  const error = errorLine("", start);
  end.setAttribute("aria-describedby", error.id);
  row.append(el("div", { class: "range" }, ls, start, el("span", { "aria-hidden": "true" }, "〜"), le, end,
    removeButton("remove_window", () => removeRow(row))), error);
  row.value = () => ({ weekday: w.weekday, start: start.value, end: end.value });
  row.error = error;
  return row;
}

function exceptionRow(x) {
  const date = el("input", { type: "date", id: uid("d"), value: x.date || "", min: dateIn(browserZone()), required: true });
  const kind = el("select", { id: uid("k") }, option("off", "day_off", x.unavailable !== false), option("extra", "extra_window", x.unavailable === false));
  const [ls, start] = timeSelect("from", x.start || "12:00", false);
  const [le, end] = timeSelect("until", x.end || "13:00", true);
  const times = el("div", { class: "range" }, ls, start, el("span", { "aria-hidden": "true" }, "〜"), le, end);
  const row = el("div", { class: "exception-row" });
  const error = errorLine("", date);
  const sync = () => { times.hidden = kind.value !== "extra"; };
  kind.addEventListener("change", sync);
  sync();
  row.append(el("div", { class: "exception-fields" },
    el("div", { class: "field" }, el("label", { for: date.id, "data-i18n": "date" }, t("date")), date),
    el("div", { class: "field" }, el("label", { for: kind.id, "data-i18n": "exception_kind" }, t("exception_kind")), kind),
    times, removeButton("remove_exception", () => removeRow(row))), error);
  row.value = () => (kind.value === "extra"
    ? { date: date.value, unavailable: false, start: start.value, end: end.value }
    : { date: date.value, unavailable: true });
  row.error = error;
  return row;
}

export async function availabilityEditor(container, member) {
  let av = await api("GET", "/me/availability");
  const form = el("form", { class: "availability", novalidate: true });
  const state = el("p", { class: "result", role: "status" });
  const reload = el("button", { type: "button", class: "secondary", hidden: true }, tx("load_latest"));
  const save = el("button", { type: "submit" }, tx("save_availability"));

  function fill() {
    reload.hidden = true;
    const zone = av.version ? av.time_zone : browserZone();
    const tzField = zoneField("time_zone", "time_zone", zone, [member.time_zone, browserZone()]);
    const tz = tzField.querySelector("select");
    const days = DAYS.map((d) => {
      const rows = el("div", { class: "rows" }, ...av.weekly.filter((w) => w.weekday === d).map(windowRow));
      const legend = uid("day");
      const add = el("button", { type: "button", class: "secondary small add", "aria-describedby": legend },
        el("span", { "aria-hidden": "true" }, "＋ "), tx("add_window"));
      add.addEventListener("click", () => {
        const row = windowRow({ weekday: d, start: "12:00", end: "13:00" });
        rows.append(row);
        row.querySelector("select").focus();
      });
      return el("fieldset", { class: "day" }, el("legend", { id: legend }, tx(`weekday_${d}`)), rows, add);
    });
    const exRows = el("div", { class: "rows" }, ...av.exceptions.map(exceptionRow));
    const addEx = el("button", { type: "button", class: "secondary small add" }, el("span", { "aria-hidden": "true" }, "＋ "), tx("add_exception"));
    addEx.addEventListener("click", () => {
      const row = exceptionRow({ date: dateIn(tz.value, 1), unavailable: true });
      exRows.append(row);
      row.querySelector("input").focus();
    });
    form.replaceChildren(
      tzField,
      el("p", { class: "hint" }, tx("browser_zone", { zone: zoneLabel(browserZone()) })),
      el("fieldset", { class: "weekly" }, el("legend", {}, tx("weekly_windows")), el("p", { class: "hint" }, tx("weekly_hint")),
        ...days, errorLine("weekly")),
      el("fieldset", { class: "exceptions" }, el("legend", {}, tx("exceptions")), el("p", { class: "hint" }, tx("exceptions_hint")),
        exRows, addEx, errorLine("exceptions")),
      formError(), el("div", { class: "actions" }, save, reload));
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearErrors(form);
    unsay(state);
    const weekly = [...form.querySelectorAll(".window-row")];
    const exceptions = [...form.querySelectorAll(".exception-row")];
    weekly.forEach((r, i) => { r.error.dataset.errorFor = `weekly[${i}]`; });
    exceptions.forEach((r, i) => { r.error.dataset.errorFor = `exceptions[${i}]`; });
    const body = { time_zone: form.elements.time_zone.value, weekly: weekly.map((r) => r.value()),
      exceptions: exceptions.map((r) => r.value()), version: av.version };
    busy(save, async () => {
      try {
        av = await api("PUT", "/me/availability", body);
        fill();
        say(state, "availability_saved");
      } catch (e) {
        showError(form, e, "availability");
        if (e.status === 409) reload.hidden = false;
      }
    });
  });
  reload.addEventListener("click", () => busy(reload, async () => {
    try {
      av = await api("GET", "/me/availability");
      fill();
      say(state, "latest_loaded");
    } catch (e) { showError(form, e); }
  }));
  fill();
  container.replaceChildren(form, state);
}
