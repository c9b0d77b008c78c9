// Measures page open → first remote video frame painted on the room page,
// ten times, in headless Chromium against the embedded SFU. The device
// check is already passed (autojoin=1 opens the fake camera and microphone
// and joins without a click). Not a test: it prints figures for
// docs/benchmarks.md. Run: ./scripts/e2e.sh measure-first-frame.mjs
import { test, before, after } from "node:test";
import { startServer, launchBrowser } from "./harness.mjs";
import { devRoomURL, waitInCall } from "./room-lib.mjs";

const RUNS = Number(process.env.RUNS || 10);
let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(server.url); });
after(async () => { await browser?.close(); await server?.stop(); });

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
