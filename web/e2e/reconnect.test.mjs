// Network loss: one page goes offline (Chrome's network emulation for that
// page only), shows the reconnecting banner, and when the network comes
// back it resumes by itself — no reload — and the other's video flows again.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, screenshot } from "./harness.mjs";
import { openPair, waitInCall, identity, videoFlows, WAIT } from "./room-lib.mjs";

let server, browser;
const sink = { errors: [], logs: [] };
before(async () => { server = await startServer(); browser = await launchBrowser(server.url); });
after(async () => { await browser?.close(); await server?.stop(); });

function report(e) {
  console.error("console:\n" + sink.logs.slice(-80).join("\n") + "\nerrors:\n" + sink.errors.join("\n") + "\nserver:\n" + server.logs().slice(-6000));
  throw e;
}

test("a page that loses the network shows reconnecting, then resumes and video flows again without a reload", async (t) => {
  const { a, b, ida } = await openPair(browser, server.url, sink, "e2e-cut-", ["ann", "ben"], report);
  await videoFlows(b, ida, "ben sees ann").catch(report);
  await b.evaluate(() => { window.sameDocument = true; });
  const sidBefore = await b.evaluate(() => window.zdkRoom.room.localParticipant.sid);

  const cdp = await b.context().newCDPSession(b);
  await cdp.send("Network.enable");
  const offline = (on) => cdp.send("Network.emulateNetworkConditions", { offline: on, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await offline(true);
  await b.waitForFunction(() => document.body.dataset.conn === "reconnecting" && !document.getElementById("banner").hidden, null, { timeout: WAIT }).catch(report);
  await screenshot(b, "room-reconnect-banner");
  await b.waitForTimeout(3000);
  await offline(false);
  await b.waitForFunction(() => document.body.dataset.conn === "connected" && document.getElementById("banner").hidden, null, { timeout: WAIT }).catch(report);
  assert.equal(await b.evaluate(() => window.sameDocument), true, "the page reloaded");
  await waitInCall(b, 1).catch(report);
  const after = await identity(a);
  await videoFlows(b, after, "ben sees ann after the cut").catch(report);
  await videoFlows(a, await identity(b), "ann sees ben after the cut").catch(report);
  const sidAfter = await b.evaluate(() => window.zdkRoom.room.localParticipant.sid);
  // The media plane keeps a session whose signal dropped: livekit-client
  // resumes it (same participant sid) instead of rejoining as someone new.
  assert.equal(sidAfter, sidBefore, `the page rejoined as a new participant (${sidBefore} → ${sidAfter}) instead of resuming`);
  t.diagnostic("the session was resumed (same participant sid)");
  await screenshot(b, "room-reconnect-resumed");
  assert.deepEqual(sink.errors, []);
});
