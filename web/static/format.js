// Dates and times in the member's zone and the page's language.
import { lang } from "/assets/i18n.js";

export function when(iso, zone) {
  return new Intl.DateTimeFormat(lang === "ja" ? "ja-JP" : "en-GB", {
    month: "short", day: "numeric", weekday: "short", hour: "2-digit", minute: "2-digit", timeZone: zone || undefined,
  }).format(new Date(iso));
}

// localInput turns a datetime-local value in the browser's zone into ISO.
export function fromLocalInput(v) { return new Date(v).toISOString(); }
