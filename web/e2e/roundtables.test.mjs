// Roundtables in a real browser at phone width: a member browses,
// filters and registers; an operator creates a roundtable through the
// form, first with an invalid capacity (the error shows at the field),
// then valid; a guest speaker sees only her roundtables; a long list
// comes a page at a time, more on demand. Uses the demo data of
// `zadankai serve --demo`.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startServer, launchBrowser, login, screenshot, outDir, pageShots, apiLogin, apiCall } from "./harness.mjs";

const STAGE = "管理職という選択 — 先輩に聞くキャリアの話";
const LIVE = "いまから座談会（ライブ体験）";
const ROUND = "保育園と仕事の両立 — 小さな座談会";
const PAST = "育休復帰のリアル";

let server, browser;
const WAIT = { timeout: 45_000 };
before(async () => { server = await startServer(); browser = await launchBrowser(server.url); });
after(async () => { await browser?.close(); await server?.stop(); });

// shot keeps a picture of one part of the page (full-page shots of long
// forms are too tall to read).
const shot = (locator, name) => locator.screenshot({ path: join(outDir, name + ".png") });

const card = (page, title) => page.locator("article.roundtable", { has: page.locator("h4", { hasText: title }) });

async function noSideScroll(page) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= 360, `the page scrolls sideways at 360 px (${w} px wide)`);
}

test("a member browses roundtables, filters, registers and sees the registration", async () => {
  await browser.ctx.clearCookies(); // one browser for all tests: start logged out
  const page = await browser.ctx.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await login(page, server.url, "mika@aozora.example");
  await page.waitForURL("**/home", { timeout: 45_000 });
  await page.click('nav a[href="/roundtables"]');
  await page.waitForSelector("article.roundtable", { timeout: 45_000 });
  for (const t of [STAGE, LIVE, ROUND]) assert.equal(await card(page, t).count(), 1, `no card for ${t}`);
  // The live one: 伊藤 美香 already has a seat and the room is open now.
  const live = card(page, LIVE);
  assert.match(await live.textContent(), /参加登録済み/);
  assert.equal(await live.locator(`a.join[href^="/room?roundtable=rt_"]`).count(), 1, "no join link in the join window");
  // Filter: life only hides the career stage roundtable.
  await page.click("details.filters-box summary");
  await page.selectOption('#filters select[name="axis"]', "life");
  await page.waitForFunction((t) => ![...document.querySelectorAll("article.roundtable h4")].some((h) => h.textContent === t), STAGE);
  assert.equal(await card(page, ROUND).count(), 1);
  await page.selectOption('#filters select[name="axis"]', "");
  await page.waitForFunction((t) => [...document.querySelectorAll("article.roundtable h4")].some((h) => h.textContent === t), STAGE);
  const stage = card(page, STAGE);
  assert.match(await stage.textContent(), /ステージ/);
  assert.match(await stage.textContent(), /小林 真理/, "the guest speaker is not named");
  await stage.getByRole("button", { name: "参加を申し込む" }).click();
  await page.waitForFunction(() => /参加登録しました/.test(document.getElementById("status").textContent), null, { timeout: 30_000 });
  const after = card(page, STAGE);
  assert.match(await after.textContent(), /参加登録済み/);
  assert.equal(await after.getByRole("link", { name: "カレンダーに追加" }).count(), 1);
  assert.equal(await after.getByRole("button", { name: "参加をキャンセルする" }).count(), 1);
  // The server agrees.
  const me = await page.evaluate(async () => {
    const list = await (await fetch("/api/v1/roundtables?limit=200")).json();
    return list.roundtables.map((r) => [r.title, r.my_status]);
  });
  assert.deepEqual(me.find(([t]) => t === STAGE), [STAGE, "registered"]);
  await noSideScroll(page);
  await screenshot(page, "roundtables-member-registered");
  assert.deepEqual(errors, []);
  await page.close();
});

