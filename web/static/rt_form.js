// The organisers' roundtable form: every field of the API (title,
// description, axis, themes, start in a chosen IANA time zone, length,
// format and venue, capacity, small round or stage, moderators, guest
// speakers, excluded companies, when registration closes). Errors from
// the server land next to the field they name; field names carry an
// "rt." prefix so their messages never collide with the profile's.
import { t, tf } from "/assets/i18n.js";
import { api, el } from "/assets/api.js";
import { quarterHours, zonedToISO, dateIn } from "/assets/format.js";
import { zoneField } from "/assets/zones.js";
import { tx, uid, option, field, choice, formError, errorLine, clearErrors, showError, busy, counter } from "/assets/forms.js";
import { themeLabel } from "/assets/peer.js";

const CLOSE_BEFORE = [0, 30, 60, 120, 360, 1440, 2880];

// scoped turns an API error into one whose field is prefixed with "rt.".
export function scoped(e) {
  return { code: e.code, field: e.field ? "rt." + e.field : "", requestID: e.requestID };
}

function group(legendKey, name, items, hint) {
  return el("fieldset", { class: "choices" }, el("legend", {}, tx(legendKey)), hint ? el("p", { class: "hint" }, tx(hint)) : null,
    ...items, errorLine("rt." + name));
}

function people(list, name, chosen) {
  if (!list.length) return [el("p", { class: "hint" }, tx("rt_nobody"))];
  return list.map((p) => choice("checkbox", name, p.id, "", chosen.includes(p.id),
    el("span", {}, p.display_name, p.email ? el("span", { class: "hint" }, ` ${p.email}`) : null)));
}

