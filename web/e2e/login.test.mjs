// The landing page in a real browser: log in, see who you are, log out,
// and a wrong password shown as a message, at phone width.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, login, screenshot, apiLogin, watchCSP } from "./harness.mjs";

let server, browser, csp;
before(async () => { server = await startServer(); browser = await launchBrowser(server.url); csp = await watchCSP(browser.ctx); });
after(async () => { await browser?.close(); await server?.stop(); });

// The probe page below breaks the policy on purpose; everything else must not.
const violations = () => csp.filter((v) => !v.includes("csp-probe"));

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
  assert.deepEqual(violations(), [], "Content-Security-Policy violations");
  await page.close();
});

test("every page and asset carries the security headers, and the policy blocks inline script", async () => {
  const page = await browser.ctx.newPage();
  const res = await page.goto(server.url + "/?csp-probe");
  const h = res.headers();
  assert.match(h["content-security-policy"], /script-src 'self';/);
  assert.match(h["content-security-policy"], /frame-ancestors 'none'/);
  assert.equal(h["x-frame-options"], "DENY");
  assert.equal(h["x-content-type-options"], "nosniff");
  assert.equal(h["referrer-policy"], "no-referrer");
  const asset = await page.evaluate(async () => (await fetch("/assets/app.js")).headers.get("content-security-policy"));
  assert.equal(asset, h["content-security-policy"], "an asset lacks the policy");
  const ran = await page.evaluate(async () => {
    const s = document.createElement("script");
    s.textContent = "window.inlineRan = true";
    document.head.append(s);
    await new Promise((r) => setTimeout(r, 100));
    return window.inlineRan === true;
  });
  assert.equal(ran, false, "an injected inline script ran");
  for (let i = 0; i < 50 && !csp.some((v) => v.includes("csp-probe")); i++) await page.waitForTimeout(100);
  assert.ok(csp.some((v) => v.includes("csp-probe")), "the injected script was not reported: the watch would miss violations");
  await page.close();
});

test("an operator and a member open every page without a policy violation", async () => {
  const pages = ["/", "/home", "/consultations", "/roundtables", "/profile", "/admin", "/operator", "/invite?token=x", "/reset?token=x",
    "/room?dev=1&room=csp&name=csp", "/dev", "/dev/mail"];
  for (const who of ["operator@zadankai.example", "hanako@sakura.example"]) {
    const page = await browser.ctx.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await apiLogin(page, server.url, who);
    for (const path of pages) {
      await page.goto(server.url + path);
      await page.waitForLoadState("networkidle", { timeout: 5000 }).catch(() => {}); // a page may keep polling
    }
    assert.deepEqual(errors, [], `page errors as ${who}`);
    await page.close();
  }
  assert.deepEqual(violations(), [], "Content-Security-Policy violations");
});
