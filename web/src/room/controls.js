// The call screen's skeleton and its control bar: microphone, camera,
// screen share, raise hand, stepping away, audio only, layout, chat,
// people and leave. Every button has a visible caption; toggles say their
// state with aria-pressed.
import { Track } from "livekit-client";
import { el, $, icon, announce, notify } from "./ui.js";
import { t } from "./messages.js";
import { MoreMenu } from "./menu.js";

// On a phone the bar is one row; beyond what fits, the buttons go into
// "More" in this order (a moderator rarely raises her hand).
const keepOrder = ["mic", "cam", "hand", "chat", "people", "qa", "groups", "away", "audioOnly", "layout", "share"];
const toggles = ["share", "hand", "away", "audioOnly", "layout"];
const phone = "(max-width: 719px), (max-height: 500px)"; // upright or held sideways
const slot = 56; // a 52 px button and its 4 px gap: captions like チャット still fit
let refit = null; // one resize listener, though a language switch rebuilds the bar

// canShareScreen: only where a screen can be picked, which phones (iOS,
// Android) cannot even where the browser defines getDisplayMedia.
function canShareScreen() {
  if (!navigator.mediaDevices?.getDisplayMedia) return false;
  if (navigator.userAgentData?.mobile || /Android|iPhone|iPad|iPod|Mobile/i.test(navigator.userAgent)) return false;
  return !(matchMedia("(pointer: coarse)").matches && !matchMedia("(any-pointer: fine)").matches);
}

// buildCall lays out the call screen before the room connects (the stage
// needs its container).
export function buildCall() {
  $("call").replaceChildren(
    el("h2", { class: "sr-only" }, t("room_label")),
    el("div", { class: "call-body" },
      // focusable: with a panel open on a phone the stage scrolls, and keys must scroll it too
      el("div", { class: "stage-wrap", tabindex: "0", role: "region", "aria-label": t("stage_label") },
        el("p", { id: "on-screen", class: "on-screen", role: "status", hidden: true }),
        el("div", { id: "tiles", class: "tiles layout-grid", role: "group", "aria-label": t("room_label") }),
        el("div", { id: "audience", class: "audience", hidden: true }),
        el("p", { id: "alone", class: "alone" }, t("alone"))),
      el("aside", { id: "side", class: "side", hidden: true },
        el("section", { id: "people-panel", class: "panel", hidden: true, "aria-labelledby": "people-h" }),
        el("section", { id: "chat-panel", class: "panel", hidden: true, "aria-labelledby": "chat-h" }),
        el("section", { id: "qa-panel", class: "panel", hidden: true, "aria-labelledby": "qa-h" }),
        el("section", { id: "groups-panel", class: "panel", hidden: true, "aria-labelledby": "groups-h" }))),
    el("div", { id: "audio-prompt", class: "audio-prompt", hidden: true }),
    el("div", { id: "ask", class: "ask", hidden: true, role: "alertdialog", "aria-live": "assertive", "aria-label": t("ask_label") }),
    el("p", { id: "ctl-hint", class: "ctl-hint", hidden: true }),
    el("nav", { id: "controls", class: "controls", "aria-label": t("controls") }),
    el("div", { id: "audio-sink", hidden: true }));
}

function button(id, glyph, caption, onclick, extra = {}) {
  return el("button", { type: "button", id, class: "ctl", onclick, ...extra }, icon(glyph), el("span", { class: "cap" }, caption));
}

