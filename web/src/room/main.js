// The room page: /room?consultation=<id>, /room?roundtable=<id>, or in dev
// mode /room?dev=1&room=<name>&name=<display name>[&role=moderator].
// Device check, then the call; the lobby, the end and every failure get a
// screen that says what happened and what to do.
import { setLogLevel, LogLevel } from "livekit-client";
import { session, api } from "../../static/api.js";
import { el, $, show, announce, icon, relabelNotices } from "./ui.js";
import { t, useLocale, setLang, lang, errorMessage } from "./messages.js";
import { target, fetchToken } from "./token.js";
import { prejoin } from "./prejoin.js";
import { Call } from "./call.js";
import { Controls, buildCall } from "./controls.js";
import { Chat, Panels } from "./chat.js";
import { People } from "./people.js";
import { QA } from "./qa.js";
import { Breakout } from "./breakout.js";
import { Groups } from "./groups.js";
import { hooks, state as timing } from "./hooks.js";

const tg = target();
const q = new URLSearchParams(location.search);
setLogLevel(q.get("debug") === "1" ? LogLevel.debug : LogLevel.warn); // the SDK's info lines are noise in a member's console
let current = null; // the Call in progress
let relabel = () => {};
let roomTitle = ""; // the roundtable's own title, when it has one

function titleKey() { return tg ? { consultation: "title_consultation", roundtable: "title_roundtable", dev: "title_dev" }[tg.kind] : "title"; }

// chrome renders the header (title, language switch) in the page language.
function chrome() {
  document.documentElement.lang = lang;
  document.title = `${roomTitle || t(titleKey())} | 座談会 Zadankai`;
  $("room-title").textContent = roomTitle || t(titleKey());
  $("skip").textContent = t("skip");
  const sw = $("lang");
  sw.textContent = t("other_lang");
  sw.setAttribute("aria-label", `${t("lang_switch")}: ${t("other_lang")}`);
  sw.lang = lang === "ja" ? "en" : "ja";
}

function homeLink() {
  if (tg?.kind === "dev") return "/dev";
  return tg?.kind === "consultation" ? "/consultations" : "/";
}

// ended shows why the visit ended; rejoin is offered unless the person was
// removed or the session is over.
function ended(key) {
  current = null;
  const again = !["removed_msg", "ended_for_all"].includes(key);
  const title = { ended_for_all: "title_over", connection_lost: "title_disconnected", duplicate: "title_disconnected" }[key] || "ended_title";
  $("ended").replaceChildren(el("h2", {}, t(title)), el("p", { id: "ended-msg", role: "alert", dataset: { reason: key } }, t(key)),
    ...feedbackOffer(key),
    el("div", { class: "row" }, again ? el("button", { type: "button", id: "rejoin", class: tg?.kind === "consultation" ? "secondary" : "", onclick: () => location.reload() }, t("rejoin")) : "",
      el("a", { class: "button secondary", href: homeLink() }, t("back"))));
  show("ended");
}

// feedbackOffer leads from a finished 1:1 to its feedback form (the
// consultations page opens it, or says from when it can be sent).
function feedbackOffer(key) {
  if (tg?.kind !== "consultation" || key === "duplicate") return [];
  return [el("p", { class: "lead" }, t("feedback_lead")),
    el("p", { class: "row" }, el("a", { class: "button", id: "feedback-link", href: `/consultations?feedback=${encodeURIComponent(tg.id)}` }, t("give_feedback")))];
}

function failed(text) {
  $("ended").replaceChildren(el("h2", {}, t("title")), el("p", { id: "ended-msg", role: "alert" }, text),
    el("div", { class: "row" }, el("a", { class: "button secondary", href: homeLink() }, t("back"))));
  show("ended");
}

async function account() {
  if (tg && tg.kind !== "dev") return session(); // no session: back to the landing page
  const res = await fetch("/api/v1/me").catch(() => null); // dev mode works signed out too
  return res?.ok ? (await res.json()).member : null;
}

function lobbyScreen() {
  $("lobby").replaceChildren(el("h2", {}, t("lobby_title")), el("p", { class: "lead" }, t("lobby_lead")),
    el("p", { class: "lobby-wait" }, icon("wait")),
    el("div", { class: "row" }, el("button", { type: "button", class: "secondary", onclick: () => current?.leave() }, t("leave"))));
}

// join connects with a token fetched right before (roundtable tokens live
// a minute, so one fetched before a lock, the lobby or the end soon stops
// working) and builds the call screen.
async function join(token, prefs) {
  if (Date.now() - token.fetchedAt > 15_000) token = await fetchToken(tg);
  buildCall();
  lobbyScreen();
  const call = new Call({ target: tg, token, prefs, onEnd: ended });
  current = call;
  call.panels = new Panels(call);
  call.stage.onList = () => { if (call.panels.open !== "people") call.panels.toggle("people"); };
  const roomActs = () => parts.people?.menuActions() ?? [];
  const parts = { controls: new Controls(call, call.panels, roomActs), chat: new Chat(call, call.panels), people: new People(call),
    qa: tg.kind === "roundtable" ? new QA(call, call.panels) : null, breakout: null, groups: null };
  if (tg.kind === "roundtable") {
    parts.breakout = new Breakout(call);
    parts.groups = new Groups(call, call.panels, parts.breakout);
  }
  relabel = () => {
    parts.controls = new Controls(call, call.panels, roomActs);
    parts.people.render();
    parts.chat.relabel();
    parts.qa?.relabel();
    parts.breakout?.relabel();
    parts.groups?.relabel();
    for (const p of call.stage.everyone()) call.stage.update(p);
    // built once with the call screen
    call.aloneHint();
    relabelNotices();
    $("tiles")?.setAttribute("aria-label", t("room_label"));
    document.querySelector(".stage-wrap")?.setAttribute("aria-label", t("stage_label"));
    const heading = document.querySelector("#call > h2.sr-only");
    if (heading) heading.textContent = t("room_label");
  };
  hooks(call);
  try {
    await call.start();
  } catch (e) {
    if (call.done) return;
    call.done = true;
    const refused = e?.status === 401 || e?.status === 403 || e?.reason === 0;
    failed(t(refused ? "token_refused" : "join_failed"));
  }
}

async function boot() {
  chrome();
  $("lang").addEventListener("click", () => {
    setLang(lang === "ja" ? "en" : "ja");
    if (!current) { location.reload(); return; } // before the call, the screens rebuild from scratch
    chrome();
    relabel();
  });
  const me = await account().catch(() => null);
  useLocale(me?.locale);
  if (!tg) { chrome(); failed(t("no_room")); return; }
  if (tg.kind === "roundtable") roomTitle = (await api("GET", `/roundtables/${encodeURIComponent(tg.id)}`).catch(() => null))?.title || "";
  chrome();
  let token;
  try {
    token = await fetchToken(tg);
  } catch (e) {
    failed(errorMessage(e));
    return;
  }
  show("prejoin");
  const prefs = await prejoin({ auto: q.get("autojoin") === "1" });
  timing.devicesMs = performance.now();
  try {
    await join(token, prefs);
  } catch (e) {
    failed(errorMessage(e));
  }
}

boot().catch((e) => { announce(t("generic")); failed(t("generic")); console.error(e); });
