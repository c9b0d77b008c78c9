// Measures, in headless Chromium with livekit-client, how long room.connect
// takes and how long from opening the page to the first remote video frame
// decoded, over N rounds (two pages per round, a fresh room each time).
// Not a test: run it inside the test namespace, e.g.
//   ZADANKAI_BIN=bin/zadankai node web/e2e/measure-connect.mjs 10
// (scripts/e2e.sh shows how the namespace is made; docs/benchmarks.md
// has the full command line).
import { startServer, launchBrowser } from "./harness.mjs";

const rounds = Number(process.argv[2] || 10);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

const server = await startServer();
const browser = await launchBrowser(server.url);
const connect = [], firstFrame = [];
try {
  for (let i = 0; i < rounds; i++) {
    const room = `measure-${Date.now()}-${i}`;
    const b = await browser.ctx.newPage();
    await b.goto(`${server.url}/dev?room=${room}&name=b${i}&autojoin=1`);
    await b.waitForFunction(() => window.zdk?.room?.localParticipant?.videoTrackPublications.size > 0, null, { timeout: 45_000 });
    const a = await browser.ctx.newPage();
    const opened = Date.now();
    await a.goto(`${server.url}/dev?room=${room}&name=a${i}&autojoin=1`);
    // Polled here: waitForFunction takes an async predicate's Promise as
    // true at once.
    for (const end = Date.now() + 45_000; Date.now() < end;) {
      if (await a.evaluate(async () => Object.values(await window.zdk?.stats?.() ?? {}).some((s) => s.framesDecoded > 0))) break;
      await a.waitForTimeout(20);
    }
    firstFrame.push(Date.now() - opened);
    await a.waitForFunction(() => window.zdk.connectedMs > 0, null, { timeout: 10_000 });
    connect.push(await a.evaluate(() => window.zdk.connectedMs));
    await a.close();
    await b.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
const round = (xs) => xs.map((x) => Math.round(x));
console.log(JSON.stringify({ rounds, connect_ms: round(connect), connect_median_ms: Math.round(median(connect)),
  first_frame_ms: round(firstFrame), first_frame_median_ms: Math.round(median(firstFrame)) }));
