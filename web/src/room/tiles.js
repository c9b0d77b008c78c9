// The stage: one tile per participant's camera and one per screen share,
// laid out as a grid, with the active speaker large, or with the person a
// moderator spotlighted large for everyone (from the room metadata).
import { Track, ConnectionQuality } from "livekit-client";
import { el, icon } from "./ui.js";
import { t, tf } from "./messages.js";
import { watchFirstFrame } from "./hooks.js";

const qualityKey = {
  [ConnectionQuality.Excellent]: "excellent", [ConnectionQuality.Good]: "good",
  [ConnectionQuality.Poor]: "poor", [ConnectionQuality.Lost]: "lost",
};

// roomMeta parses the JSON the control plane mirrors into the room.
export function roomMeta(room) {
  try { return JSON.parse(room.metadata || "{}") || {}; } catch { return {}; }
}

// pausedForBandwidth: the media server stopped sending this video because
// the link to us is too slow for it (it says so with a stream state).
function pausedForBandwidth(pub) {
  return pub?.track?.streamState === Track.StreamState.Paused;
}

// initials: the first letter of a Latin name, the first two characters
// of a Japanese one (a family name often has two).
function initials(name) {
  const chars = [...(name || "?").trim()];
  return /^[A-Za-z]/.test(chars[0] || "") ? chars[0].toUpperCase() : chars.slice(0, 2).join("");
}

export class Stage {
  // roles says who is what (roles.js): an audience member of a stage talk
  // gets no tile, moderators and guest speakers a badge.
  constructor(room, box, roles) {
    this.room = room;
    this.roles = roles;
    this.box = box; // the tiles container
    this.tiles = new Map(); // "identity|source" → figure
    this.mode = "grid"; // the person's choice: grid or speaker
    this.lastSpeaker = "";
    this.main = null;
  }

  // sync gives p a tile when she is on the stage (everyone in a small
  // round) and takes it away when she is in the audience.
  sync(p) {
    if (this.roles.inAudience(p)) {
      if (this.tiles.has(`${p.identity}|camera`) || this.tiles.has(`${p.identity}|screen`)) this.drop(p);
      else this.layout();
      return;
    }
    if (this.tiles.has(this.key(p))) { this.update(p); return; }
    this.tile(p);
    // video that arrived while she was still counted in the audience
    for (const pub of p.videoTrackPublications.values()) if (pub.track) this.attach(pub.track, p);
  }

  key(p, source) { return `${p.identity}|${source === Track.Source.ScreenShare ? "screen" : "camera"}`; }

  tile(p, source = Track.Source.Camera) {
    const k = this.key(p, source);
    let f = this.tiles.get(k);
    if (f) return f;
    const screen = k.endsWith("|screen");
    const video = el("video", { autoplay: true, playsinline: true, muted: true, class: p.isLocal && !screen ? "mirror" : undefined });
    video.hidden = true;
    f = el("figure", { class: "tile" + (screen ? " screen" : ""), dataset: { identity: p.identity, source: screen ? "screen" : "camera" } },
      video, el("div", { class: "tile-avatar", "aria-hidden": "true" }, el("span", {}, initials(p.name || p.identity))),
      el("figcaption", {}, el("span", { class: "name" }), el("span", { class: "badges" })));
    f.video = video;
    this.tiles.set(k, f);
    this.box.append(f);
    this.update(p);
    return f;
  }

  attach(track, p) {
    if (track.kind !== Track.Kind.Video || this.roles.inAudience(p)) return;
    const f = this.tile(p, track.source);
    track.attach(f.video);
    f.video.hidden = false;
    if (!p.isLocal) watchFirstFrame(f.video);
    f.dataset.video = "1";
    this.update(p);
  }

  detach(track, p) {
    if (track.kind !== Track.Kind.Video) return;
    const f = this.tiles.get(this.key(p, track.source));
    if (!f) return;
    track.detach(f.video);
    f.video.hidden = true;
    delete f.dataset.video;
    if (track.source === Track.Source.ScreenShare) this.drop(p, "screen");
    else this.update(p);
  }

  drop(p, only) {
    for (const kind of only ? [only] : ["camera", "screen"]) {
      const k = `${p.identity}|${kind}`;
      this.tiles.get(k)?.remove();
      this.tiles.delete(k);
    }
    this.layout();
  }