test("a member gives feedback on yesterday's roundtable, once", async () => {
  await browser.ctx.clearCookies();
  const page = await browser.ctx.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await login(page, server.url, "yoko@minato.example");
  await page.waitForURL("**/home", { timeout: 45_000 });
  await page.goto(server.url + "/roundtables");
  const past = card(page, PAST);
  await past.waitFor({ timeout: 45_000 });
  // It is over: not "registered" any more, and the form speaks of a group.
  assert.match(await past.locator(".badge").textContent(), /終了しました/);
  assert.doesNotMatch(await past.textContent(), /参加登録済み/);
  await past.getByRole("button", { name: "感想を送る" }).click();
  const form = past.locator("form.feedback");
  assert.match(await form.textContent(), /ほかの参加者や会社には表示されません/);
  assert.doesNotMatch(await form.textContent(), /お相手/);
  await form.getByRole("button", { name: "感想を送る" }).click(); // no rating yet: refused in the page
  assert.match(await form.locator('[data-error-for="rating"]').textContent(), /満足度を選んでください/);
  await form.locator('input[name="rating"][value="4"]').check();
  await form.locator('input[name="tags"][value="practical_tips"]').check();
  await form.locator('textarea[name="text"]').fill("復帰後の評価の話が具体的で助かりました。");
  await form.locator('input[name="want_more"]').check();
  await shot(past, "roundtables-feedback-form");
  await form.getByRole("button", { name: "感想を送る" }).click();
  await page.waitForFunction(() => /感想を受け付けました/.test(document.getElementById("status").textContent), null, { timeout: 30_000 });
  const again = card(page, PAST);
  assert.match(await again.textContent(), /感想は送信済み/);
  assert.equal(await again.getByRole("button", { name: "感想を送る" }).count(), 0);
  await noSideScroll(page);
  await screenshot(page, "roundtables-feedback-sent");
  assert.deepEqual(errors, []);
  await page.close();
});

async function fillNewRoundtable(page, title, capacity) {
  await page.fill('form.rt-form input[name="title"]', title);
  await page.fill('form.rt-form textarea[name="description"]', "ブラウザのテストで作成");
  await page.check('form.rt-form input[name="themes"][value="reskilling"]');
  const day = new Date(Date.now() + 5 * 86400000).toISOString().slice(0, 10);
  await page.fill('form.rt-form input[name="date"]', day);
  await page.selectOption('form.rt-form select[name="time"]', "20:00");
  await page.check('form.rt-form input[name="talk"][value="stage"]');
  await page.check('form.rt-form input[name="speakers"]');
  await page.fill('form.rt-form input[name="capacity"]', String(capacity));
}