// wallClock is the start as a date and a time on the clocks of zone.
function wallClock(iso, zone) {
  const p = Object.fromEntries(new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric",
    month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" }).formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

function whenFields(r, me) {
  const zone = r ? r.time_zone : me.time_zone || "Asia/Tokyo";
  const wc = r ? wallClock(r.start, zone) : { date: "", time: "20:00" };
  const date = el("input", { type: "date", name: "date", id: uid("date"), value: wc.date, min: dateIn(zone) });
  const time = el("select", { name: "time", id: uid("time") }, ...quarterHours().map((q) => option(q, "", q === wc.time, q)));
  const minutes = el("input", { type: "number", name: "minutes", min: 15, max: 240, step: 15, value: r ? r.minutes : 60, inputmode: "numeric" });
  const start = el("fieldset", { class: "slot" }, el("legend", {}, tx("rt_start")),
    el("div", { class: "slot-row" },
      el("div", { class: "field" }, el("label", { for: date.id }, tx("date")), date),
      el("div", { class: "field" }, el("label", { for: time.id }, tx("start_time")), time)),
    errorLine("rt.start", date));
  return [start, zoneField("rt_time_zone", "time_zone", zone, [], "rt_time_zone_hint"), field("rt_minutes", minutes, "rt.minutes", "rt_minutes_hint")];
}

function formatFields(r) {
  const fmt = r ? r.format : "online";
  const venue = el("input", { name: "venue", maxlength: 200, value: r ? r.venue || "" : "" });
  const venueField = field("rt_venue", venue, "rt.venue", "rt_venue_hint");
  venueField.hidden = fmt === "online";
  const format = group("rt_format", "format", ["online", "in_person", "hybrid"].map((f) => choice("radio", "format", f, "rt_format_" + f, f === fmt)));
  format.addEventListener("change", (ev) => { venueField.hidden = ev.target.value === "online"; });
  const talk = group("rt_talk", "talk", ["small_round", "stage"].map((k) => choice("radio", "talk", k, "rt_talk_" + k, (r ? r.talk : "small_round") === k)),
    "rt_talk_hint");
  return [format, venueField, talk];
}

// closeOption says "until the start", "30 minutes before", "2 hours
// before" or "2 days before", re-translated with the page.
function closeOption(m, selected) {
  let key = "rt_close_minutes", n = m;
  if (m === 0) key = "rt_close_0";
  else if (m % 1440 === 0) [key, n] = ["rt_close_days", m / 1440];
  else if (m % 60 === 0) [key, n] = ["rt_close_hours", m / 60];
  return el("option", { value: m, selected, "data-i18n": key, "data-i18n-params": JSON.stringify({ n }) }, tf(key, { n }));
}

function fields(r, me, ctx) {
  const title = el("input", { name: "title", maxlength: 120, value: r ? r.title : "", autocomplete: "off" });
  const desc = el("textarea", { name: "description", maxlength: 4000, rows: 4 });
  desc.value = r ? r.description : "";
  const axis = group("rt_axis", "axis", ["career", "life"].map((a) => choice("radio", "axis", a, "rt_axis_" + a, (r ? r.axis : "career") === a)));
  const themes = group("rt_themes", "themes", ctx.themes.map((th) => choice("checkbox", "themes", th.id, "", r && r.themes.includes(th.id),
    themeLabel(th.id, ctx.themes))), "rt_themes_hint");
  const capacity = el("input", { type: "number", name: "capacity", min: 1, max: 1000, value: r ? r.capacity : 12, inputmode: "numeric" });
  const closeMin = r ? Math.round((new Date(r.start) - new Date(r.registration_closes_at)) / 60000) : 60;
  const close = el("select", { name: "close_before_minutes" },
    ...[...new Set([...CLOSE_BEFORE, closeMin])].sort((a, b) => a - b).map((m) => closeOption(m, m === closeMin)));
  const mods = group("rt_moderators", "moderators", people(ctx.people.moderators, "moderators", r ? r.moderators.map((m) => m.id) : [me.id]), "rt_moderators_hint");
  const speakers = group("rt_speakers", "speakers", people(ctx.people.speakers, "speakers", r ? r.speakers.map((m) => m.id) : []), "rt_speakers_hint");
  const excluded = ctx.companies ? group("rt_excluded", "excluded_companies", ctx.companies.map((co) =>
    choice("checkbox", "excluded_companies", co.id, "", r && (r.excluded_companies || []).includes(co.id), el("span", {}, co.name))), "rt_excluded_hint") : null;
  return [field("rt_title", title, "rt.title"), field("rt_description", desc, "rt.description"), counter(desc, 4000), axis, themes,
    ...whenFields(r, me), ...formatFields(r), field("rt_capacity", capacity, "rt.capacity", "rt_capacity_hint"),
    field("rt_close_before", close, "rt.close_before", "rt_close_before_hint"), mods, speakers, excluded,
    r ? null : choice("checkbox", "lobby", "1", "rt_lobby")];
}

// collect reads the form into the API's request body, or shows why not.
function collect(form, r) {
  const d = new FormData(form);
  const zone = d.get("time_zone");
  if (!d.get("date")) { showError(form, { code: "required", field: "rt.start" }); return null; }
  const body = {
    title: d.get("title").trim(), description: d.get("description"), axis: d.get("axis") || "", themes: d.getAll("themes"),
    start: zonedToISO(d.get("date"), d.get("time"), zone), minutes: Number(d.get("minutes")), time_zone: zone,
    format: d.get("format") || "", venue: d.get("format") === "online" ? "" : d.get("venue").trim(), capacity: Number(d.get("capacity")),
    talk: d.get("talk") || "", moderators: d.getAll("moderators"), speakers: d.getAll("speakers"),
    excluded_companies: d.getAll("excluded_companies"), close_before_minutes: Number(d.get("close_before_minutes")),
  };
  if (form.elements.excluded_companies === undefined && r) body.excluded_companies = r.excluded_companies || [];
  if (r) body.version = r.version; else body.lobby = d.get("lobby") === "1";
  return body;
}

// roundtableForm creates (r null) or edits r; onDone(saved) runs with the
// server's answer, or with null when the organiser closes the form.
export function roundtableForm(r, me, ctx, onDone) {
  const send = el("button", { type: "submit" }, tx(r ? "rt_save" : "rt_create"));
  const close = el("button", { type: "button", class: "secondary" }, tx("close"));
  const form = el("form", { class: "rt-form request", novalidate: true, "aria-label": t(r ? "rt_edit_title" : "rt_new_title") },
    el("h4", {}, tx(r ? "rt_edit_title" : "rt_new_title")), ...fields(r, me, ctx), formError(), el("div", { class: "actions" }, send, close));
  close.addEventListener("click", () => onDone(null));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const body = collect(form, r);
    if (!body) return;
    busy(send, async () => {
      try {
        const saved = await api(r ? "PUT" : "POST", r ? `/roundtables/${encodeURIComponent(r.id)}` : "/roundtables", body);
        onDone(saved);
      } catch (e) { showError(form, scoped(e), "rt"); }
    });
  });
  queueMicrotask(() => form.elements.title.focus());
  return form;
}

// organiserContext loads what the form offers: themes, the people who can
// moderate or speak, and (operators) the companies.
export async function organiserContext(me) {
  const [opts, ppl, cos] = await Promise.all([api("GET", "/profile-options"), api("GET", "/roundtable-people"),
    me.role === "operator" ? api("GET", "/companies") : Promise.resolve(null)]);
  return { themes: opts.themes, people: ppl, companies: cos ? cos.companies : null };
}