  // update refreshes one person's caption: name, role, mic, hand, away,
  // connection quality, speaking.
  update(p) {
    const meta = roomMeta(this.room);
    const a = p.attributes || {};
    const cam = p.getTrackPublication(Track.Source.Camera);
    const mic = p.getTrackPublication(Track.Source.Microphone);
    for (const kind of ["camera", "screen"]) {
      const f = this.tiles.get(`${p.identity}|${kind}`);
      if (!f) continue;
      const name = p.name || p.identity;
      const label = kind === "screen" ? tf("screen_of", { name }) : name + (p.isLocal ? t("you_suffix") : "");
      f.querySelector(".name").textContent = label;
      f.setAttribute("aria-label", label);
      const badges = [];
      const promoted = (meta.promoted || []).includes(p.identity);
      const role = this.roles.of(p);
      if (role === "moderator") badges.push(el("span", { class: "badge mod" }, t("role_moderator")));
      else if (role === "speaker" && !promoted) badges.push(el("span", { class: "badge speaker" }, t("role_speaker")));
      if (kind === "camera") {
        if (!mic || mic.isMuted) badges.push(el("span", { class: "state mic-off" }, icon("micOff"), t("mic_muted")));
        if (a.hand) badges.push(el("span", { class: "state hand" }, icon("hand"), t("hand_raised")));
        if (a.away === "1") badges.push(el("span", { class: "state away" }, icon("away"), t("away_status")));
        if (pausedForBandwidth(cam)) badges.push(el("span", { class: "state bw-paused" }, t("video_paused_bandwidth")));
        const q = qualityKey[this.qualityOf ? this.qualityOf(p) : p.connectionQuality] || "unknown";
        badges.push(el("span", { class: `quality q-${q}`, role: "img", "aria-label": t("quality_" + q), title: t("quality_" + q) },
          el("i"), el("i"), el("i")));
      }
      f.querySelector(".badges").replaceChildren(...badges);
      // a camera we paused (audio only) shows the avatar, not a frozen frame
      // and so does a video the media server paused for lack of bandwidth
      const screen = p.getTrackPublication(Track.Source.ScreenShare);
      const shown = kind === "screen" ? !pausedForBandwidth(screen)
        : cam && cam.track && !cam.isMuted && f.dataset.video && (p.isLocal || cam.isEnabled) && !pausedForBandwidth(cam);
      f.classList.toggle("no-video", !shown);
      f.classList.toggle("away", a.away === "1");
      f.classList.toggle("speaking", kind === "camera" && p.isSpeaking);
    }
    this.layout();
  }

  speakers(list) {
    const remote = list.find((p) => !p.isLocal);
    if (remote) this.lastSpeaker = remote.identity;
    for (const p of this.everyone()) this.update(p);
  }

  everyone() { return [this.room.localParticipant, ...this.room.remoteParticipants.values()]; }

  // layout picks the large tile: the spotlighted person (their screen if
  // they share one), else in speaker view a shared screen or the latest
  // speaker; grid view has none.
  layout() {
    const spot = roomMeta(this.room).spotlight || "";
    const present = spot && this.everyone().some((p) => p.identity === spot);
    let mode = present ? "spotlight" : this.mode;
    let main = null;
    if (mode === "spotlight") main = this.tiles.get(`${spot}|screen`) || this.tiles.get(`${spot}|camera`);
    else if (mode === "speaker") {
      main = [...this.tiles.values()].find((f) => f.classList.contains("screen"))
        || this.tiles.get(`${this.lastSpeaker}|camera`)
        || [...this.tiles.values()].find((f) => f.dataset.identity !== this.room.localParticipant.identity)
        || null;
    }
    if (!main) mode = mode === "spotlight" ? "grid" : mode;
    this.box.className = `tiles layout-${mode}`;
    this.box.dataset.layout = mode;
    this.box.dataset.count = String(this.tiles.size);
    for (const f of this.tiles.values()) f.classList.toggle("main", f === main);
    const changed = this.main !== main || this.shownMode !== mode;
    this.main = main;
    this.shownMode = mode;
    if (changed && this.onLayout) this.onLayout(mode, main?.dataset.identity || "");
    this.audience();
  }

  // audience draws the strip under the stage: how many listen, how many
  // raised a hand, and a button to the list of names.
  audience() {
    const strip = this.box.parentElement?.querySelector(".audience");
    if (!strip) return;
    const all = this.everyone().filter((p) => this.roles.inAudience(p) && p.attributes?.lobby !== "1");
    const hands = all.filter((p) => p.attributes?.hand).length;
    const me = this.roles.inAudience(this.room.localParticipant);
    const text = tf(me ? "audience_count_you" : "audience_count", { n: all.length }) + (hands ? tf("audience_hands", { n: hands }) : "");
    strip.hidden = !all.length;
    this.box.parentElement.toggleAttribute("data-audience", all.length > 0);
    if (strip.dataset.text === text && strip.dataset.lang === document.documentElement.lang) return;
    strip.dataset.text = text;
    strip.dataset.lang = document.documentElement.lang;
    strip.dataset.count = String(all.length);
    const list = el("button", { type: "button", class: "secondary small", id: "audience-list", "aria-controls": "people-panel" }, t("audience_list"));
    list.addEventListener("click", () => this.onList?.());
    strip.replaceChildren(el("p", {}, icon("people"), el("span", {}, text)), list);
  }
}