test("an operator creates a roundtable: the invalid field first, then valid", async () => {
  await browser.ctx.clearCookies(); // one browser for all tests: start logged out
  const page = await browser.ctx.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await login(page, server.url, "operator@zadankai.example");
  await page.waitForURL("**/operator", { timeout: 45_000 });
  await page.waitForSelector("#rt-audit form", { timeout: 45_000 });
  await page.click('nav a[href="/roundtables"]');
  await page.waitForSelector("article.roundtable", { timeout: 45_000 });
  await page.getByRole("button", { name: "座談会を作る" }).click();
  await page.waitForSelector("form.rt-form");
  await fillNewRoundtable(page, "学び直しの始め方", 0);
  await page.getByRole("button", { name: "作成する" }).click();
  const err = page.locator('form.rt-form [data-error-for="rt.capacity"]');
  await page.waitForFunction(() => document.querySelector('form.rt-form [data-error-for="rt.capacity"]').textContent.length > 0, null, { timeout: 30_000 });
  assert.match(await err.textContent(), /定員は1〜1000人/);
  assert.equal(await page.getAttribute('form.rt-form input[name="capacity"]', "aria-invalid"), "true");
  await noSideScroll(page);
  await screenshot(page, "roundtables-operator-invalid");
  await shot(page.locator("form.rt-form .field", { has: page.locator('input[name="capacity"]') }), "roundtables-operator-invalid-field");
  const before = await page.evaluate(async () => (await (await fetch("/api/v1/roundtables?limit=200")).json()).roundtables.length);
  assert.equal(await card(page, "学び直しの始め方").count(), 0, "the refused roundtable was created");
  await page.fill('form.rt-form input[name="capacity"]', "20");
  await page.getByRole("button", { name: "作成する" }).click();
  await page.waitForFunction(() => /作成しました/.test(document.getElementById("status").textContent), null, { timeout: 30_000 });
  const made = card(page, "学び直しの始め方");
  assert.equal(await made.count(), 1);
  assert.match(await made.textContent(), /残り20席/);
  const after = await page.evaluate(async () => (await (await fetch("/api/v1/roundtables?limit=200")).json()).roundtables.length);
  assert.equal(after, before + 1);
  await made.getByRole("button", { name: "参加者の一覧" }).click();
  await made.locator("text=まだ申し込みはありません。").waitFor();
  await made.scrollIntoViewIfNeeded();
  await screenshot(page, "roundtables-operator-created");
  await shot(made, "roundtables-operator-created-card");
  // Name a trained member as a moderator.
  await page.click("text=モデレーターを指名する");
  await page.fill('form.moderator-form input[name="email"]', "keiko@sakura.example");
  await page.click('form.moderator-form button[type="submit"]');
  await page.waitForFunction(() => /中村 恵子さんをモデレーターにしました/.test(document.querySelector("form.moderator-form .result").textContent));
  const mods = await page.evaluate(async () => (await (await fetch("/api/v1/roundtable-people")).json()).moderators.map((m) => m.email));
  assert.ok(mods.includes("keiko@sakura.example"), `not a moderator now: ${mods}`);
  await shot(page.locator("form.moderator-form"), "roundtables-name-moderator");
  const past = card(page, PAST);
  await past.getByRole("button", { name: "感想を見る" }).click();
  await past.locator(".rt-feedback-list").waitFor();
  assert.match(await past.textContent(), /2件・平均満足度 4.5/);
  assert.match(await past.textContent(), /同じ立場の人の話が聞けて安心しました/);
  await page.goto(server.url + "/operator");
  // Feedback text (operators only) with "want more" per theme, and the moderation log.
  await page.waitForSelector("#rt-feedback ul.demand", { timeout: 45_000 });
  const fb = await page.textContent("#rt-feedback");
  assert.match(fb, /復帰後の評価の話が具体的で助かりました/);
  assert.match(fb, /同じ立場の人の話が聞けて安心しました/);
  assert.match(fb, /育休からの復帰/);
  assert.match(fb, /もっと聞きたい 2 \/ 2件/);
  await page.waitForSelector("#rt-audit li.audit-item");
  const log = await page.$$eval("#rt-audit li.audit-item .name", (xs) => xs.map((x) => x.textContent));
  assert.deepEqual(log, ["石田 涼子さんが中村 恵子さんをスポットライトで表示しました", "石田 涼子さんが伊藤 美香さんのマイクをオフにしました",
    "石田 涼子さんが待合室の全員の入室を許可しました"]);
  await screenshot(page, "operator-roundtable-sections");
  await shot(page.locator("section", { has: page.locator("#rt-audit") }), "operator-audit-section");
  await shot(page.locator("section", { has: page.locator("#rt-feedback") }), "operator-rt-feedback-section");
  assert.deepEqual(errors, []);
  await page.close();
});

// openAs logs a fresh page in as email and opens the roundtables page.
async function openAs(email, title) {
  await browser.ctx.clearCookies();
  const page = await browser.ctx.newPage();
  await login(page, server.url, email);
  await page.waitForURL((u) => new URL(u).pathname !== "/", { timeout: 45_000 });
  await page.goto(server.url + "/roundtables");
  await card(page, title).waitFor({ timeout: 45_000 });
  return page;
}

async function waitStatus(page, re) {
  await page.waitForFunction((src) => new RegExp(src).test(document.getElementById("status").textContent), re.source, { timeout: 30_000 });
}

// addSeat has the operator raise T's capacity from one to two while two
// people wait: the first of them (promoted) gets the seat and an email.
async function addSeat(T, promoted) {
  const page = await openAs("operator@zadankai.example", T);
  await card(page, T).getByRole("button", { name: "編集する" }).click();
  const edit = card(page, T).locator("form.rt-form");
  await edit.locator('input[name="capacity"]').fill("2");
  await edit.getByRole("button", { name: "保存する" }).click();
  await waitStatus(page, /キャンセル待ちの1人の参加が決まり、メールでお知らせしました/);
  assert.match(await card(page, T).textContent(), /満席です（キャンセル待ち1人）/);
  await screenshot(page, "roundtables-capacity-raised");
  const mail = await page.evaluate(async () => (await fetch("/dev/mail")).text());
  assert.ok(mail.includes(`席が空きました「${T}」</h2><p>To: ${promoted}`), "the promoted member got no email");
  await page.close();
}

