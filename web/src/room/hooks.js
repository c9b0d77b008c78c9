// What browser tests and the measuring script read: the room, decoded
// frame counts per remote participant, the layout on screen and when the
// first remote video frame was painted (ms since the page opened).
import { Track } from "livekit-client";

export const state = { firstFrameMs: 0, firstTrackMs: 0, devicesMs: 0, connectStartMs: 0 };

// watchFirstFrame records the first painted frame of a remote video.
export function watchFirstFrame(video) {
  if (state.firstFrameMs || !video.requestVideoFrameCallback) return;
  state.firstTrackMs ||= performance.now();
  video.requestVideoFrameCallback(() => { state.firstFrameMs ||= performance.now(); });
}

async function stats(room) {
  const out = {};
  for (const p of room.remoteParticipants.values()) {
    const pub = p.getTrackPublication(Track.Source.Camera);
    if (!pub?.track) continue;
    const report = await pub.track.getRTCStatsReport();
    report?.forEach((s) => {
      if (s.type !== "inbound-rtp" || s.kind === "audio") return;
      const prev = out[p.identity]?.framesDecoded || 0;
      out[p.identity] = { framesDecoded: prev + (s.framesDecoded || 0), width: Math.max(out[p.identity]?.width || 0, s.frameWidth || 0) };
    });
  }
  return out;
}

export function hooks(call) {
  window.zdkRoom = {
    call, state,
    get room() { return call.room; }, // a new one after each move between breakout groups
    stats: () => stats(call.room),
    layout: () => ({ mode: call.stage.box.dataset.layout, main: call.stage.main?.dataset.identity || "" }),
    identity: () => call.room.localParticipant.identity,
  };
}
