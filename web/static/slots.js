// Up to three proposed times (date + quarter-hour start in the member's
// time zone) and one length, for requests and reschedules. Each slot has
// its own error line, named slots[i] by the position the slot is sent in,
// so the server's "slots[1]" lands next to the right row.
import { t } from "/assets/i18n.js";
import { el } from "/assets/api.js";
import { dateIn, quarterHours, zonedToISO } from "/assets/format.js";
import { zoneLabel } from "/assets/zones.js";
import { tx, uid, option, errorLine, say } from "/assets/forms.js";

export function slotPicker(zone) {
  const length = el("select", { id: uid("len"), name: "minutes" }, ...[30, 45, 60].map((m) => option(m, `minutes_${m}`, m === 45)));
  const rows = [0, 1, 2].map((i) => {
    const date = el("input", { type: "date", id: uid("date"), min: dateIn(zone), max: dateIn(zone, 90), required: i === 0 });
    const time = el("select", { id: uid("time"), required: i === 0 },
      option("", "choose_time", true), ...quarterHours().map((q) => option(q, "", false, q)));
    const error = errorLine(`ui-slot-${i}`, date);
    time.setAttribute("aria-describedby", error.id);
    const box = el("fieldset", { class: "slot" },
      el("legend", {}, tx("slot_n", { n: i + 1 }), i === 0 ? null : el("span", { class: "optional" }, " ", tx("optional"))),
      el("div", { class: "slot-row" },
        el("div", { class: "field" }, el("label", { for: date.id, "data-i18n": "date" }, t("date")), date),
        el("div", { class: "field" }, el("label", { for: time.id, "data-i18n": "start_time" }, t("start_time")), time)),
      error);
    return { date, time, error, box };
  });
  const general = errorLine("slots");
  const element = el("fieldset", { class: "slots" },
    el("legend", {}, tx("proposed_times")),
    el("p", { class: "hint" }, tx("times_in_zone", { zone: zoneLabel(zone) })),
    el("div", { class: "field" }, el("label", { for: length.id, "data-i18n": "length" }, t("length")), length),
    ...rows.map((r) => r.box), general);

  // collect returns the slots to send, or null after marking what is
  // missing. Error lines are renamed to the index each slot is sent at.
  function collect() {
    const minutes = Number(length.value);
    const slots = [];
    let ok = true;
    rows.forEach((r, i) => {
      r.error.dataset.errorFor = `ui-slot-${i}`;
      if (!r.date.value && !r.time.value) return;
      if (!r.date.value || !r.time.value) {
        say(r.error, "slot_incomplete");
        (r.date.value ? r.time : r.date).setAttribute("aria-invalid", "true");
        ok = false;
        return;
      }
      r.error.dataset.errorFor = `slots[${slots.length}]`;
      slots.push({ start: zonedToISO(r.date.value, r.time.value, zone), minutes });
    });
    if (ok && slots.length === 0) {
      say(rows[0].error, "slot_required");
      rows[0].date.setAttribute("aria-invalid", "true");
      ok = false;
    }
    if (!ok) {
      (element.querySelector("[aria-invalid]") || rows[0].date).focus();
      return null;
    }
    return slots;
  }
  return { element, collect };
}
