// Proposed times picked from what the peer has free: the server lists
// their free slots (inside their availability, minus bookings) in the
// viewer's time zone; one day at a time, up to three times in all. Same
// interface as slotPicker: { element, collect }.
import { t } from "/assets/i18n.js";
import { api, el } from "/assets/api.js";
import { fmt, timeEl, slotEl } from "/assets/format.js";
import { zoneLabel } from "/assets/zones.js";
import { tx, uid, option, errorLine, say, unsay, choice } from "/assets/forms.js";

const MAX = 3;

function dayKey(iso, zone) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(iso));
}

export function offeredSlots(peerID, zone) {
  const length = el("select", { id: uid("len"), name: "minutes" }, ...[30, 45, 60].map((m) => option(m, `minutes_${m}`, m === 45)));
  const day = el("select", { id: uid("day"), name: "day" });
  const dayField = el("div", { class: "field" }, el("label", { for: day.id, "data-i18n": "free_day" }, t("free_day")), day);
  const times = el("fieldset", { class: "choices free-times" }, el("legend", {}, tx("free_times")));
  const chosenList = el("ul", { class: "chosen-times", "aria-live": "polite" });
  const state = el("p", { class: "hint", role: "status" });
  const general = errorLine("slots");
  // Three chosen is a choice made, not an error: said calmly, in a hint.
  const full = el("p", { class: "hint", role: "status" });
  const element = el("fieldset", { class: "slots offered" },
    el("legend", {}, tx("offered_times")),
    el("p", { class: "hint" }, tx("offered_times_hint", { zone: zoneLabel(zone) })),
    el("div", { class: "field" }, el("label", { for: length.id, "data-i18n": "length" }, t("length")), length),
    state, dayField, times, el("h5", { class: "sub" }, tx("chosen_times")), chosenList, full, general);
  let byDay = new Map();
  let chosen = []; // ISO starts, in order of choosing
  let minutes = Number(length.value);
  let unavailable = false;

  function drawChosen() {
    chosenList.replaceChildren(...(chosen.length ? chosen.map((iso) => el("li", {},
      slotEl({ start: iso, minutes }, zone), " ",
      el("button", { type: "button", class: "link", onclick: () => toggle(iso, false) }, tx("remove_time"))))
      : [el("li", { class: "hint" }, tx("none_chosen"))]));
  }

  // drawTimes builds the day's checkboxes; syncTimes only updates their
  // state, so the box being clicked is never replaced under the pointer.
  function drawTimes() {
    const boxes = (byDay.get(day.value) || []).map((s) => {
      const label = choice("checkbox", "free", s.start, "", false, timeEl(s.start, zone, "time"));
      label.querySelector("input").addEventListener("change", (ev) => toggle(s.start, ev.target.checked));
      return label;
    });
    times.replaceChildren(times.firstChild, ...boxes);
    syncTimes();
  }

  function syncTimes() {
    for (const box of times.querySelectorAll("input")) {
      box.checked = chosen.includes(box.value);
      // Proposals may not overlap (the server refuses that): times that
      // overlap a chosen one are greyed out, as are all once three are chosen.
      box.disabled = !box.checked && (chosen.length >= MAX || chosen.some((c) => overlaps(c, box.value)));
    }
  }

  function overlaps(a, b) {
    return Math.abs(new Date(a).getTime() - new Date(b).getTime()) < minutes * 60000;
  }

  function toggle(iso, on) {
    chosen = chosen.filter((x) => x !== iso);
    if (on && chosen.length < MAX) chosen.push(iso);
    unsay(general);
    if (chosen.length >= MAX) say(full, "max_three"); else unsay(full);
    syncTimes();
    drawChosen();
  }

  async function load() {
    minutes = Number(length.value);
    chosen = [];
    unavailable = false;
    say(state, "free_loading");
    dayField.hidden = times.hidden = true;
    try {
      const res = await api("GET", `/members/${encodeURIComponent(peerID)}/free-slots?minutes=${minutes}&days=14`);
      byDay = new Map();
      for (const s of res.slots) {
        const k = dayKey(s.start, zone);
        if (!byDay.has(k)) byDay.set(k, []);
        byDay.get(k).push(s);
      }
      day.replaceChildren(...[...byDay.keys()].map((k) => el("option", { value: k, "data-day": byDay.get(k)[0].start },
        fmt(byDay.get(k)[0].start, zone, "day"))));
      if (!byDay.size) say(state, "no_free_slots", { days: res.days });
      else unsay(state);
      dayField.hidden = times.hidden = !byDay.size;
    } catch (e) {
      unavailable = e.code === "peer_no_availability";
      say(state, unavailable ? "peer_no_availability" : e.code === "peer_paused" ? "peer_paused" : "free_load_failed");
    }
    drawTimes();
    drawChosen();
  }

  length.addEventListener("change", load);
  day.addEventListener("change", drawTimes);
  load();

  // collect returns the chosen slots, earliest first, or null after
  // saying what is missing.
  function collect() {
    if (unavailable || !chosen.length) {
      say(general, unavailable ? "peer_no_availability" : "slot_required");
      (day.hidden ? length : day).focus();
      return null;
    }
    return [...chosen].sort().map((start) => ({ start, minutes }));
  }
  // Day names are plain <option> text: re-format them when the language
  // switch (which re-translates the page first) is pressed.
  document.getElementById("lang")?.addEventListener("click", () => {
    for (const o of day.options) o.textContent = fmt(o.dataset.day, zone, "day");
  });
  return { element, collect };
}
