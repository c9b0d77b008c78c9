// Two Chromium pages with livekit-client (the dev room page) join one room
// through the embedded SFU and each decodes the other's video.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, screenshot } from "./harness.mjs";

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(server.url); });
after(async () => { await browser?.close(); await server?.stop(); });

async function framesFrom(page, who) {
  const s = await page.evaluate(() => window.zdk.stats());
  return s[who]?.framesDecoded ?? -1;
}

test("two pages see each other's video advance", async (t) => {
  const room = "e2e-" + Date.now();
  const a = await browser.ctx.newPage();
  const b = await browser.ctx.newPage();
  const errors = [];
  const logs = [];
  for (const p of [a, b]) {
    p.on("pageerror", (e) => errors.push(String(e)));
    p.on("console", (m) => logs.push(`${m.type()}: ${m.text()}`));
  }
  test.after?.(() => {});
  process.on("exit", () => { if (process.exitCode) console.error(logs.slice(-40).join("\n"), "\nserver:\n", server?.logs().slice(-3000)); });
  await a.goto(`${server.url}/dev?room=${room}&name=alice&autojoin=1`);
  await b.goto(`${server.url}/dev?room=${room}&name=bob&autojoin=1`);
  const whoOf = async (page) => page.evaluate(() => [...(window.zdk.room?.remoteParticipants.values() ?? [])].map((p) => p.identity)[0]);
  for (const [page, other] of [[a, "bob"], [b, "alice"]]) {
    await page.waitForFunction(() => window.zdk?.room?.remoteParticipants.size === 1, null, { timeout: 45_000 }).catch(async (e) => {
      console.error("status:", await page.textContent("#status"), "\nconsole:\n" + logs.slice(-30).join("\n"), "\nserver:\n" + server.logs().slice(-4000));
      throw e;
    });
    const id = await whoOf(page);
    assert.ok(id.startsWith(other), `${other} is not the remote participant (${id})`);
    // Polled from here: waitForFunction takes a returned Promise as truthy
    // at once, so an async predicate there never waits.
    let first = -1;
    for (const end = Date.now() + 45_000; first <= 0 && Date.now() < end;) {
      first = await framesFrom(page, id);
      if (first <= 0) await page.waitForTimeout(250);
    }
    let second = first;
    for (const end = Date.now() + 15_000; second <= first && Date.now() < end;) {
      await page.waitForTimeout(500);
      second = await framesFrom(page, id);
    }
    assert.ok(second > first, `${other}'s frames did not advance: ${first} → ${second}`);
  }
  for (const [name, page] of [["alice", a], ["bob", b]]) {
    t.diagnostic(`${name}: room.connect took ${Math.round(await page.evaluate(() => window.zdk.connectedMs))} ms`);
  }
  // livekit-client's default is one peer connection on /rtc/v1: both pages
  // must have joined that way, not through the /rtc fallback.
  const joins = server.logs().split("\n").filter((l) => l.includes("participant joined"));
  for (const name of ["alice", "bob"]) {
    const line = joins.find((l) => l.includes(`name=${name}`) || l.includes(name));
    assert.ok(line?.includes("single_pc=true"), `${name} did not join with a single peer connection: ${line}`);
  }
  await screenshot(a, "media-two-pages-alice");
  await screenshot(b, "media-two-pages-bob");
  assert.deepEqual(errors, []);
});
