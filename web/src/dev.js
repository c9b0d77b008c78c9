// Dev-mode room page (shown only with `zadankai serve --dev`): join any
// room with a display name, publish camera and microphone, and see the
// others. Browser tests drive it, reading window.zdk.
import { Room, RoomEvent, Track } from "livekit-client";

const $ = (id) => document.getElementById(id);

function setStatus(text) { $("status").textContent = text; }

function addVideo(track, participant) {
  const box = document.createElement("figure");
  box.dataset.identity = participant.identity;
  box.dataset.trackSid = track.sid;
  const el = track.attach();
  el.muted = true;
  el.playsInline = true;
  const cap = document.createElement("figcaption");
  cap.textContent = participant.name || participant.identity;
  box.append(el, cap);
  $("remote").append(box);
}

async function join(roomName, name) {
  const res = await fetch(`/dev/token?room=${encodeURIComponent(roomName)}&name=${encodeURIComponent(name)}`);
  if (!res.ok) { setStatus(`token: ${res.status} ${await res.text()}`); return; }
  const { url, token } = await res.json();
  const room = new Room({ adaptiveStream: false, dynacast: false });
  room.on(RoomEvent.TrackSubscribed, (track, _pub, participant) => {
    if (track.kind === Track.Kind.Video) addVideo(track, participant);
    else track.attach();
  });
  room.on(RoomEvent.TrackUnsubscribed, (track) => track.detach().forEach((el) => el.closest("figure")?.remove() ?? el.remove()));
  room.on(RoomEvent.Disconnected, (reason) => setStatus(`disconnected (${reason})`));
  const started = performance.now();
  await room.connect(url, token, { rtcConfig: { iceServers: [] } });
  window.zdk.connectedMs = performance.now() - started;
  setStatus(`connected as ${name}`);
  await room.localParticipant.enableCameraAndMicrophone();
  const local = room.localParticipant.getTrackPublication(Track.Source.Camera)?.track;
  if (local) $("local").append(local.attach());
  window.zdk.room = room;
}

// stats returns, per remote video track, the frames decoded so far.
async function stats() {
  const out = {};
  const room = window.zdk.room;
  if (!room) return out;
  for (const p of room.remoteParticipants.values()) {
    for (const pub of p.videoTrackPublications.values()) {
      if (!pub.track) continue;
      const report = await pub.track.getRTCStatsReport();
      report?.forEach((s) => { if (s.type === "inbound-rtp") out[p.identity] = { framesDecoded: s.framesDecoded || 0, width: s.frameWidth || 0 }; });
    }
  }
  return out;
}

window.zdk = { join, stats, room: null, connectedMs: 0 };

$("join-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  join($("room").value, $("name").value).catch((e) => setStatus(`error: ${e.message}`));
});
// The real room page in dev mode: same room and name, token from /dev/token.
$("open-room").addEventListener("click", () => {
  const q = new URLSearchParams({ dev: "1", room: $("room").value, name: $("name").value });
  if ($("role").value) q.set("role", $("role").value);
  location.href = `/room?${q}`;
});
const q = new URLSearchParams(location.search);
if (q.get("room")) $("room").value = q.get("room");
if (q.get("name")) $("name").value = q.get("name");
if (q.get("autojoin") === "1") join($("room").value, $("name").value).catch((e) => setStatus(`error: ${e.message}`));
