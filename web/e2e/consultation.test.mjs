// A 1:1 consultation through the real domain flow, on phones: 山田 花子 and
// 渡辺 大輔 (the demo's consultation booked for now) sign in, each in their own
// browser on a phone (360 px, touch), open the consultation's room from its
// id, and see and hear each other; nobody else gets in. The 1:1 room has
// no roundtable controls, and "they didn't come" is never offered about
// someone who came or after one's own feedback.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchIsolated, apiLogin, apiCall, screenshot, watchCSP } from "./harness.mjs";
import { watch, consultationCall, WAIT } from "./room-lib.mjs";

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
  const ctx = await browsers.browser.newContext({ viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true });
  await watchCSP(ctx, csp);
  const page = await ctx.newPage();
  watch(page, email.split("@")[0], sink);
  const auth = await apiLogin(page, server.url, email);
  return { page, ...auth, id: auth.member.id };
}


test("a booked consultation: both people, on phones, see and hear each other in its room; a third person is refused", async () => {
  const hanako = await person("hanako@sakura.example");
  const daisuke = await person("daisuke@aozora.example");
  const live = await consultationCall(server.url, hanako, daisuke).catch(report);
  await screenshot(hanako.page, "consultation-hanako");
  await screenshot(daisuke.page, "consultation-daisuke");

  // Someone else (another member, even of the same company) gets no token.
  const yoko = await person("yoko@minato.example");
  await yoko.page.goto(`${server.url}/room.html?consultation=${live.id}`);
  await yoko.page.waitForSelector("#ended-msg", { timeout: WAIT }).catch(report);
  assert.equal(await yoko.page.isVisible("#prejoin"), false, "a third person got to the device check");
  assert.equal(await hanako.page.evaluate(() => window.zdkRoom.room.remoteParticipants.size), 1, "someone else entered the pair's room");

  // A phone in a 1:1: no hand to raise, no screen to share, no hand queue.
  for (const p of [hanako, daisuke]) {
    assert.equal(await p.page.locator("#btn-hand").count(), 0, "a 1:1 room offers raising a hand");
    assert.equal(await p.page.locator("#btn-share").count(), 0, "a phone offers screen sharing");
  }
  await hanako.page.click("#btn-people");
  await hanako.page.waitForSelector("#people-panel:not([hidden]) .people-list", { timeout: WAIT });
  assert.doesNotMatch(await hanako.page.textContent("#people-panel"), /挙手/);
  await hanako.page.click("#btn-people");

  // While both are in the call, "they didn't come" is not offered; it is
  // for yesterday's talk until she gives feedback on it.
  const list = await hanako.page.context().newPage();
  const noShow = (id) => list.locator(`article[data-id="${id}"] button`, { hasText: /お相手が来なかった|They didn't come/ });
  const { consultations } = await apiCall(hanako.page, hanako.csrf, "GET", "/consultations");
  const yesterday = consultations.find((c) => c.booked && Date.parse(c.booked.start) + c.booked.minutes * 60_000 < Date.now());
  assert.ok(yesterday, "the demo data has no consultation that has ended");
  await list.goto(`${server.url}/consultations`);
  await list.waitForSelector(`article[data-id="${live.id}"]`, { timeout: WAIT }).catch(report);
  assert.equal(await noShow(live.id).count(), 0, "'didn't come' offered about someone in the call");
  assert.equal(await noShow(yesterday.id).count(), 1, "'didn't come' is not offered for an ended talk without feedback");
  await apiCall(list, hanako.csrf, "POST", `/consultations/${yesterday.id}/feedback`, { rating: 5, tags: ["helpful"], text: "", would_meet_again: true });
  await list.reload();
  await list.waitForSelector(`article[data-id="${yesterday.id}"]`, { timeout: WAIT }).catch(report);
  assert.equal(await noShow(yesterday.id).count(), 0, "'didn't come' offered after a 5-star review");
  await list.close();

  // He leaves: her page says so by name, not "nobody here yet".
  await daisuke.page.click("#btn-leave");
  await hanako.page.waitForSelector("#alone:not([hidden])", { timeout: WAIT }).catch(report);
  const alone = await hanako.page.textContent("#alone");
  assert.match(alone, /渡辺 大輔さんは退出しました/);
  assert.doesNotMatch(alone, /まだ誰もいません/);
  await screenshot(hanako.page, "consultation-hanako-alone-after");

  // Her end screen leads to feedback; the talk is still booked, so the list says from when.
  await hanako.page.click("#btn-leave");
  await hanako.page.waitForSelector("#feedback-link", { timeout: WAIT }).catch(report);
  await screenshot(hanako.page, "consultation-hanako-ended");
  await hanako.page.click("#feedback-link");
  await hanako.page.waitForSelector(`article[data-id="${live.id}"] .feedback-later`, { timeout: WAIT }).catch(report);
  assert.match(await hanako.page.textContent(`article[data-id="${live.id}"] .feedback-later`), /予定の終了時刻（\d\d:\d\d）を過ぎると/);
  await screenshot(hanako.page, "consultation-feedback-later");
  assert.deepEqual(sink.errors, []);
  assert.deepEqual(csp, [], "Content-Security-Policy violations");
});
