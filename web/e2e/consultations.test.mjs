// The consultations and home pages as people use them, on phones, with the
// demo data: 山田 花子 asks 高橋 洋子 to move tomorrow's consultation; the
// booking stands (calendar file, one calm email) until 洋子 picks a new
// time, which moves it, or keeps the current one. A request's time that
// its sender has booked elsewhere since is marked with whose it is. Home
// shows a request waiting for her instead of "ask", names the themes two
// people share, and leads a new member to her profile. Screenshots at
// 360 and 1440 px, in Japanese and English.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchIsolated, apiLogin, apiCall, screenshot, switchLang, pageShots, watchCSP } from "./harness.mjs";
import { watch, until, WAIT } from "./room-lib.mjs";

let server, browsers;
const sink = { errors: [], logs: [] };
const csp = []; // Content-Security-Policy violations in any page
before(async () => { server = await startServer(); browsers = await launchIsolated(server.url); });
after(async () => { await browsers?.close(); await server?.stop(); });

function report(e) {
  console.error("console:\n" + sink.logs.slice(-60).join("\n") + "\nerrors:\n" + sink.errors.join("\n") + "\nserver:\n" + server.logs().slice(-4000));
  throw e;
}

async function person(email, viewport = { width: 360, height: 780 }) {
  const ctx = await browsers.browser.newContext({ viewport, isMobile: viewport.width < 500, hasTouch: viewport.width < 500 });
  await watchCSP(ctx, csp);
  const page = await ctx.newPage();
  watch(page, email.split("@")[0], sink);
  const auth = await apiLogin(page, server.url, email);
  return { page, ...auth, id: auth.member.id };
}

const card = (page, id) => page.locator(`article[data-id="${id}"]`);

async function waitStatus(page, re) {
  await page.waitForFunction((src) => new RegExp(src).test(document.getElementById("status").textContent), re.source, { timeout: WAIT });
}

// mailTo counts the dev outbox's messages to addr whose subject matches re.
async function mailTo(page, addr, re) {
  const html = await page.evaluate(async () => (await fetch("/dev/mail")).text());
  return [...html.matchAll(/<h2>([^<]*)<\/h2><p>To: ([^ <]*)/g)].filter((m) => m[2] === addr && re.test(m[1])).length;
}

test("home: a request waiting for her is shown instead of 'ask', and reasons name the shared themes", async () => {
  const hanako = await person("hanako@sakura.example");
  await hanako.page.goto(server.url + "/home");
  const emma = hanako.page.locator("article.peer", { has: hanako.page.locator("h3", { hasText: "Emma Wilson" }) });
  await emma.waitFor({ timeout: WAIT }).catch(report);
  assert.match(await emma.textContent(), /Emma Wilson さんから相談の申し込みが届いています/);
  assert.equal(await emma.getByRole("button", { name: "相談を申し込む" }).count(), 0, "'ask' offered to someone whose request waits");
  assert.match(await emma.getByRole("link", { name: "お返事する" }).getAttribute("href"), /^\/consultations\?id=cs_/);
  // 伊藤 美香 and she both care about balancing work and childcare.
  const mika = hanako.page.locator("article.peer", { has: hanako.page.locator("h3", { hasText: "伊藤 美香" }) });
  assert.match(await mika.locator(".reasons").textContent(), /共通の関心：仕事と育児の両立/);
  await switchLang(hanako.page);
  assert.match(await mika.locator(".reasons").textContent(), /Shared concerns: Balancing work and childcare/);
  await switchLang(hanako.page);
  await emma.getByRole("link", { name: "お返事する" }).click();
  await hanako.page.waitForFunction(() => document.activeElement?.matches("article.consultation"), null, { timeout: WAIT });
  assert.match(await hanako.page.evaluate(() => document.activeElement.textContent), /Emma Wilson/);
  await hanako.page.context().close();
});