// Controls wires the bar to the call and redraws it when the call says
// its tracks, permissions or own attributes changed.
export class Controls {
  // roomActs returns a moderator's room-wide actions for the More menu.
  constructor(call, panels, roomActs = () => []) {
    this.call = call;
    this.panels = panels; // {toggle(name), open}
    this.roomActs = roomActs;
    this.away = null; // what was on before stepping away
    const c = call;
    this.b = {
      mic: button("btn-mic", "mic", t("mic_on"), () => this.mic()),
      cam: button("btn-cam", "camera", t("cam"), () => this.cam()),
      share: button("btn-share", "screen", t("share"), () => this.share()),
      hand: button("btn-hand", "hand", t("hand"), () => this.hand()),
      away: button("btn-away", "away", t("away"), () => this.stepAway()),
      audioOnly: button("btn-audio-only", "audio", t("audio_only"), () => { c.network.setManual(!c.network.manual); this.draw(); }),
      layout: button("btn-layout", "layout", t("layout"), () => this.layout()),
      chat: button("btn-chat", "chat", t("chat"), () => panels.toggle("chat"), { "aria-controls": "chat-panel" }),
      people: button("btn-people", "people", t("people"), () => panels.toggle("people"), { "aria-controls": "people-panel" }),
      qa: button("btn-qa", "qa", t("qa"), () => panels.toggle("qa"), { "aria-controls": "qa-panel" }),
      groups: button("btn-groups", "groups", t("groups"), () => panels.toggle("groups"), { "aria-controls": "groups-panel" }),
      leave: button("btn-leave", "leave", t("leave"), () => c.leave(), { class: "ctl leave", "aria-label": t("leave_label") }),
    };
    this.b.share.hidden = !canShareScreen();
    this.b.hand.hidden = call.target.kind === "consultation"; // a 1:1 talk has no queue to speak
    this.b.qa.hidden = call.target.kind !== "roundtable"; // questions and polls belong to a roundtable
    // breakout groups: moderators make them, moderators and guest speakers visit them
    this.b.groups.hidden = call.target.kind !== "roundtable" || !["moderator", "speaker"].includes(call.role);
    this.more = new MoreMenu(() => this.menuItems());
    const { leave, ...rest } = this.b;
    $("controls").replaceChildren(...Object.values(rest).filter((b) => !b.hidden), this.more.button, leave, this.more.menu);
    call.on((what) => { if (["tracks", "self", "entered", "network", "layout", "panel"].includes(what)) this.draw(); });
    this.draw();
    if (refit) removeEventListener("resize", refit);
    refit = () => this.fit();
    addEventListener("resize", refit);
    this.fit();
  }

  // fit keeps the bar to one row on a phone: the buttons that fit stay,
  // the others (and a moderator's room actions) wait under "More". From
  // 720 px (and above 500 px high) every button shows, as it always did.
  fit() {
    const order = keepOrder.filter((k) => !this.b[k].hidden && !(k === "hand" && this.call.isModerator));
    if (this.call.isModerator && !this.b.hand.hidden) order.push("hand");
    const compact = matchMedia(phone).matches;
    // the page's width, not the bar's: the bar is built while the call screen is still hidden
    const room = compact ? Math.floor((document.documentElement.clientWidth - 7) / slot) - 1 : Infinity; // leave always stays
    const more = compact && (order.length > room || this.roomActs().length > 0);
    const kept = more ? Math.max(2, room - 1) : order.length;
    order.forEach((k, i) => this.b[k].toggleAttribute("data-folded", i >= kept));
    this.more.button.hidden = !more;
    if (!more) this.more.close(false);
  }

  // menuItems are the folded buttons, each doing what its button does,
  // then the moderator's actions on the whole room.
  menuItems() {
    const own = Object.entries(this.b).filter(([, b]) => !b.hidden && b.hasAttribute("data-folded")).map(([k, b]) => ({
      key: b.id, group: "bar", label: b.querySelector(".cap").textContent, icon: b.querySelector("svg").cloneNode(true), title: b.title,
      checked: toggles.includes(k) ? b.getAttribute("aria-pressed") === "true" : undefined, disabled: b.disabled, run: () => b.click() }));
    return [...own, ...this.roomActs().map((a) => ({ ...a, group: "room" }))];
  }

  pressed(btn, on, title) { btn.setAttribute("aria-pressed", on ? "true" : "false"); btn.title = title; }

