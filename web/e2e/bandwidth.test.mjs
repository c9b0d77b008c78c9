// Congestion control with Chromium as the subscriber: the server's media
// to both pages is squeezed through a token bucket on the namespace's
// loopback (tc, only UDP from the SFU's port), so the SFU's estimate from
// Chromium's transport-wide feedback falls below any video layer. Both
// pages must then show the other's video as paused for bandwidth (not
// frozen) while the audio keeps arriving, and get the video back once
// the link is clear.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { startServer, launchBrowser, screenshot } from "./harness.mjs";
import { openPair, videoFlows, audioPackets, WAIT } from "./room-lib.mjs";

const udpPort = "17882";
let server, browser;
const sink = { errors: [], logs: [] };
const tc = (...args) => execFileSync("tc", args, { stdio: "pipe" });
const unshape = () => { try { tc("qdisc", "del", "dev", "lo", "root"); } catch { /* none */ } };

before(async () => { server = await startServer(["--udp-port", udpPort]); browser = await launchBrowser(server.url); });
after(async () => { unshape(); await browser?.close(); await server?.stop(); });

function report(e) {
  console.error("console:\n" + sink.logs.slice(-60).join("\n") + "\nerrors:\n" + sink.errors.join("\n") + "\nserver:\n" + server.logs().slice(-5000));
  throw e;
}

// shape sends UDP from the SFU's port through a 200 kbit/s HTB class
// (both pages' audio, ≈ 56 kbit/s each on the wire, fits; no video layer
// beside it does) with about 120 ms of queue (3000 bytes); everything else (pages,
// signalling, the browsers' uploads) passes unshaped. (This kernel has
// htb and u32, not prio or netem.)
function shape() {
  tc("qdisc", "add", "dev", "lo", "root", "handle", "1:", "htb", "default", "10");
  tc("class", "add", "dev", "lo", "parent", "1:", "classid", "1:10", "htb", "rate", "10gbit");
  tc("class", "add", "dev", "lo", "parent", "1:", "classid", "1:20", "htb", "rate", "200kbit", "ceil", "200kbit");
  tc("qdisc", "add", "dev", "lo", "parent", "1:20", "handle", "20:", "bfifo", "limit", "3000");
  tc("filter", "add", "dev", "lo", "parent", "1:", "protocol", "ip", "prio", "1", "u32",
    "match", "ip", "protocol", "17", "0xff", "match", "ip", "sport", udpPort, "0xffff", "flowid", "1:20");
}

test("a link too slow for video: the other's video shows as paused, the audio goes on, and the video comes back", async () => {
  const { a, b, ida, idb } = await openPair(browser, server.url, sink, "e2e-bw-", ["alice", "bob"], report);
  await videoFlows(b, ida, "bob sees alice").catch(report);
  await videoFlows(a, idb, "alice sees bob").catch(report);

  shape();
  const paused = (id) => `.tile.no-video[data-identity="${id}"][data-source="camera"] .state.bw-paused`;
  await b.waitForSelector(paused(ida), { timeout: WAIT }).catch(report);
  await a.waitForSelector(paused(idb), { timeout: WAIT }).catch(report);
  await screenshot(b, "bandwidth-bob-sees-paused");
  const before = await audioPackets(b, ida);
  await b.waitForTimeout(3000);
  const during = await audioPackets(b, ida);
  console.log(`bob got ${during - before} of alice's audio packets in 3 s with her video paused`);
  // Opus sends 50 packets a second; most must still get through.
  assert.ok(during - before > 100, `bob got ${during - before} of alice's audio packets in 3 s with her video paused`);

  unshape();
  await b.waitForSelector(paused(ida), { state: "detached", timeout: WAIT }).catch(report);
  await videoFlows(b, ida, "bob sees alice again").catch(report);
  await videoFlows(a, idb, "alice sees bob again").catch(report);
  assert.deepEqual(sink.errors, []);
});