test("capacity edited to one: a seat, the waitlist with its position, more seats for those waiting, promotion on cancel", async () => {
  const T = "学び直しの始め方"; // created by the operator test
  let page = await openAs("operator@zadankai.example", T);
  await card(page, T).getByRole("button", { name: "編集する" }).click();
  const form = card(page, T).locator("form.rt-form");
  await form.locator('input[name="capacity"]').fill("1");
  await form.getByRole("button", { name: "保存する" }).click();
  await waitStatus(page, /保存しました/);
  assert.match(await card(page, T).textContent(), /残り1席（定員1人）/);
  await page.close();

  page = await openAs("mika@aozora.example", T);
  await card(page, T).getByRole("button", { name: "参加を申し込む" }).click();
  await waitStatus(page, /参加登録しました/);
  await page.close();

  page = await openAs("yoko@minato.example", T);
  assert.match(await card(page, T).textContent(), /満席です/);
  // The answer to the registration says where she stands: no second call.
  const reads = [];
  page.on("request", (r) => { if (r.method() === "GET" && /\/api\/v1\/roundtables\/rt_[^/]+$/.test(r.url())) reads.push(r.url()); });
  await card(page, T).getByRole("button", { name: "キャンセル待ちに登録する" }).click();
  await waitStatus(page, /キャンセル待ちに登録しました（1番目）/);
  assert.deepEqual(reads, [], "the page asked again where she stands");
  assert.match(await card(page, T).textContent(), /キャンセル待ち 1番目/);
  await shot(card(page, T), "roundtables-waitlisted");
  await page.close();

  page = await openAs("daisuke@aozora.example", T);
  await card(page, T).getByRole("button", { name: "キャンセル待ちに登録する" }).click();
  await waitStatus(page, /キャンセル待ちに登録しました（2番目）/);
  await page.close();

  await addSeat(T, "yoko@minato.example");
  page = await openAs("yoko@minato.example", T);
  assert.match(await card(page, T).textContent(), /参加登録済み/, "the first waiting did not get the added seat");
  await pageShots(page, server.url + "/roundtables", "roundtables", "article.roundtable");
  await page.close();
  page = await openAs("daisuke@aozora.example", T);
  assert.match(await card(page, T).textContent(), /キャンセル待ち 1番目/, "the second waiting did not move up");
  await page.close();

  page = await openAs("mika@aozora.example", T);
  await card(page, T).getByRole("button", { name: "参加をキャンセルする" }).click();
  await card(page, T).getByRole("button", { name: "キャンセルする" }).click();
  await waitStatus(page, /キャンセルしました/);
  await page.close();

  page = await openAs("daisuke@aozora.example", T);
  assert.match(await card(page, T).textContent(), /参加登録済み/, "the first on the waitlist did not get the freed seat");
  await page.close();
});

test("a moderator named by the operator sees who registered", async () => {
  await browser.ctx.clearCookies();
  const page = await browser.ctx.newPage();
  await login(page, server.url, "hanako@sakura.example");
  await page.waitForURL("**/home", { timeout: 45_000 });
  await page.goto(server.url + "/roundtables");
  const stage = card(page, STAGE);
  await stage.waitFor({ timeout: 45_000 });
  assert.match(await stage.textContent(), /モデレーター/);
  assert.equal(await stage.getByRole("button", { name: "参加を申し込む" }).count(), 0, "a moderator is offered a seat");
  await stage.getByRole("button", { name: "参加者の一覧" }).click();
  await stage.locator("ul.registrations li").first().waitFor();
  assert.match(await stage.locator("ul.registrations").textContent(), /伊藤 美香.*参加/, "the member who registered in the first test is not listed");
  assert.equal(await page.getByRole("button", { name: "座談会を作る" }).count(), 1, "a trained moderator cannot organise");
  await shot(stage, "roundtables-moderator-registrations");
  await page.close();
});

test("a guest speaker lands on her roundtables and sees no others", async () => {
  await browser.ctx.clearCookies(); // one browser for all tests: start logged out
  const page = await browser.ctx.newPage();
  await login(page, server.url, "speaker@guest.example");
  await page.waitForURL("**/roundtables", { timeout: 45_000 });
  await page.waitForSelector("article.roundtable", { timeout: 45_000 });
  const titles = await page.$$eval("article.roundtable h4", (hs) => hs.map((h) => h.textContent));
  assert.ok(titles.includes(STAGE) && titles.includes(LIVE), `her roundtables are missing: ${titles}`);
  assert.ok(!titles.includes(ROUND), "a guest speaker sees a roundtable she does not speak at");
  assert.equal(await page.getByRole("button", { name: "参加を申し込む" }).count(), 0);
  assert.match(await card(page, STAGE).textContent(), /ゲストスピーカー/);
  await screenshot(page, "roundtables-guest-speaker");
  await page.click("#lang"); // English, without a reload
  assert.match(await card(page, STAGE).textContent(), /Guest speaker/);
  assert.match(await page.textContent("main h2"), /Roundtables/);
  await screenshot(page, "roundtables-guest-speaker-en");
  await page.close();
});

