// The call screen's skeleton and its control bar: microphone, camera,
// screen share, raise hand, stepping away, audio only, layout, chat,
// people and leave. Every button has a visible caption; toggles say their
// state with aria-pressed.
import { Track } from "livekit-client";
import { el, $, icon, announce } from "./ui.js";
import { t } from "./messages.js";

// buildCall lays out the call screen before the room connects (the stage
// needs its container).
export function buildCall() {
  $("call").replaceChildren(
    el("h2", { class: "sr-only" }, t("room_label")),
    el("div", { class: "call-body" },
      el("div", { class: "stage-wrap" },
        el("div", { id: "tiles", class: "tiles layout-grid", role: "group", "aria-label": t("room_label") }),
        el("p", { id: "alone", class: "alone" }, t("alone"))),
      el("aside", { id: "side", class: "side", hidden: true },
        el("section", { id: "people-panel", class: "panel", hidden: true, "aria-labelledby": "people-h" }),
        el("section", { id: "chat-panel", class: "panel", hidden: true, "aria-labelledby": "chat-h" }))),
    el("div", { id: "audio-prompt", class: "audio-prompt", hidden: true }),
    el("div", { id: "ask", class: "ask", hidden: true, role: "alertdialog", "aria-live": "assertive", "aria-label": t("ask_label") }),
    el("nav", { id: "controls", class: "controls", "aria-label": t("controls") }),
    el("div", { id: "audio-sink", hidden: true }));
}

function button(id, glyph, caption, onclick, extra = {}) {
  return el("button", { type: "button", id, class: "ctl", onclick, ...extra }, icon(glyph), el("span", { class: "cap" }, caption));
}

// Controls wires the bar to the call and redraws it when the call says
// its tracks, permissions or own attributes changed.
export class Controls {
  constructor(call, panels) {
    this.call = call;
    this.panels = panels; // {toggle(name), open}
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
      leave: button("btn-leave", "leave", t("leave"), () => c.leave(), { class: "ctl leave", "aria-label": t("leave_label") }),
    };
    if (!navigator.mediaDevices?.getDisplayMedia) this.b.share.hidden = true; // phones cannot share a screen
    $("controls").replaceChildren(...Object.values(this.b));
    call.on((what) => { if (["tracks", "self", "entered", "network", "layout", "panel"].includes(what)) this.draw(); });
    this.draw();
  }

  pressed(btn, on, title) { btn.setAttribute("aria-pressed", on ? "true" : "false"); btn.title = title; }

  draw() {
    const c = this.call, b = this.b, pub = c.canPublish();
    const mic = c.isOn(Track.Source.Microphone), cam = c.isOn(Track.Source.Camera), share = c.isOn(Track.Source.ScreenShare);
    const hand = !!c.local.attributes?.hand, away = c.local.attributes?.away === "1";
    for (const k of ["mic", "cam", "share"]) b[k].disabled = !pub || away;
    this.pressed(b.mic, mic, t(mic ? "mic_turn_off" : "mic_turn_on"));
    this.pressed(b.cam, cam, t(cam ? "cam_turn_off" : "cam_turn_on"));
    this.pressed(b.share, share, t(share ? "share_stop" : "share_start"));
    this.pressed(b.hand, hand, t(hand ? "hand_lower" : "hand_raise"));
    this.pressed(b.away, away, t(away ? "away_end" : "away_start"));
    b.away.querySelector(".cap").textContent = t(away ? "away_end" : "away");
    this.pressed(b.audioOnly, c.network.manual, t(c.network.manual ? "audio_only_off" : "audio_only_on"));
    this.pressed(b.layout, c.stage.mode === "speaker", t(c.stage.mode === "speaker" ? "layout_grid" : "layout_speaker"));
    b.layout.disabled = c.stage.shownMode === "spotlight";
    if (b.layout.disabled) b.layout.title = t("layout_spotlight");
    this.pressed(b.chat, this.panels.open === "chat", t("chat_open"));
    this.pressed(b.people, this.panels.open === "people", t("people_open"));
    b.chat.disabled = !c.local.permissions?.canPublishData && !c.local.permissions?.canSubscribe;
    document.body.dataset.away = away ? "1" : "0";
  }

  async mic() { await this.call.toggle(Track.Source.Microphone, !this.call.isOn(Track.Source.Microphone)); }
  async cam() { await this.call.toggle(Track.Source.Camera, !this.call.isOn(Track.Source.Camera)); }
  async share() { await this.call.toggle(Track.Source.ScreenShare, !this.call.isOn(Track.Source.ScreenShare)); }

  // hand raises with the time in Unix milliseconds, so moderators see
  // hands in the order they went up; "" lowers it.
  async hand() {
    const up = !this.call.local.attributes?.hand;
    try {
      await this.call.local.setAttributes({ hand: up ? String(Date.now()) : "" });
      announce(t(up ? "hand_raised_you" : "hand_lowered_you"));
    } catch { announce(t("generic")); }
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
      await c.local.setAttributes({ away: "1" }).catch(() => announce(t("generic")));
      announce(t("away_you"));
    } else {
      await c.local.setAttributes({ away: "" }).catch(() => announce(t("generic")));
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
