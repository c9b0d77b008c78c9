// The control plane in a real browser at 360 px, on the demo data: a
// member asks a peer for one of their free times, answers a request,
// finds the room open, gives feedback (the button stays gone) and moves
// a booking to another of the peer's free times; the
// language switch is saved to the account; a company admin invites,
// resends, revokes and sees suppressed aggregates; an operator sees the
// companies, the figures and who wrote feedback about whom.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startServer, launchBrowser, login, screenshot, outDir } from "./harness.mjs";

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(server.url); });
after(async () => { await browser?.close(); await server?.stop(); });

const T = { timeout: 45_000 };

async function freshPage(email, path) {
  const page = await browser.ctx.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.context().clearCookies();
  await login(page, server.url, email);
  await page.waitForURL("**" + path, T);
  return { page, errors };
}

test("a member proposes from a peer's free times, answers, joins and gives feedback once", async () => {
  const { page, errors } = await freshPage("hanako@sakura.example", "/home");
  const card = page.locator("article.card.peer", { hasText: "伊藤 美香" });
  await card.locator(".actions button").first().click();
  const box = card.locator(".free-times input[type=checkbox]");
  await box.first().waitFor(T);
  await box.nth(0).check();
  // Times overlapping the chosen one (45 minutes long) cannot be chosen.
  const clash = await card.locator(".free-times input[type=checkbox]").evaluateAll((boxes) => {
    const first = new Date(boxes.find((b) => b.checked).value).getTime();
    return boxes.filter((b) => !b.checked && Math.abs(new Date(b.value).getTime() - first) < 45 * 60000 && !b.disabled).length;
  });
  assert.equal(clash, 0, "an overlapping time is still offered");
  let free = card.locator(".free-times input[type=checkbox]:not(:disabled):not(:checked)");
  if (!(await free.count())) { // nothing else that day: take the next day
    const day = card.locator('select[name="day"]');
    await day.selectOption({ index: 1 });
    free = card.locator(".free-times input[type=checkbox]:not(:disabled):not(:checked)");
  }
  await free.first().check();
  assert.equal(await card.locator(".chosen-times li").count(), 2);
  await screenshot(page, "control-request-free-times");
  await card.locator('form.request button[type="submit"]').click();
  await card.locator(".result", { hasText: /申し込みました|Sent/ }).waitFor(T);

  await page.click('a[href="/consultations"]');
  const mine = page.locator(".group-mine article", { hasText: "Emma Wilson" });
  await mine.waitFor(T);
  await mine.locator('input[name="slot"]').first().check();
  await mine.locator('form.accept button[type="submit"]').click();
  await page.locator("#status", { hasText: /確定しました|booked/i }).waitFor(T);
  const live = page.locator(".group-upcoming article", { hasText: "渡辺 大輔" });
  assert.equal(await live.locator("button.join").isEnabled(), true, "the room of the consultation under way is not open");

  const done = page.locator(".group-past article", { hasText: "高橋 洋子" });
  await done.locator(".actions button", { hasText: /感想を送る|Give feedback/ }).click();
  await done.locator('form.feedback input[name="rating"][value="5"]').check();
  await done.locator("form.feedback textarea[name=text]").fill("とても参考になりました。");
  await done.locator('form.feedback button[type="submit"]').click();
  await page.locator("#status", { hasText: /ありがとう|Thank/ }).waitFor(T);
  // The server says feedback was given, even on a device that forgot it.
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  const again = page.locator(".group-past article", { hasText: "高橋 洋子" });
  await again.waitFor(T);
  assert.equal(await again.locator(".actions button", { hasText: /感想を送る|Give feedback/ }).count(), 0);
  assert.match(await again.textContent(), /感想は送信済み|already/i);
  // Moving tomorrow's booking offers 高橋 洋子's free times too.
  const tomorrow = page.locator(".group-upcoming article", { hasText: "高橋 洋子" });
  await tomorrow.locator(".actions button", { hasText: /日程を変える|Change the time/ }).click();
  await tomorrow.locator("form.reschedule .free-times input[type=checkbox]").first().check(T);
  await tomorrow.locator('form.reschedule button[type="submit"]').click();
  await page.locator("#status", { hasText: /新しい候補を|New times sent/ }).waitFor(T);
  await screenshot(page, "control-consultations-after");
  assert.deepEqual(errors, []);
  await page.close();
});

