// One visit to a room: connect with the token, publish the pre-join
// tracks, keep the stage in step with the room's events, wait in the lobby
// while the token says so, and end with a message that says why.
import { Room, RoomEvent, Track, DisconnectReason, ConnectionState } from "livekit-client";
import { el, $, show, announce, banner, notify, dismiss } from "./ui.js";
import { t, tf } from "./messages.js";
import { Stage, roomMeta } from "./tiles.js";
import { Roles } from "./roles.js";
import { tokenClaims } from "./token.js";
import { videoCapture } from "./prejoin.js";
import { Network } from "./network.js";
import { state as timing } from "./hooks.js";

// newRoom makes one media room connection. ?media=plain turns adaptive
// stream and dynacast off, to tell a layer-selection problem in the media
// plane from anything else.
function newRoom() {
  const smart = new URLSearchParams(location.search).get("media") !== "plain";
  return new Room({
    adaptiveStream: smart, dynacast: smart, videoCaptureDefaults: videoCapture,
    publishDefaults: { simulcast: true, videoCodec: "vp8" }, disconnectOnPageLeave: true,
  });
}

export class Call {
  // opts: {target, token (join response), prefs (pre-join), onEnd(reason)}
  constructor(opts) {
    Object.assign(this, opts);
    const claims = tokenClaims(this.token.token);
    this.role = this.token.role || claims.attributes?.role || "";
    this.inLobby = !!this.token.lobby || claims.attributes?.lobby === "1";
    this.isModerator = this.role === "moderator";
    this.selfChange = 0; // > 0 while this page toggles its own tracks
    this.met = new Map(); // identity → name of everyone else seen in this visit
    this.handUp = false; // her own hand, as last seen
    this.handExpect = ""; // the hand value this page last set
    this.listeners = []; // (event) => void, for controls, chat, moderator panel
    this.room = newRoom();
    this.where = this.token.group || "main"; // the roundtable's main room, or the breakout group she is in
    this.moves = 0; // moves between rooms made so far
    this.roles = new Roles(this.room, this.token, this.target.kind);
    this.stage = new Stage(this.room, $("tiles"), this.roles);
    this.network = new Network(this);
    this.stage.qualityOf = (p) => this.network.qualityOf(p);
  }

  // emit tells the other parts of the page that something changed.
  emit(what, detail) { for (const f of this.listeners) f(what, detail); }
  on(f) { this.listeners.push(f); }

  get local() { return this.room.localParticipant; }
  canPublish() { return !!this.local.permissions?.canPublish; }

  connectOptions() { return this.target.kind === "dev" ? { rtcConfig: { iceServers: [] } } : {}; }

  async start() {
    this.wire();
    this.connectStarted = timing.connectStartMs = performance.now();
    await this.room.connect(this.token.url, this.token.token, this.connectOptions());
    this.connectedMs = performance.now() - this.connectStarted;
    document.body.dataset.conn = "connected";
    if (this.toLobby()) return;
    await this.enter();
  }

  // toLobby shows the lobby while she waits there. The media plane may
  // hold her in it although her token did not say so: the lobby was
  // turned on after the token was minted.
  toLobby() {
    if (this.local.permissions?.canSubscribe || !(this.inLobby || this.local.attributes?.lobby === "1")) return false;
    this.inLobby = true;
    show("lobby");
    return true;
  }

  // enter shows the stage and publishes what the person chose before joining.
  async enter() {
    this.inLobby = false;
    show("call");
    this.stage.sync(this.local);
    for (const p of this.room.remoteParticipants.values()) { this.met.set(p.identity, p.name || p.identity); this.stage.sync(p); }
    this.room.startAudio().catch(() => {});
    this.network.start();
    await this.publishChoices();
    this.emit("entered");
    this.aloneHint();
  }

  async publishChoices() {
    const { audio, video, cameraOff } = this.prefs;
    if (!this.canPublish()) {
      audio?.stop(); video?.stop();
      this.prefs.audio = this.prefs.video = null;
      if (this.role === "audience") announce(t("audience_hint")); // the line over the bar says it on screen
      this.emit("tracks");
      return;
    }
    const jobs = [];
    if (audio && this.micLater) audio.stop(); // time has passed since she chose it: she turns it on again
    else if (audio) jobs.push(this.local.publishTrack(audio, { source: Track.Source.Microphone }));
    if (video && !cameraOff) jobs.push(this.local.publishTrack(video, { source: Track.Source.Camera }));
    else video?.stop();
    this.prefs.audio = this.prefs.video = null; // owned by the room from now on
    const results = await Promise.allSettled(jobs);
    if (results.some((r) => r.status === "rejected")) notify("mute_failed", { kind: "error", key: "media" });
    this.emit("tracks");
  }