test("a request's time its sender booked elsewhere since is marked with whose it is", async () => {
  const hanako = await person("hanako@sakura.example");
  const emma = await person("emma@minato.example");
  const mika = await person("mika@aozora.example");
  const { consultations } = await apiCall(hanako.page, hanako.csrf, "GET", "/consultations");
  const req = consultations.find((c) => c.status === "requested" && c.awaiting_me);
  assert.ok(req, "the demo has no request waiting for hanako");
  const taken = req.proposed[0];
  const other = await apiCall(emma.page, emma.csrf, "POST", "/consultations",
    { recipient_id: mika.id, note: "", mode: "online", slots: [{ start: taken.start, minutes: taken.minutes }] });
  await apiCall(mika.page, mika.csrf, "POST", `/consultations/${other.id}/accept`, { slot: 0 });
  await hanako.page.goto(`${server.url}/consultations`);
  const c = card(hanako.page, req.id);
  await c.waitFor({ timeout: WAIT }).catch(report);
  const first = c.locator("label.choice").first();
  assert.match(await first.textContent(), /Emma Wilson さんに別の予定が入りました/);
  assert.equal(await first.locator("input").isDisabled(), true, "a taken time can still be picked");
  assert.equal(await c.locator("label.choice").nth(1).locator("input").isDisabled(), false);
  await c.screenshot({ path: `${process.env.ZADANKAI_E2E_OUT || "."}/consultations-taken-time.png` });
  for (const p of [hanako, emma, mika]) await p.page.context().close();
});

test("new times for a booking: it stands until she picks one, which moves it; or she keeps it", async () => {
  const hanako = await person("hanako@sakura.example");
  const yoko = await person("yoko@minato.example");
  const { consultations } = await apiCall(hanako.page, hanako.csrf, "GET", "/consultations");
  const booked = consultations.find((c) => c.status === "booked" && c.peer.id === yoko.id && Date.parse(c.booked.start) > Date.now() + 3600_000);
  assert.ok(booked, "the demo has no consultation with yoko tomorrow");
  await hanako.page.goto(`${server.url}/consultations`);
  const mine = card(hanako.page, booked.id);
  await mine.waitFor({ timeout: WAIT }).catch(report);
  const before = await mine.locator(".when").first().textContent();
  await mine.getByRole("button", { name: "日程を変える" }).click();
  assert.match(await mine.locator("form.reschedule").textContent(), /高橋 洋子さんが新しい候補から選ぶまで、今の日時のままです/);
  await mine.locator('form.reschedule input[name="free"]').first().waitFor({ timeout: WAIT }).catch(report);
  await mine.locator('form.reschedule input[name="free"]').first().check();
  await mine.locator("form.reschedule textarea[name=note]").fill("子どもの行事が入ってしまいました。");
  await mine.getByRole("button", { name: "新しい候補を送る" }).click();
  await waitStatus(hanako.page, /お返事があるまで、今の日時のままです/).catch(report);
  const sent = card(hanako.page, booked.id);
  assert.equal(await sent.locator(".when").first().textContent(), before, "the booked time changed before she answered");
  assert.match(await sent.locator(".move-sent").textContent(), /高橋 洋子さんのお返事があるまで、今の日時のままです/);
  assert.match(await sent.locator(".badge").textContent(), /確定/);
  const ics = await hanako.page.evaluate(async (id) => (await fetch(`/api/v1/consultations/${id}/calendar.ics`)).status, booked.id);
  assert.equal(ics, 200, "the calendar file is gone while new times wait");
  assert.equal(await mailTo(hanako.page, "yoko@minato.example", /キャンセル/), 0, "yoko was told of a cancellation");
  assert.equal(await mailTo(hanako.page, "yoko@minato.example", /新しい日時の候補/), 1, "yoko did not get one email with the new times");
  await sent.scrollIntoViewIfNeeded();
  await screenshot(hanako.page, "consultations-move-sent");

  await yoko.page.goto(`${server.url}/consultations?id=${booked.id}`);
  const asked = yoko.page.locator(`.group-mine article[data-id="${booked.id}"]`);
  await asked.waitFor({ timeout: WAIT }).catch(report);
  assert.match(await asked.textContent(), /山田 花子さんから、この相談の新しい日時の候補が届きました/);
  assert.match(await asked.textContent(), /今の日時：/);
  assert.match(await asked.textContent(), /子どもの行事が入ってしまいました/);
  await screenshot(yoko.page, "consultations-move-asked");
  await asked.locator('input[name="slot"]').first().check();
  await asked.getByRole("button", { name: "この日時に変更する" }).click();
  await waitStatus(yoko.page, /日時を変更しました/).catch(report);
  const movedTo = await yoko.page.locator(`.group-upcoming article[data-id="${booked.id}"] .when`).first().textContent();
  assert.notEqual(movedTo, before, "the booking did not move");
  await until(async () => await mailTo(yoko.page, "hanako@sakura.example", /変わりました/) === 1, WAIT, "hanako's email that the time changed");

  // Again, and this time yoko keeps the (new) current time.
  const { slots } = await apiCall(hanako.page, hanako.csrf, "GET", `/members/${yoko.id}/free-slots?minutes=45`);
  await apiCall(hanako.page, hanako.csrf, "POST", `/consultations/${booked.id}/reschedule`, { slots: [slots[0]], note: "" }).catch(report);
  await yoko.page.reload();
  const again = yoko.page.locator(`.group-mine article[data-id="${booked.id}"]`);
  await again.getByRole("button", { name: "今の日時のままにする" }).click();
  await waitStatus(yoko.page, /今の日時のままにしました/).catch(report);
  assert.equal(await yoko.page.locator(`.group-upcoming article[data-id="${booked.id}"] .when`).first().textContent(), movedTo,
    "keeping the time moved it");
  await hanako.page.reload();
  await card(hanako.page, booked.id).waitFor({ timeout: WAIT });
  assert.equal(await card(hanako.page, booked.id).locator(".move-sent").count(), 0, "hanako still sees her proposal waiting");
  await pageShots(hanako.page, server.url + "/consultations", "consultations", "#main article");
  for (const p of [hanako, yoko]) await p.page.context().close();
  assert.deepEqual(sink.errors, []);
});