  draw() {
    const c = this.call, b = this.b;
    const mic = c.isOn(Track.Source.Microphone), cam = c.isOn(Track.Source.Camera), share = c.isOn(Track.Source.ScreenShare);
    const hand = !!c.local.attributes?.hand, away = c.local.attributes?.away === "1";
    this.pressed(b.mic, mic, t(mic ? "mic_turn_off" : "mic_turn_on"));
    this.pressed(b.cam, cam, t(cam ? "cam_turn_off" : "cam_turn_on"));
    this.pressed(b.share, share, t(share ? "share_stop" : "share_start"));
    this.pressed(b.hand, hand, t(hand ? "hand_lower" : "hand_raise"));
    this.pressed(b.away, away, t(away ? "away_end" : "away_start"));
    b.away.querySelector(".cap").textContent = t(away ? "away_end" : "away");
    this.pressed(b.audioOnly, c.network.manual, t(c.network.manual ? "audio_only_off" : "audio_only_on"));
    this.pressed(b.layout, c.stage.mode === "speaker", t(c.stage.mode === "speaker" ? "layout_grid" : "layout_speaker"));
    b.layout.disabled = c.stage.shownMode === "spotlight";
    this.explain();
    this.pressed(b.chat, this.panels.open === "chat", t("chat_open"));
    this.pressed(b.people, this.panels.open === "people", t("people_open"));
    this.pressed(b.qa, this.panels.open === "qa", t("qa_open_panel"));
    this.pressed(b.groups, this.panels.open === "groups", t("groups_open_panel"));
    b.chat.disabled = !c.local.permissions?.canPublishData && !c.local.permissions?.canSubscribe;
    document.body.dataset.away = away ? "1" : "0";
  }

  // explain says why buttons are disabled, on the button (title, and
  // aria-describedby for screen readers) and in a line over the bar.
  explain() {
    const c = this.call, b = this.b;
    const away = c.local.attributes?.away === "1";
    const media = away ? "reason_away" : c.canPublish() ? "" : c.roles.inAudience(c.local) ? "reason_audience" : "not_allowed_publish";
    const reasons = [[["mic", "cam", "share"], media], [["layout"], b.layout.disabled ? "layout_spotlight" : ""]];
    const hint = $("ctl-hint");
    const shown = [];
    for (const [keys, why] of reasons) {
      for (const k of keys) {
        b[k].disabled = !!why;
        if (why) { b[k].title = t(why); b[k].setAttribute("aria-describedby", "ctl-hint"); } else b[k].removeAttribute("aria-describedby");
      }
      if (why) shown.push(t(why));
    }
    hint.textContent = shown.join(" ");
    hint.hidden = !shown.length;
  }

  async mic() { await this.call.toggle(Track.Source.Microphone, !this.call.isOn(Track.Source.Microphone)); }
  async cam() { await this.call.toggle(Track.Source.Camera, !this.call.isOn(Track.Source.Camera)); }
  async share() { await this.call.toggle(Track.Source.ScreenShare, !this.call.isOn(Track.Source.ScreenShare)); }

  // hand raises with the time in Unix milliseconds, so moderators see
  // hands in the order they went up; "" lowers it.
  async hand() {
    const up = !this.call.local.attributes?.hand;
    const value = up ? String(Date.now()) : "";
    this.call.handExpect = value;
    try {
      await this.call.local.setAttributes({ hand: value });
      announce(t(up ? "hand_raised_you" : "hand_lowered_you"));
    } catch { notify("generic", { kind: "error", key: "hand" }); }
    this.draw();
  }

  // stepAway turns camera and microphone off and shows a friendly status
  // to the others; coming back restores what was on.
  async stepAway() {
    const c = this.call;
    if (c.local.attributes?.away !== "1") {
      this.away = { mic: c.isOn(Track.Source.Microphone), cam: c.isOn(Track.Source.Camera) };
      if (this.away.cam) await c.toggle(Track.Source.Camera, false);
      if (this.away.mic) await c.toggle(Track.Source.Microphone, false);
      await c.local.setAttributes({ away: "1" }).catch(() => notify("generic", { kind: "error", key: "away" }));
      announce(t("away_you"));
    } else {
      await c.local.setAttributes({ away: "" }).catch(() => notify("generic", { kind: "error", key: "away" }));
      if (this.away?.mic) await c.toggle(Track.Source.Microphone, true);
      if (this.away?.cam) await c.toggle(Track.Source.Camera, true);
      this.away = null;
    }
    this.draw();
  }

  layout() {
    const s = this.call.stage;
    s.mode = s.mode === "grid" ? "speaker" : "grid";
    s.layout();
    this.draw();
  }
}
