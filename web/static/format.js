// Dates and times in a member's time zone and the page's language, and
// the conversion of a wall-clock time in a zone to an instant.
import { lang } from "/assets/i18n.js";

const styles = {
  datetime: { month: "short", day: "numeric", weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" },
  date: { year: "numeric", month: "short", day: "numeric", weekday: "short" },
  day: { month: "short", day: "numeric", weekday: "short" },
  time: { hour: "2-digit", minute: "2-digit", hourCycle: "h23" },
  month: { year: "numeric", month: "long" },
};

function locale() { return lang === "ja" ? "ja-JP" : "en-GB"; }

// fmt formats an instant (ISO string or Date) in zone with a named style.
export function fmt(iso, zone, style = "datetime") {
  const opts = { ...styles[style], timeZone: zone || undefined };
  try {
    return new Intl.DateTimeFormat(locale(), opts).format(new Date(iso));
  } catch {
    return new Intl.DateTimeFormat(locale(), styles[style]).format(new Date(iso));
  }
}

// monthLabel turns "2026-06" into "2026年6月" / "June 2026".
export function monthLabel(ym) {
  const [y, m] = ym.split("-").map(Number);
  return new Intl.DateTimeFormat(locale(), { ...styles.month, timeZone: "UTC" }).format(new Date(Date.UTC(y, m - 1, 15)));
}

// timeEl is a <time> that refreshTimes() reformats when the language changes.
export function timeEl(iso, zone, style = "datetime") {
  const e = document.createElement("time");
  e.dateTime = new Date(iso).toISOString();
  Object.assign(e.dataset, { when: e.dateTime, zone: zone || "", style });
  e.textContent = fmt(iso, zone, style);
  return e;
}

// slotEl shows "25 Nov (Wed) 21:00–21:45" for a slot {start, minutes}.
export function slotEl(slot, zone) {
  const end = new Date(new Date(slot.start).getTime() + slot.minutes * 60000);
  const span = document.createElement("span");
  span.className = "slot-time";
  span.append(timeEl(slot.start, zone, "datetime"), "–", timeEl(end, zone, "time"));
  return span;
}

export function refreshTimes(root = document) {
  for (const e of root.querySelectorAll("time[data-when]")) e.textContent = fmt(e.dataset.when, e.dataset.zone, e.dataset.style);
  for (const e of root.querySelectorAll("[data-month]")) e.textContent = monthLabel(e.dataset.month);
}

// offsetMinutes is how far zone's clock is ahead of UTC at instant ms.
function offsetMinutes(ms, zone) {
  const dtf = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit",
    day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
  const p = Object.fromEntries(dtf.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour) % 24, Number(p.minute), Number(p.second));
  return Math.round((wall - ms) / 60000);
}

// zonedToISO turns a date "YYYY-MM-DD" and time "HH:MM" on the clocks of
// zone into an RFC 3339 instant.
export function zonedToISO(date, time, zone) {
  const [y, m, d] = date.split("-").map(Number);
  const [h, mi] = time.split(":").map(Number);
  const wall = Date.UTC(y, m - 1, d, h, mi);
  let ms = wall - offsetMinutes(wall, zone) * 60000;
  ms = wall - offsetMinutes(ms, zone) * 60000;
  return new Date(ms).toISOString();
}

// dateIn is the calendar date "YYYY-MM-DD" in zone, days after now.
export function dateIn(zone, days = 0) {
  const ms = Date.now() + days * 86400000;
  const p = Object.fromEntries(new Intl.DateTimeFormat("en-US", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" })
    .formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}`;
}

export function browserZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "Asia/Tokyo";
}

// quarterHours is "00:00" … "23:45" (and "24:00" when asked, for ends).
export function quarterHours(withMidnight = false) {
  const out = [];
  for (let m = 0; m < 24 * 60; m += 15) out.push(`${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`);
  if (withMidnight) out.push("24:00");
  return out;
}