test("a new member lands on a way to her profile", async () => {
  const op = await person("operator@zadankai.example");
  const { companies } = await apiCall(op.page, op.csrf, "GET", "/companies");
  await apiCall(op.page, op.csrf, "POST", "/invitations", { email: "new@sakura.example", role: "member", company_id: companies[0].id });
  const html = await op.page.evaluate(async () => (await fetch("/dev/mail")).text());
  const token = /token=([a-z2-7]+)/.exec(html)?.[1];
  assert.ok(token, "no invitation link in the dev outbox");
  const ctx = await browsers.browser.newContext({ viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true, locale: "ja-JP" });
  await watchCSP(ctx, csp);
  const page = await ctx.newPage();
  watch(page, "new", sink);
  await page.goto(`${server.url}/invite?token=${token}`);
  await page.fill('input[name="display_name"]', "新井 さくら");
  await page.fill('input[name="password"]', "a-long-password-1");
  await page.click('form button[type="submit"]');
  await page.waitForURL("**/home", { timeout: WAIT }).catch(report);
  await page.waitForSelector(".first-steps", { timeout: WAIT }).catch(report);
  assert.match(await page.textContent(".first-steps"), /はじめに、プロフィールを入力しましょう/);
  await screenshot(page, "home-new-member");
  await page.getByRole("link", { name: "プロフィールを入力する" }).click();
  await page.waitForURL("**/profile#profile-title", { timeout: WAIT });
  await ctx.close();
  await op.page.context().close();
  await pageShots((await person("hanako@sakura.example")).page, server.url + "/home", "home", "#main article");
  assert.deepEqual(sink.errors, []);
  assert.deepEqual(csp, [], "Content-Security-Policy violations");
});
