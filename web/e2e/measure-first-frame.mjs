// Measures page open → first remote video frame painted on the room page,
// ten times, in headless Chromium against the embedded SFU, or with
// MEDIA=livekit against a two-node LiveKit cluster behind a load balancer
// (livekit.mjs). The device check is already passed (autojoin=1 opens the
// fake camera and microphone and joins without a click). Not a test: it
// prints figures for docs/benchmarks.md. Run: ./scripts/e2e.sh
// measure-first-frame.mjs (MEDIA=livekit ./scripts/e2e.sh …).
import { test, before, after } from "node:test";
import { startServer, launchBrowser } from "./harness.mjs";
import { devRoomURL, waitInCall } from "./room-lib.mjs";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { binaries, nodePorts, startBalancer, startCluster, key, secret } from "./livekit.mjs";

const RUNS = Number(process.env.RUNS || 10);
let server, browser, balancer, cluster;
before(async () => {
  if (process.env.MEDIA !== "livekit") server = await startServer();
  else ({ server, balancer, cluster } = await onLiveKit());
  browser = await launchBrowser(server.url);
});
after(async () => { await browser?.close(); await server?.stop(); await balancer?.stop(); await cluster?.stop(); });

// onLiveKit starts the server with media.url at a balancer in front of a
// LiveKit cluster that also accepts the dev mode's key (dev tokens).
async function onLiveKit() {
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

test(`page open → first remote frame, ${RUNS} runs`, async (t) => {
  const room = "measure-" + Date.now();
  const host = await browser.ctx.newPage(); // already in the room, publishing
  await host.goto(devRoomURL(server.url, room, "host"));
  await host.waitForFunction(() => document.body.dataset.screen === "call" && window.zdkRoom?.room.localParticipant.videoTrackPublications.size > 0, null, { timeout: 45_000 });
  const rows = [];
  for (let i = 0; i < RUNS; i++) {
    const page = await browser.ctx.newPage();
    // When the subscriber peer connection reaches "connected" (SDK internals,
    // read only here to split the time; the page does not depend on them).
    await page.addInitScript(() => {
      const iv = setInterval(() => {
        const sub = window.zdkRoom?.room.engine?.pcManager?.subscriber;
        if (sub?.getConnectionState?.() === "connected") { window.subConnectedMs = performance.now(); clearInterval(iv); }
      }, 5);
    });
    await page.goto(devRoomURL(server.url, room, `guest${i}`));
    await waitInCall(page, 1);
    await page.waitForFunction(() => window.zdkRoom.state.firstFrameMs > 0, null, { timeout: 45_000, polling: 20 });
    const r = await page.evaluate(() => {
      const nav = performance.getEntriesByType("navigation")[0];
      const s = window.zdkRoom.state;
      return { frame: s.firstFrameMs, connect: window.zdkRoom.call.connectedMs, loaded: nav.domContentLoadedEventEnd, devices: s.devicesMs,
        connectStart: s.connectStartMs, track: s.firstTrackMs, sub: window.subConnectedMs || 0 };
    });
    rows.push(r);
    t.diagnostic(`run ${i + 1}: first frame ${r.frame.toFixed(0)} ms (page loaded ${r.loaded.toFixed(0)}, devices open ${r.devices.toFixed(0)}, `
      + `connect ${r.connectStart.toFixed(0)}→${(r.connectStart + r.connect).toFixed(0)}, remote track ${r.track.toFixed(0)}, subscriber PC connected ${r.sub.toFixed(0)} ms)`);
    await page.close();
    await new Promise((res) => setTimeout(res, 500)); // let the SFU tidy up the departed guest
  }
  const f = rows.map((r) => r.frame);
  t.diagnostic(`median first frame ${median(f).toFixed(0)} ms; min ${Math.min(...f).toFixed(0)}, max ${Math.max(...f).toFixed(0)}; medians: devices open ${median(rows.map((r) => r.devices)).toFixed(0)}, `
    + `room.connect ${median(rows.map((r) => r.connect)).toFixed(0)} ms long, remote track ${median(rows.map((r) => r.track)).toFixed(0)}, subscriber PC connected ${median(rows.map((r) => r.sub)).toFixed(0)} ms`);
});
