// A 1:1 consultation through the real domain flow, on phones: 山田 花子 and
// 渡辺 大輔 (the demo's consultation booked for now) sign in, each in their own
// browser at 360 px, open the consultation's room from its id, and see and
// hear each other; nobody else gets in.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchIsolated, apiLogin, apiCall, screenshot, watchCSP } from "./harness.mjs";
import { watch, waitInCall, videoFlows, audioPackets, WAIT } from "./room-lib.mjs";

let server, browsers;
const sink = { errors: [], logs: [] };
const csp = []; // Content-Security-Policy violations in any page
before(async () => { server = await startServer(); browsers = await launchIsolated(server.url); });
after(async () => { await browsers?.close(); await server?.stop(); });

function report(e) {
  console.error("console:\n" + sink.logs.slice(-80).join("\n") + "\nerrors:\n" + sink.errors.join("\n") + "\nserver:\n" + server.logs().slice(-6000));
  throw e;
}

async function person(email) {
  const ctx = await browsers.newContext({ width: 360, height: 780 });
  await watchCSP(ctx, csp);
  const page = await ctx.newPage();
  watch(page, email.split("@")[0], sink);
  const auth = await apiLogin(page, server.url, email);
  return { page, ...auth, id: auth.member.id };
}


test("a booked consultation: both people, on phones, see and hear each other in its room; a third person is refused", async () => {
  const hanako = await person("hanako@sakura.example");
  const daisuke = await person("daisuke@aozora.example");
  const { consultations } = await apiCall(hanako.page, hanako.csrf, "GET", "/consultations");
  const now = Date.now();
  const live = consultations.find((c) => c.status === "booked" && c.booked && Date.parse(c.booked.start) <= now &&
    now < Date.parse(c.booked.start) + c.booked.minutes * 60_000);
  assert.ok(live, "the demo data has no consultation under way for hanako");
  for (const p of [hanako, daisuke]) await p.page.goto(`${server.url}/room.html?consultation=${live.id}&autojoin=1`);
  for (const p of [hanako, daisuke]) await waitInCall(p.page, 1).catch(report);
  await videoFlows(hanako.page, daisuke.id, "hanako sees daisuke").catch(report);
  await videoFlows(daisuke.page, hanako.id, "daisuke sees hanako").catch(report);
  for (const [p, other, label] of [[hanako, daisuke, "hanako hears daisuke"], [daisuke, hanako, "daisuke hears hanako"]]) {
    const first = await audioPackets(p.page, other.id);
    await p.page.waitForTimeout(1000);
    const second = await audioPackets(p.page, other.id);
    assert.ok(second > first && first > 0, `${label}: audio packets ${first} → ${second}`);
  }
  await screenshot(hanako.page, "consultation-hanako");
  await screenshot(daisuke.page, "consultation-daisuke");

  // Someone else (another member, even of the same company) gets no token.
  const yoko = await person("yoko@minato.example");
  await yoko.page.goto(`${server.url}/room.html?consultation=${live.id}`);
  await yoko.page.waitForSelector("#ended-msg", { timeout: WAIT }).catch(report);
  assert.equal(await yoko.page.isVisible("#prejoin"), false, "a third person got to the device check");
  assert.equal(await hanako.page.evaluate(() => window.zdkRoom.room.remoteParticipants.size), 1, "someone else entered the pair's room");
  assert.deepEqual(sink.errors, []);
  assert.deepEqual(csp, [], "Content-Security-Policy violations");
});
