// Measures page open → first remote video frame painted on the room page
// in headless Chromium, RUNS times (default 10). The device check is
// already passed (autojoin=1 opens the fake camera and microphone and
// joins without a click). With ZADANKAI_LIVEKIT_SERVER naming LiveKit's
// server binary it measures LiveKit too, in the same sitting: a second
// zadankai whose media plane (media.url) is that LiveKit; with
// MEDIA=livekit it measures a two-node LiveKit cluster behind a load
// balancer too (livekit.mjs). The servers are taken in turns of five
// guests, the order flipping each time. Not a test: it prints figures for
// docs/benchmarks.md. Run:
// [ZADANKAI_LIVEKIT_SERVER=$(go env GOPATH)/bin/server] [MEDIA=livekit] ./scripts/e2e.sh measure-first-frame.mjs
import { test, before, after } from "node:test";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { startServer, launchBrowser, ip } from "./harness.mjs";
import { devRoomURL, waitInCall } from "./room-lib.mjs";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { binaries, nodePorts, startBalancer, startCluster, key, secret } from "./livekit.mjs";

const RUNS = Number(process.env.RUNS || 10);
const TURN = 5; // guests per turn of one server
const livekitBin = process.env.ZADANKAI_LIVEKIT_SERVER;
const servers = [];
let browser, livekit, balancer, cluster;

const freePort = () => new Promise((resolve, reject) => {
  const s = createServer().once("error", reject).listen(0, ip, () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

// startLiveKit runs LiveKit's server on the namespace address with the dev
// key (it logs that the secret is short, and runs) and resolves to its URL.
async function startLiveKit() {
  const [port, rtc] = [await freePort(), await freePort()];
  const cfg = `port: ${port}\nbind_addresses: ["${ip}"]\nrtc: {udp_port: ${rtc}, tcp_port: 0, use_external_ip: false, node_ip: "${ip}", ips: {includes: ["${ip}/32"]}}\n`
    + "keys: {devkey: secret}\nlogging: {level: warn}\n";
  const proc = spawn(livekitBin, ["--config-body", cfg], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  proc.stderr.on("data", (d) => { log += d; });
  const url = `http://${ip}:${port}`;
  for (let i = 0; i < 300; i++) {
    if (proc.exitCode !== null) throw new Error("LiveKit exited:\n" + log);
    try { await fetch(url); return { url: `ws://${ip}:${port}`, stop: () => proc.kill("SIGTERM") }; } catch { await new Promise((r) => setTimeout(r, 100)); }
  }
  throw new Error("LiveKit did not listen in 30 s:\n" + log);
}

before(async () => {
  servers.push({ name: "zadankai", srv: await startServer(), frames: [] });
  if (livekitBin) {
    livekit = await startLiveKit();
    process.env.ZADANKAI_MEDIA_URL = livekit.url; // read by the second server only
    servers.push({ name: "LiveKit", srv: await startServer(), frames: [] });
    delete process.env.ZADANKAI_MEDIA_URL;
  }
  if (process.env.MEDIA === "livekit") {
    let srv;
    ({ server: srv, balancer, cluster } = await onLiveKitCluster());
    servers.push({ name: "LiveKit cluster", srv, frames: [] });
  }
  // Every server's pages need the camera: each origin counts as secure.
  browser = await launchBrowser(servers.map((s) => s.srv.url).join(","));
});
after(async () => {
  await browser?.close();
  for (const s of servers) await s.srv.stop();
  livekit?.stop();
  await balancer?.stop();
  await cluster?.stop();
});

// onLiveKitCluster starts a server with media.url at a balancer in front
// of a LiveKit cluster that also accepts the dev mode's key (dev tokens).
async function onLiveKitCluster() {
  const bins = binaries();
  if (bins.missing) throw new Error(bins.missing);
  const ports = [await nodePorts(), await nodePorts()];
  const balancer = await startBalancer(ports);
  const config = join(mkdtempSync(join(tmpdir(), "zdk-measure-")), "zadankai.yaml");
  writeFileSync(config, `media:\n  url: ${balancer.url}\n  api_key: ${key}\n  webhook: /livekit/webhook\n`);
  const server = await startServer(["--config", config, "--keys", `${key}: ${secret}`]);
  const cluster = await startCluster(bins, ports, server.url + "/livekit/webhook", { devkey: "secret" });
  return { server, balancer, cluster };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

// guest opens one new page in room on server s, waits for its first
// remote frame and returns the page's timings.
async function guest(s, room, name) {
  const page = await browser.ctx.newPage();
  await page.goto(devRoomURL(s.srv.url, room, name));
  await waitInCall(page, 1);
  await page.waitForFunction(() => window.zdkRoom.state.firstFrameMs > 0, null, { timeout: 45_000, polling: 20 });
  const r = await page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0];
    const st = window.zdkRoom.state;
    return { frame: st.firstFrameMs, connect: window.zdkRoom.call.connectedMs, loaded: nav.domContentLoadedEventEnd, devices: st.devicesMs,
      connectStart: st.connectStartMs, track: st.firstTrackMs };
  });
  await page.close();
  return r;
}

// turn opens a publishing host page on server s and n guests one after
// another (each closed after its first frame).
async function turn(t, s, n) {
  const room = "measure-" + Date.now();
  const host = await browser.ctx.newPage();
  await host.goto(devRoomURL(s.srv.url, room, "host"));
  await host.waitForFunction(() => document.body.dataset.screen === "call" && window.zdkRoom?.room.localParticipant.videoTrackPublications.size > 0, null, { timeout: 45_000 });
  for (let i = 0; i < n; i++) {
    const r = await guest(s, room, `guest${i}`);
    s.frames.push(r);
    t.diagnostic(`${s.name} run ${s.frames.length}: first frame ${r.frame.toFixed(0)} ms (page loaded ${r.loaded.toFixed(0)}, devices open ${r.devices.toFixed(0)}, `
      + `connect ${r.connectStart.toFixed(0)}→${(r.connectStart + r.connect).toFixed(0)}, remote track ${r.track.toFixed(0)} ms)`);
    await new Promise((res) => setTimeout(res, 500)); // let the media plane tidy up the departed guest
  }
  await host.close();
}

test(`page open → first remote frame, ${RUNS} runs${servers.length > 1 ? " on each media plane" : ""}`, async (t) => {
  for (let done = 0, k = 0; done < RUNS; done += TURN, k++) {
    const order = k % 2 ? [...servers].reverse() : servers;
    for (const s of order) await turn(t, s, Math.min(TURN, RUNS - done));
  }
  for (const s of servers) {
    const f = s.frames.map((r) => r.frame);
    t.diagnostic(`${s.name}: median first frame ${median(f).toFixed(0)} ms; min ${Math.min(...f).toFixed(0)}, max ${Math.max(...f).toFixed(0)}; medians: devices open ${median(s.frames.map((r) => r.devices)).toFixed(0)}, `
      + `room.connect ${median(s.frames.map((r) => r.connect)).toFixed(0)} ms long, remote track ${median(s.frames.map((r) => r.track)).toFixed(0)} ms`);
    // The media plane's own part: the subscription is negotiated, then a
    // keyframe is asked for, made and forwarded.
    const own = s.frames.map((r) => r.frame - r.track);
    t.diagnostic(`${s.name}: remote track → first frame median ${median(own).toFixed(0)} ms; min ${Math.min(...own).toFixed(0)}, max ${Math.max(...own).toFixed(0)}`);
  }
});
