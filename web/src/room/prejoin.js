// Pre-join device check: choose camera and microphone, see yourself, watch
// the microphone level, choose camera off or audio only, and get a clear
// message when permission is denied or a device is missing. The tracks
// made here are the ones published on joining (no second camera start).
import { createLocalAudioTrack, createLocalVideoTrack, createAudioAnalyser, Room, VideoPresets } from "livekit-client";
import { el, $, icon } from "./ui.js";
import { t } from "./messages.js";

export const videoCapture = { resolution: VideoPresets.h540.resolution };

// problemKey names what went wrong with getUserMedia, for a message.
function problemKey(err) {
  switch (err?.name) {
    case "NotAllowedError": case "SecurityError": return "perm_denied";
    case "NotFoundError": case "OverconstrainedError": case "DevicesNotFoundError": return "missing";
    case "NotReadableError": case "AbortError": return "device_busy";
    default: return "device_error";
  }
}

// openDevices starts microphone and camera separately, so one missing
// device does not cost the other, and says what failed.
async function openDevices(micId, camId) {
  const out = { audio: null, video: null, problems: {} };
  const [a, v] = await Promise.allSettled([
    micId === "none" ? null : createLocalAudioTrack(micId ? { deviceId: { exact: micId } } : {}),
    camId === "none" ? null : createLocalVideoTrack({ ...videoCapture, ...(camId ? { deviceId: { exact: camId } } : {}) }),
  ]);
  if (a.status === "fulfilled") out.audio = a.value; else out.problems.audio = problemKey(a.reason);
  if (v.status === "fulfilled") out.video = v.value; else out.problems.video = problemKey(v.reason);
  return out;
}

function problemText(p) {
  const { audio, video } = p;
  if (audio === "perm_denied" || video === "perm_denied") return t("perm_denied");
  if (audio === "missing" && video === "missing") return t("no_devices");
  if (video === "missing") return t("no_camera");
  if (audio === "missing") return t("no_mic");
  if (audio || video) return t(audio === "device_busy" || video === "device_busy" ? "device_busy" : "device_error");
  return "";
}

function deviceSelect(id, label, devices, current) {
  const opts = devices.map((d, i) => el("option", { value: d.deviceId, selected: d.deviceId === current }, d.label || `${label} ${i + 1}`));
  opts.push(el("option", { value: "none", selected: current === "none" }, t("no_device_option")));
  return el("label", { for: id }, el("span", {}, label), el("select", { id }, opts));
}

// meter animates the level bar from the microphone until stopped.
function meter(track, bar) {
  if (!track) { bar.value = 0; return () => {}; }
  const an = createAudioAnalyser(track, { cloneTrack: true });
  let raf = 0;
  const tick = () => { bar.value = Math.min(1, an.calculateVolume() * 2.5); raf = requestAnimationFrame(tick); };
  tick();
  return () => { cancelAnimationFrame(raf); an.cleanup(); };
}

// buildForm lays out the device check and returns its parts.
function buildForm() {
  const ui = {
    status: el("p", { class: "status", role: "status", "aria-live": "polite" }, t("checking_devices")),
    problem: el("p", { role: "alert", class: "prejoin-problem" }),
    video: el("video", { class: "preview mirror", muted: true, playsinline: true, autoplay: true, "aria-label": t("preview") }),
    off: el("p", { class: "preview-off" }, icon("camera"), t("preview_off")),
    level: el("meter", { id: "mic-level", min: 0, max: 1, low: 0.05, high: 0.95, optimum: 0.5, value: 0 }),
    selects: el("div", { class: "device-selects" }),
    camOff: el("input", { type: "checkbox", id: "cam-off" }),
    audioOnly: el("input", { type: "checkbox", id: "audio-only" }),
    joinBtn: el("button", { type: "submit", id: "join-btn", disabled: true }, t("join")),
    retry: el("button", { type: "button", class: "secondary", hidden: true }, t("retry_devices")),
  };
  ui.form = el("form", { class: "prejoin-form" },
    el("div", { class: "preview-box" }, ui.video, ui.off),
    el("div", { class: "prejoin-side" },
      ui.selects,
      el("label", { for: "mic-level" }, el("span", {}, t("mic_level"))), ui.level, el("p", { class: "hint" }, t("mic_level_hint")),
      el("p", { class: "check" }, ui.camOff, el("label", { for: "cam-off" }, t("join_camera_off"))),
      el("p", { class: "check" }, ui.audioOnly, el("label", { for: "audio-only" }, t("join_audio_only"))),
      ui.problem, ui.status, el("div", { class: "row" }, ui.joinBtn, ui.retry)));
  $("prejoin").replaceChildren(el("h2", {}, t("prejoin_title")), el("p", { class: "lead" }, t("prejoin_lead")), ui.form);
  return ui;
}

// prejoin renders the device check and resolves when the person joins,
// with {audio, video, cameraOff, audioOnly}. auto skips the click (tests,
// measurements) once devices are open.
export async function prejoin({ auto }) {
  const ui = buildForm();
  let picked = { mic: "", cam: "" };
  let tracks = { audio: null, video: null, problems: {} };
  let stopMeter = () => {};
  const showPreview = () => {
    const on = tracks.video && !ui.camOff.checked && !ui.audioOnly.checked;
    ui.video.hidden = !on; ui.off.hidden = on;
    if (on) tracks.video.attach(ui.video); else tracks.video?.detach(ui.video);
  };
  const open = async () => {
    stopMeter();
    for (const tr of [tracks.audio, tracks.video]) tr?.stop();
    ui.joinBtn.disabled = true;
    ui.status.textContent = t("checking_devices");
    tracks = await openDevices(picked.mic, picked.cam);
    ui.problem.textContent = problemText(tracks.problems);
    ui.retry.hidden = !Object.keys(tracks.problems).length;
    const [mics, cams] = await Promise.all([Room.getLocalDevices("audioinput", false), Room.getLocalDevices("videoinput", false)]).catch(() => [[], []]);
    picked.mic = tracks.audio ? (tracks.audio.mediaStreamTrack.getSettings().deviceId || picked.mic) : picked.mic || "none";
    picked.cam = tracks.video ? (tracks.video.mediaStreamTrack.getSettings().deviceId || picked.cam) : picked.cam || "none";
    ui.selects.replaceChildren(deviceSelect("cam-select", t("camera"), cams.filter((d) => d.deviceId), picked.cam),
      deviceSelect("mic-select", t("microphone"), mics.filter((d) => d.deviceId), picked.mic));
    $("cam-select").addEventListener("change", (e) => { picked.cam = e.target.value; open(); });
    $("mic-select").addEventListener("change", (e) => { picked.mic = e.target.value; open(); });
    stopMeter = meter(tracks.audio, ui.level);
    showPreview();
    ui.status.textContent = "";
    ui.joinBtn.disabled = false;
  };
  ui.camOff.addEventListener("change", showPreview);
  ui.audioOnly.addEventListener("change", () => { if (ui.audioOnly.checked) ui.camOff.checked = true; showPreview(); });
  ui.retry.addEventListener("click", () => { picked = { mic: "", cam: "" }; open(); });
  await open();
  await new Promise((resolve) => {
    ui.form.addEventListener("submit", (e) => { e.preventDefault(); resolve(); });
    if (auto) resolve();
  });
  stopMeter();
  ui.joinBtn.disabled = true;
  ui.status.textContent = t("joining");
  return { audio: tracks.audio, video: tracks.video, cameraOff: ui.camOff.checked || ui.audioOnly.checked, audioOnly: ui.audioOnly.checked,
    devices: { ...picked } };
}
