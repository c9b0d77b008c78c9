// Weak networks: after a few seconds of poor quality, ask for the lowest
// video layers; if it stays poor, pause incoming camera video (audio only)
// until the person resumes it or the connection has been good for a while.
// "Audio only" chosen by the person pauses all incoming video.
import { ConnectionQuality, Track, VideoQuality } from "livekit-client";
import { banner, announce } from "./ui.js";
import { t } from "./messages.js";

const LOW_AFTER = 4000, OFF_AFTER = 12000, RECOVER_AFTER = 20000;

export class Network {
  constructor(call) {
    this.call = call;
    this.manual = !!call.prefs.audioOnly;
    this.auto = "none"; // none | low | off
    this.q = ConnectionQuality.Unknown;
    this.poorSince = 0;
    this.goodSince = 0;
  }

  start() { this.timer = setInterval(() => this.tick(), 1000); this.redraw(); }
  stop() { clearInterval(this.timer); }
  quality(q) { this.q = q; }

  tick(now = Date.now()) {
    const poor = this.q === ConnectionQuality.Poor || this.q === ConnectionQuality.Lost;
    if (poor) { this.poorSince ||= now; this.goodSince = 0; } else if (this.q !== ConnectionQuality.Unknown) { this.goodSince ||= now; this.poorSince = 0; }
    const before = this.auto;
    if (poor && this.auto === "none" && now - this.poorSince >= LOW_AFTER) this.auto = "low";
    if (poor && this.auto === "low" && now - this.poorSince >= OFF_AFTER) this.auto = "off";
    if (!poor && this.auto !== "none" && this.goodSince && now - this.goodSince >= RECOVER_AFTER) this.auto = "none";
    if (before !== this.auto) { this.applyAll(); this.redraw(); if (this.auto === "none") announce(t("video_resumed")); }
  }

  // setManual is the person's own "audio only" switch.
  setManual(on) { this.manual = on; if (!on) this.auto = "none"; this.applyAll(); this.redraw(); }
  resume() { this.auto = "none"; this.poorSince = 0; this.applyAll(); this.redraw(); announce(t("video_resumed")); }

  get videoOff() { return this.manual || this.auto === "off"; }

  applyAll() {
    for (const p of this.call.room.remoteParticipants.values()) {
      for (const pub of p.videoTrackPublications.values()) this.applyTo(pub);
      this.call.stage.update(p);
    }
    this.call.emit("network");
  }

  applyTo(pub) {
    if (pub.kind !== Track.Kind.Video || !pub.isSubscribed) return;
    const screen = pub.source === Track.Source.ScreenShare;
    pub.setEnabled(screen ? !this.manual : !this.videoOff);
    pub.setVideoQuality(this.auto === "none" ? VideoQuality.HIGH : VideoQuality.LOW);
  }

  // redraw shows the weak-network banner unless reconnecting owns it.
  redraw() {
    document.body.dataset.video = this.videoOff ? "off" : "on";
    if (this.auto === "off") banner(t("audio_fallback"), "warn", { label: t("try_video"), run: () => this.resume() });
    else if (this.auto === "low") banner(t("weak_network"), "info");
    else banner(null);
  }
}