  wire() {
    this.wireParticipants();
    this.wireTracks();
    this.wireConnection();
    this.wireState();
  }

  wireParticipants() {
    const r = this.room;
    r.on(RoomEvent.ParticipantConnected, (p) => { this.met.set(p.identity, p.name || p.identity); this.stage.sync(p); this.emit("people"); this.aloneHint(); });
    r.on(RoomEvent.ParticipantDisconnected, (p) => { this.stage.drop(p); this.emit("people"); this.aloneHint(); });
    r.on(RoomEvent.ParticipantNameChanged, (_n, p) => { this.stage.update(p); this.emit("people"); });
    r.on(RoomEvent.ActiveSpeakersChanged, (list) => this.stage.speakers(list));
    r.on(RoomEvent.ConnectionQualityChanged, (q, p) => {
      this.network.serverQuality(q, p);
      this.stage.update(p);
    });
    r.on(RoomEvent.ParticipantAttributesChanged, (changed, p) => {
      this.stage.sync(p);
      if (p.isLocal) {
        this.toLobby();
        this.ownAttributes(changed);
      }
      this.emit("people");
    });
  }

  wireTracks() {
    const r = this.room;
    r.on(RoomEvent.TrackSubscribed, (track, pub, p) => {
      if (track.kind === Track.Kind.Audio) $("audio-sink").append(track.attach());
      else { this.stage.attach(track, p); this.network.applyTo(pub); }
      this.stage.update(p);
      this.emit("people");
    });
    r.on(RoomEvent.TrackUnsubscribed, (track, _pub, p) => {
      if (track.kind === Track.Kind.Audio) track.detach().forEach((e) => e.remove());
      else this.stage.detach(track, p);
    });
    r.on(RoomEvent.TrackPublished, (pub, p) => { this.network.applyTo(pub); this.stage.update(p); });
    r.on(RoomEvent.TrackUnpublished, (_pub, p) => this.stage.update(p));
    r.on(RoomEvent.LocalTrackPublished, (pub) => { this.stage.attach(pub.track, this.local); this.stage.update(this.local); this.emit("tracks"); });
    r.on(RoomEvent.LocalTrackUnpublished, (pub) => { if (pub.track) this.stage.detach(pub.track, this.local); this.stage.update(this.local); this.emit("tracks"); });
    const muted = (on) => (pub, p) => {
      this.stage.update(p);
      if (p.isLocal) {
        if (on && !this.selfChange) {
          const cam = pub.source === Track.Source.Camera;
          notify(cam ? "camera_muted_by_moderator" : "muted_by_moderator", { key: cam ? "mod-cam" : "mod-mic", kind: "warn" });
        }
        this.emit("tracks");
      }
      this.emit("people");
    };
    r.on(RoomEvent.TrackStreamStateChanged, (_pub, _state, p) => this.stage.update(p));
    r.on(RoomEvent.TrackMuted, muted(true));
    r.on(RoomEvent.TrackUnmuted, muted(false));
    r.on(RoomEvent.AudioPlaybackStatusChanged, () => this.audioPrompt());
  }

  wireConnection() {
    const r = this.room;
    const reconnecting = () => { banner(t("reconnecting"), "warn"); document.body.dataset.conn = "reconnecting"; this.aloneHint(); };
    r.on(RoomEvent.Reconnecting, reconnecting);
    r.on(RoomEvent.SignalReconnecting, reconnecting);
    r.on(RoomEvent.Reconnected, () => {
      document.body.dataset.conn = "connected";
      this.network.redraw();
      this.aloneHint();
      notify("reconnected", { key: "conn", transient: true });
      for (const p of this.stage.everyone()) this.stage.update(p);
    });
    r.on(RoomEvent.Disconnected, (reason) => this.ended(reason));
  }

