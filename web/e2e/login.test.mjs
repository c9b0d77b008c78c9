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

test("a member logs in and out", async () => {
  const page = await browser.ctx.newPage();
  await login(page, server.url, "hanako@sakura.example");
  await page.waitForFunction(() => document.body.innerText.includes("山田 花子"), null, { timeout: 45_000 });
  await screenshot(page, "login-member");
  const me = await page.evaluate(async () => (await fetch("/api/v1/me")).status);
  assert.equal(me, 200);
  await page.close();
});
