// Weak networks: after a few seconds of poor quality, ask for the lowest
// video layers; if it stays poor, pause incoming camera video (audio only)
// until the person resumes it or the connection has been good for a while.
// "Audio only" chosen by the person pauses all incoming video.
import { ConnectionQuality, Track, VideoQuality } from "livekit-client";
import { banner, notify } from "./ui.js";
import { t } from "./messages.js";

const LOW_AFTER = 4000, OFF_AFTER = 12000, RECOVER_AFTER = 20000;
const SAMPLE_EVERY = 2000, MAX_SAMPLED = 16;

// grade turns loss (0..1) and round-trip time (s) into a quality.
function grade(loss, rtt) {
  if (loss > 0.08 || rtt > 0.6) return ConnectionQuality.Poor;
  if (loss > 0.02 || rtt > 0.3) return ConnectionQuality.Good;
  return ConnectionQuality.Excellent;
}

export class Network {
  constructor(call) {
    this.call = call;
    this.manual = !!call.prefs.audioOnly;
    this.auto = "none"; // none | low | off
    this.q = ConnectionQuality.Unknown;
    this.poorSince = 0;
    this.goodSince = 0;
    this.est = new Map(); // identity → quality measured here
    this.prev = new Map(); // track sid → {lost, got}
    this.serverSends = false; // the media plane reports quality itself
  }

  start() {
    this.timer = setInterval(() => this.tick(), 1000);
    this.sampler = setInterval(() => this.sample().catch(() => {}), SAMPLE_EVERY);
    this.redraw();
  }
  stop() { clearInterval(this.timer); clearInterval(this.sampler); }
  quality(q) { this.q = q; }

  // serverQuality takes the media plane's reading when it sends one.
  serverQuality(q, p) {
    if (q === ConnectionQuality.Unknown) return;
    this.serverSends = true;
    if (p.isLocal) this.q = q;
  }

  // qualityOf is what a tile shows: the media plane's reading, else the
  // one measured from this page's own receive statistics.
  qualityOf(p) {
    if (p.connectionQuality && p.connectionQuality !== ConnectionQuality.Unknown) return p.connectionQuality;
    return this.est.get(p.identity) || ConnectionQuality.Unknown;
  }

  // sample measures loss on what each person sends us and the round trip
  // to the server, for media planes that do not report quality.
  async sample() {
    if (this.serverSends) return;
    let rtt = 0, lostAll = 0, gotAll = 0, n = 0;
    for (const p of this.call.room.remoteParticipants.values()) {
      let lost = 0, got = 0;
      for (const pub of p.trackPublications.values()) {
        if (!pub.track || !pub.isEnabled || pub.isMuted || n++ >= MAX_SAMPLED) continue;
        const report = await pub.track.getRTCStatsReport();
        report?.forEach((s) => {
          if (s.type === "candidate-pair" && s.nominated && s.currentRoundTripTime) rtt = Math.max(rtt, s.currentRoundTripTime);
          if (s.type !== "inbound-rtp") return;
          const before = this.prev.get(pub.trackSid) || { lost: s.packetsLost || 0, got: s.packetsReceived || 0 };
          lost += Math.max(0, (s.packetsLost || 0) - before.lost);
          got += Math.max(0, (s.packetsReceived || 0) - before.got);
          this.prev.set(pub.trackSid, { lost: s.packetsLost || 0, got: s.packetsReceived || 0 });
        });
      }
      if (lost + got > 0) this.est.set(p.identity, grade(lost / (lost + got), 0));
      lostAll += lost; gotAll += got;
      this.call.stage.update(p);
    }
    if (lostAll + gotAll > 0 || rtt) {
      const q = grade(lostAll / Math.max(1, lostAll + gotAll), rtt);
      this.est.set(this.call.local.identity, q);
      this.q = q;
      this.call.stage.update(this.call.local);
    }
  }

  tick(now = Date.now()) {
    const poor = this.q === ConnectionQuality.Poor || this.q === ConnectionQuality.Lost;
    if (poor) { this.poorSince ||= now; this.goodSince = 0; } else if (this.q !== ConnectionQuality.Unknown) { this.goodSince ||= now; this.poorSince = 0; }
    const before = this.auto;
    if (poor && this.auto === "none" && now - this.poorSince >= LOW_AFTER) this.auto = "low";
    if (poor && this.auto === "low" && now - this.poorSince >= OFF_AFTER) this.auto = "off";
    if (!poor && this.auto !== "none" && this.goodSince && now - this.goodSince >= RECOVER_AFTER) this.auto = "none";
    if (before !== this.auto) { this.applyAll(); this.redraw(); if (this.auto === "none") notify("video_resumed", { key: "network", transient: true }); }
  }

  // setManual is the person's own "audio only" switch.
  setManual(on) { this.manual = on; if (!on) this.auto = "none"; this.applyAll(); this.redraw(); }
  resume() { this.auto = "none"; this.poorSince = 0; this.applyAll(); this.redraw(); notify("video_resumed", { key: "network", transient: true }); }

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