  wireState() {
    const r = this.room;
    r.on(RoomEvent.RoomMetadataChanged, () => {
      const meta = roomMeta(r);
      // who is on stage is in the metadata (promotions): re-seat everyone
      for (const p of this.stage.everyone()) this.inLobby ? this.stage.update(p) : this.stage.sync(p);
      if (meta.ended) this.ended(DisconnectReason.ROOM_DELETED);
      this.emit("room");
    });
    r.on(RoomEvent.ParticipantPermissionsChanged, (prev, p) => {
      if (!p || !p.isLocal) { this.emit("people"); return; }
      this.permissionsChanged(prev || {});
    });
    r.on(RoomEvent.DataReceived, (payload, p, _kind, topic) => this.emit("data", { payload, from: p, topic }));
    this.stage.onLayout = (mode, who) => {
      if (mode === "spotlight") {
        const p = this.stage.everyone().find((x) => x.identity === who);
        announce(tf("spotlight_on", { name: p?.name || who }));
      }
      this.emit("layout", { mode, who });
    };
  }

  // permissionsChanged handles admission from the lobby and moves between
  // stage and audience, which the control plane does by changing grants.
  async permissionsChanged(prev) {
    const now = this.local.permissions || {};
    if (!this.inLobby && this.toLobby()) return;
    // Never turn anyone's microphone on for her: after a wait in the lobby
    // or on being brought on stage she is told she may speak now, and
    // turns it on herself when she is ready.
    if (this.inLobby && now.canSubscribe) {
      for (const p of this.room.remoteParticipants.values()) for (const pub of p.trackPublications.values()) pub.setSubscribed(true);
      this.micLater = !!now.canPublish && !!this.prefs.audio;
      await this.enter();
      notify(this.micLater ? "admitted_mic_off" : "admitted", { key: "mic-prompt", transient: !this.micLater, action: this.micLater ? this.micAction() : null });
      return;
    }
    if (!prev.canPublish && now.canPublish) {
      notify("on_stage", { key: "mic-prompt", action: this.micAction() });
    } else if (prev.canPublish && !now.canPublish) {
      notify("off_stage", { key: "mic-prompt" });
    }
    this.emit("tracks");
  }

  micAction() { return { label: "mic_turn_on", run: () => this.toggle(Track.Source.Microphone, true) }; }

  // ownAttributes tells the person when someone else changed her state:
  // a moderator lowering her raised hand (not when she was brought on
  // stage, which lowers it too).
  ownAttributes(changed) {
    const own = changed.hand === this.handExpect; // her own raise or lower
    if ("hand" in changed && !changed.hand && this.handUp && !own && !("role" in changed)) {
      notify("hand_lowered_by_moderator", { key: "hand", transient: true });
    }
    if ("hand" in changed) this.handUp = !!changed.hand;
    this.emit("self", changed);
  }

  // aloneHint says so when nobody else is here: still to come, or gone
  // (then by name, in a 1:1), never "not here yet" to someone who was.
  aloneHint() {
    const hint = $("alone");
    if (!hint) return;
    // while reconnecting the others are only out of reach, not gone
    hint.hidden = this.room.remoteParticipants.size > 0 || document.body.dataset.conn === "reconnecting";
    hint.textContent = this.aloneText();
  }

  aloneText() {
    if (!this.met.size) return t("alone");
    if (this.met.size === 1) return tf("alone_left_one", { name: [...this.met.values()][0] });
    return t("alone_left");
  }

  audioPrompt() {
    const box = $("audio-prompt");
    box.hidden = this.room.canPlaybackAudio;
    if (!box.hidden) {
      box.replaceChildren(el("p", {}, t("enable_audio_hint")),
        el("button", { type: "button", onclick: () => this.room.startAudio().then(() => this.audioPrompt()) }, t("enable_audio")));
    }
  }

  // toggle switches one of this page's own sources, marking the change as
  // ours so it is not announced as a moderator's.
  async toggle(source, on, options) {
    this.selfChange++;
    try {
      if (source === Track.Source.Microphone) await this.local.setMicrophoneEnabled(on, options ?? this.chosenMic());
      else if (source === Track.Source.Camera) await this.local.setCameraEnabled(on, { ...videoCapture, ...options });
      else await this.local.setScreenShareEnabled(on, { audio: false });
      if (on && source === Track.Source.Microphone) dismiss("mic-prompt");
      return true;
    } catch (e) {
      const screen = source === Track.Source.ScreenShare;
      // a cancelled screen picker is no failure; a blocked microphone is
      if (!screen || e?.name !== "NotAllowedError") {
        notify(screen ? "share_failed" : e?.name === "NotAllowedError" ? "media_blocked" : "mute_failed", { kind: "error", key: "media" });
      }
      return false;
    } finally {
      this.selfChange--;
      this.emit("tracks");
      this.stage.update(this.local);
    }
  }