test("a long list comes a page at a time: more on demand keeps the place, at 360 px, in Japanese and English", async () => {
  await browser.ctx.clearCookies();
  const op = await browser.ctx.newPage();
  const { member, csrf } = await apiLogin(op, server.url, "operator@zadankai.example");
  for (let i = 0; i < 60; i++) {
    await apiCall(op, csrf, "POST", "/roundtables", {
      title: `ページ送りの座談会 ${String(i).padStart(2, "0")}`, description: "", axis: "life", themes: [], minutes: 60,
      start: new Date(Date.now() + (10 + i) * 86400000).toISOString().slice(0, 11) + "11:00:00Z", time_zone: "Asia/Tokyo",
      format: "online", venue: "", capacity: 10, talk: "small_round", moderators: [member.id], speakers: [], excluded_companies: [],
      close_before_minutes: 60, lobby: false,
    });
  }
  await op.close();
  await browser.ctx.clearCookies();
  const page = await browser.ctx.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await login(page, server.url, "mika@aozora.example");
  await page.waitForURL("**/home", { timeout: 45_000 });
  const all = await page.evaluate(async () => {
    const ids = [];
    for (let cursor = ""; ;) {
      const p = await (await fetch("/api/v1/roundtables?limit=7" + (cursor ? "&cursor=" + cursor : ""))).json();
      ids.push(...p.roundtables.map((r) => r.id));
      if (!p.next_cursor) return ids;
      cursor = p.next_cursor;
    }
  });
  assert.ok(all.length > 60 && all.length <= 100, `${all.length} upcoming roundtables`);
  await page.click('nav a[href="/roundtables"]');
  const upcoming = page.locator('section[data-list="upcoming"]');
  const cards = upcoming.locator("article.roundtable");
  await cards.first().waitFor({ timeout: 45_000 });
  assert.equal(await cards.count(), 50, "the first page is not 50");
  const more = upcoming.getByRole("button", { name: "さらに表示" });
  assert.equal(await more.isVisible(), true);
  assert.match(await upcoming.locator("h3").textContent(), /\(50\+\)/);
  await noSideScroll(page);
  await more.scrollIntoViewIfNeeded();
  await screenshot(page, "roundtables-more");
  await page.click("#lang"); // English, without a reload
  assert.equal(await upcoming.getByRole("button", { name: "Show more" }).count(), 1);
  await page.click("#lang");
  await more.click();
  await page.waitForFunction((n) => document.querySelectorAll('section[data-list="upcoming"] article.roundtable').length === n, all.length, WAIT);
  const shown = await cards.evaluateAll((as) => as.map((a) => a.dataset.id));
  assert.deepEqual(shown, all, "paged cards differ from the list: a repeat, a gap or another order");
  assert.equal(await page.evaluate(() => document.activeElement.dataset.id), all[50], "the focus did not move to the first new card");
  assert.equal(await more.isVisible(), false, "more offered at the end of the list");
  assert.match(await upcoming.locator("h3").textContent(), new RegExp(`\\(${all.length}\\)`));
  await noSideScroll(page);
  // Registering on a card of the second page redraws the page in place.
  const title = "ページ送りの座談会 55";
  await card(page, title).getByRole("button", { name: "参加を申し込む" }).click();
  await page.waitForFunction(() => /参加登録しました/.test(document.getElementById("status").textContent), null, WAIT);
  assert.match(await card(page, title).textContent(), /参加登録済み/);
  assert.equal(await cards.count(), all.length, "the page went back to its first page after the registration");
  // A link to a roundtable far down the list finds it.
  const far = all[all.length - 1];
  await page.goto(`${server.url}/roundtables?id=${far}`);
  await page.waitForFunction((id) => document.activeElement?.dataset?.id === id, far, WAIT);
  await screenshot(page, "roundtables-more-loaded");
  assert.deepEqual(errors, []);
  await page.close();
});