test("the language switch and the time zone are saved to the account; a photo upload does not block saving the profile", async () => {
  const { page, errors } = await freshPage("mika@aozora.example", "/home");
  await page.click("#lang");
  await page.waitForFunction(async () => (await (await fetch("/api/v1/me")).json()).member.locale === "en", null, T);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.waitForFunction(() => document.documentElement.lang === "en", null, T);
  await page.click("#lang"); // back to Japanese for the others
  await page.waitForFunction(async () => (await (await fetch("/api/v1/me")).json()).member.locale === "ja", null, T);
  // The time zone is saved from the profile page's account settings.
  await page.click('a[href="/profile"]');
  await page.selectOption('form.account select[name="time_zone"]', "Europe/London");
  await page.click('form.account button[type="submit"]');
  await page.locator("form.account .result", { hasText: /保存しました|Saved/ }).waitFor(T);
  const me = await page.evaluate(async () => (await (await fetch("/api/v1/me")).json()).member);
  assert.equal(me.time_zone, "Europe/London");
  await screenshot(page, "control-account");
  // A photo uploaded while the profile form is open does not make saving
  // the form a conflict.
  const png = await page.evaluate(() => {
    const c = Object.assign(document.createElement("canvas"), { width: 120, height: 80 });
    const g = c.getContext("2d");
    g.fillStyle = "#2a6"; g.fillRect(0, 0, 120, 80); g.fillStyle = "#fff"; g.fillRect(40, 20, 40, 40);
    return c.toDataURL("image/png").split(",")[1];
  });
  await page.setInputFiles('form.photo input[type="file"]', { name: "me.png", mimeType: "image/png", buffer: Buffer.from(png, "base64") });
  await page.click('form.photo button[type="submit"]');
  await page.locator("form.photo", { hasText: /写真を更新しました|photo is updated/ }).waitFor(T);
  await page.click('form.profile button[type="submit"]');
  await page.locator("#profile-status", { hasText: /プロフィールを保存しました|profile is saved/ }).waitFor(T);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a company admin invites, resends, revokes and sees only suppressed aggregates", async () => {
  // みなと商事 has two active members: every figure stays hidden (さくら精密's
  // readable month is in firstrun.test.mjs)
  const { page, errors } = await freshPage("hr@minato.example", "/admin");
  await page.fill('form.invite input[name="email"]', "new.member@sakura.example");
  await page.click('form.invite button[type="submit"]');
  const row = () => page.locator("#invitations li", { hasText: "new.member@sakura.example" });
  await row().first().waitFor(T);
  assert.match(await row().first().textContent(), /未登録|Pending/);
  await row().first().locator("button", { hasText: /もう一度送る|Send again/ }).click();
  await page.locator("#status", { hasText: /新しいリンク|new link/ }).waitFor(T);
  assert.equal(await row().count(), 2, "resend should list the new invitation beside the revoked one");
  await row().first().locator("button", { hasText: /^取り消す$|^Revoke$/ }).click();
  await row().first().locator(".confirm button.danger").click();
  await page.locator("#status", { hasText: /取り消しました|revoked/ }).waitFor(T);
  assert.equal(await page.locator("#invitations .badge-revoked").count(), 2);
  // The withdrawn links say so on the sign-up page (links from /dev/mail).
  const devMail = await page.evaluate(async () => (await fetch("/dev/mail")).text());
  const tokens = [...devMail.matchAll(/invite\?token=([a-z2-7]+)/g)].map((m) => m[1]);
  assert.ok(tokens.length >= 2, "the invitation emails are not in the dev outbox");
  const signup = await browser.ctx.newPage();
  await signup.goto(`${server.url}/invite?token=${tokens[tokens.length - 1]}`);
  await signup.locator("#invite-error", { hasText: /取り消されたか|withdrawn/ }).waitFor(T);
  assert.equal(await signup.isHidden("#invite-form"), true);
  await screenshot(signup, "control-invite-revoked");
  await signup.close();
  await page.locator(".stats-table").waitFor(T);
  const cells = await page.$$eval(".stats-table td .cell-value", (tds) => tds.map((td) => td.textContent.trim()));
  assert.ok(cells.length > 0 && cells.every((c) => c.startsWith("—")), `a figure from a small group is shown: ${cells}`);
  const text = await page.textContent("main");
  for (const name of ["山田 花子", "Emma Wilson", "高橋 洋子"]) assert.ok(!text.includes(name), `the admin page names ${name}`);
  await screenshot(page, "control-admin");
  assert.deepEqual(errors, []);
  await page.close();
});

