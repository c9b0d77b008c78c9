// The landing page in a real browser: log in, see who you are, log out,
// and a wrong password shown as a message, at phone width.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, login, screenshot } from "./harness.mjs";

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(server.url); });
after(async () => { await browser?.close(); await server?.stop(); });

test("wrong password shows a message and no session", async () => {
  const page = await browser.ctx.newPage();
  await login(page, server.url, "hanako@sakura.example", "not-the-password");
  await page.waitForFunction(() => document.getElementById("login-error").textContent.length > 0);
  const msg = await page.textContent("#login-error");
  assert.match(msg, /メールアドレスまたはパスワードが違います|Email or password is wrong/);
  assert.equal(await page.isHidden("#me-section"), true);
  await page.close();
});

test("a member logs in, sees recommended peers and the booked consultation, logs out", async () => {
  const page = await browser.ctx.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await login(page, server.url, "hanako@sakura.example");
  await page.waitForURL("**/home", { timeout: 45_000 });
  await page.waitForSelector("article.card", { timeout: 45_000 });
  const cards = await page.$$eval("article.card h3", (hs) => hs.map((h) => h.textContent));
  assert.ok(cards.length > 0, "no recommendation cards");
  for (const colleague of ["中村 恵子", "佐藤 由美"]) assert.ok(!cards.includes(colleague), `a colleague is recommended: ${colleague}`);
  const reasons = await page.$$eval(".reasons li", (li) => li.length);
  assert.ok(reasons > 0, "cards do not say why");
  await screenshot(page, "home-member");
  await page.click('a[href="/consultations"]');
  await page.waitForSelector("article.card", { timeout: 45_000 });
  const text = await page.textContent("#list");
  assert.match(text, /高橋 洋子/);
  assert.match(text, /確定|Booked/);
  await screenshot(page, "consultations-member");
  await page.click("nav button.link");
  await page.waitForURL((u) => new URL(u).pathname === "/", { timeout: 45_000 });
  const me = await page.evaluate(async () => (await fetch("/api/v1/me")).status);
  assert.equal(me, 401);
  assert.deepEqual(errors, []);
  await page.close();
});