  // chosenMic is the microphone picked before joining, for a microphone
  // turned on later (on stage, or after joining without one).
  chosenMic() {
    const id = this.prefs.devices?.mic;
    return id && id !== "none" ? { deviceId: id } : undefined;
  }

  isOn(source) {
    const pub = this.local.getTrackPublication(source);
    return !!pub && !pub.isMuted && !!pub.track;
  }

  leave() { this.leaving = true; return this.room.disconnect(); }

  // moveTo leaves this media room for another of the same roundtable (a
  // breakout group, or back to the main room) without a reload: token is
  // the join answer for the new room. Her own tracks go along as they
  // are: the very same LocalTracks are republished, muted ones muted, so
  // no device is turned on or off for her.
  async moveTo(token) {
    const old = this.room;
    // kept until republished: a move that fails half-way loses no track
    this.kept ??= [...old.localParticipant.trackPublications.values()].filter((p) => p.track).map((p) => ({ track: p.track, source: p.source }));
    const away = old.localParticipant.attributes?.away;
    const couldSpeak = this.canPublish();
    this.moving = true;
    try {
      old.removeAllListeners(); // its Disconnected must not end the visit
      for (const p of old.remoteParticipants.values()) this.stage.drop(p);
      $("audio-sink")?.replaceChildren();
      await old.disconnect(false);
      this.token = token;
      this.where = token.group || "main";
      this.room = newRoom();
      this.roles.use(this.room, token);
      this.stage.room = this.room;
      this.met.clear();
      this.wire();
      await this.room.connect(token.url, token.token, this.connectOptions());
    } finally { this.moving = false; }
    this.moves++;
    if (this.toLobby()) return;
    this.stage.sync(this.local);
    for (const p of this.room.remoteParticipants.values()) { this.met.set(p.identity, p.name || p.identity); this.stage.sync(p); }
    this.room.startAudio().catch(() => {});
    if (away === "1") await this.local.setAttributes({ away }).catch(() => {});
    const mine = this.kept;
    this.kept = null;
    await this.republish(mine);
    // a listener whom the moderator lets speak in the groups turns her
    // microphone on herself
    if (!couldSpeak && this.canPublish()) notify("group_may_speak", { key: "mic-prompt", action: this.micAction() });
    this.emit("moved", this.where);
    this.emit("people");
    this.aloneHint();
  }

  // republish publishes tracks kept from the room she left; publishing
  // a muted track keeps it muted, and is not announced as a moderator's.
  async republish(mine) {
    if (!this.canPublish()) { for (const { track } of mine) track.stop(); this.emit("tracks"); return; }
    this.selfChange++;
    try {
      const results = await Promise.allSettled(mine.map(({ track, source }) => this.local.publishTrack(track, { source })));
      if (results.some((r) => r.status === "rejected")) notify("mute_failed", { kind: "error", key: "media" });
    } finally {
      this.selfChange--;
      this.emit("tracks");
    }
  }

  ended(reason) {
    if (this.done || this.moving) return; // a move between rooms disconnects on purpose
    // A breakout group closed under her (or its room went away): back to
    // the main room, unless that refuses her too.
    if (this.where !== "main" && !this.leaving && reason !== DisconnectReason.DUPLICATE_IDENTITY && this.onGroupLost?.(reason)) return;
    this.done = true;
    this.network.stop();
    banner(null);
    $("notices")?.replaceChildren();
    const key = {
      [DisconnectReason.PARTICIPANT_REMOVED]: "removed_msg", [DisconnectReason.ROOM_DELETED]: "ended_for_all",
      [DisconnectReason.DUPLICATE_IDENTITY]: "duplicate", [DisconnectReason.CLIENT_INITIATED]: "left_room",
      [DisconnectReason.ROOM_CLOSED]: "ended_for_all",
    }[reason] || (this.leaving ? "left_room" : "connection_lost");
    if (this.room.state !== ConnectionState.Disconnected) this.room.disconnect();
    for (const tr of [this.prefs.audio, this.prefs.video]) tr?.stop();
    this.onEnd(key);
  }
}