test("an operator sees companies, figures and who wrote feedback about whom", async () => {
  const { page, errors } = await freshPage("operator@zadankai.example", "/operator");
  for (const co of ["さくら精密株式会社", "みなと商事", "Aozora Software"]) await page.locator("#companies", { hasText: co }).waitFor(T);
  await page.locator("#stats .stats-table").waitFor(T);
  await page.locator("#feedback .feedback-item", { hasText: "書いた人：山田 花子（さくら精密株式会社）　相手：高橋 洋子（みなと商事）" }).waitFor(T);
  await screenshot(page, "control-operator");
  assert.deepEqual(errors, []);
  await page.close();
});

test("a member unblocks someone, downloads their data and leaves", async () => {
  const { page, errors } = await freshPage("keiko@sakura.example", "/home");
  const first = page.locator("article.card.peer").first();
  await first.waitFor(T);
  const name = (await first.locator("h3").textContent()).trim();
  await first.locator(".actions button.secondary", { hasText: /今後表示しない|Don't show again/ }).click();
  await page.locator(".confirm button.danger").click();
  await page.locator(".card.gone").waitFor(T);
  await page.click('a[href="/profile"]');
  const blocked = page.locator("#mydata li", { hasText: name });
  await blocked.waitFor(T);
  await blocked.locator("button", { hasText: /また表示する|Show again/ }).click();
  await page.locator("#mydata .result", { hasText: name }).waitFor(T);
  assert.equal(await page.locator("#mydata li", { hasText: name }).count(), 0);
  const exported = await page.evaluate(async () => {
    const r = await fetch(document.querySelector('#mydata a[download]').href);
    return { type: r.headers.get("Content-Disposition"), body: await r.json() };
  });
  assert.match(exported.type, /attachment/);
  assert.match(JSON.stringify(exported.body), /keiko@sakura\.example/);
  await page.click("#mydata details summary");
  await page.fill('#mydata input[name="password"]', "wrong-password");
  await page.click('#mydata form.delete-account button[type="submit"]');
  await page.click("#mydata .confirm button.danger");
  await page.locator("#mydata [data-error-for=password]", { hasText: /パスワードが違います|wrong/ }).waitFor(T);
  await page.locator("section[aria-labelledby=mydata-title]").screenshot({ path: join(outDir, "control-mydata.png") });
  await page.click("#mydata .confirm button.secondary"); // back, then the right password
  await page.fill('#mydata input[name="password"]', "zadankai-demo");
  await page.click('#mydata form.delete-account button[type="submit"]');
  await page.click("#mydata .confirm button.danger");
  await page.waitForURL((u) => new URL(u).pathname === "/", T);
  const again = await page.evaluate(async () => (await fetch("/api/v1/auth/login", { method: "POST",
    headers: { "Content-Type": "application/json" }, body: JSON.stringify({ email: "keiko@sakura.example", password: "zadankai-demo" }) })).status);
  assert.equal(again, 401);
  assert.deepEqual(errors, []);
  await page.close();
});
