// What a new user meets outside the room (issue 14): a link from an email
// followed while logged out comes back to its page after login, and the
// return address can never lead off the site; a mistyped address gets a
// page, not JSON; a guest speaker lands on her roundtables; HR reads a
// month of real figures and the operator the platform's.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchIsolated, apiLogin, apiCall, screenshot, watchCSP } from "./harness.mjs";

const T = { timeout: 45_000 };
let server, browser;
const csp = []; // Content-Security-Policy violations in any page
before(async () => { server = await startServer(); browser = await launchIsolated(server.url); });
after(async () => {
  await browser?.close();
  await server?.stop();
  assert.deepEqual(csp, [], "Content-Security-Policy violations");
});

// fresh is a logged-out page in a cookie jar of its own, in Japanese.
async function fresh(viewport) {
  const ctx = await browser.newContext(viewport);
  await watchCSP(ctx, csp);
  await ctx.addInitScript(() => localStorage.setItem("lang", "ja"));
  const page = await ctx.newPage();
  page.errors = [];
  page.on("pageerror", (e) => page.errors.push(String(e)));
  return page;
}

async function submitLogin(page, email) {
  await page.waitForSelector("#login-form", T);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', "zadankai-demo");
  await page.click('#login-form button[type="submit"]');
}

const here = (page) => { const u = new URL(page.url()); return u.pathname + u.search; };

test("a roundtable link from an email, opened logged out, returns to the roundtable after login", async () => {
  const page = await fresh();
  const { csrf } = await apiLogin(page, server.url, "yoko@minato.example");
  const { roundtables } = await apiCall(page, csrf, "GET", "/roundtables");
  const id = roundtables[0].id;
  await apiCall(page, csrf, "POST", "/auth/logout");
  // the link the seat email carries
  await page.goto(`${server.url}/roundtables?id=${id}`);
  await page.waitForURL((u) => new URL(u).pathname === "/", T);
  assert.equal(new URL(page.url()).searchParams.get("next"), `/roundtables?id=${id}`);
  await submitLogin(page, "yoko@minato.example");
  await page.waitForURL((u) => new URL(u).pathname === "/roundtables", T);
  assert.equal(here(page), `/roundtables?id=${id}`);
  await page.waitForFunction((id) => document.activeElement?.dataset.id === id, id, T);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("the return address never leads off the site", async () => {
  const page = await fresh();
  const evil = ["https://evil.example/x", "//evil.example/x", "/\\evil.example/x", "javascript:alert(1)", "/%2F%2Fevil.example", "/api/v1/me"];
  await page.goto(`${server.url}/?next=${encodeURIComponent(evil[0])}`);
  await submitLogin(page, "hanako@sakura.example");
  await page.waitForURL((u) => new URL(u).pathname === "/home", T);
  for (const next of evil) {
    // logged in now: the landing page sends her on at once
    await page.goto(`${server.url}/?next=${encodeURIComponent(next)}`);
    await page.waitForURL((u) => new URL(u).pathname !== "/", T);
    const u = new URL(page.url());
    assert.equal(u.origin, server.url, `next=${next} left the site: ${page.url()}`);
    assert.ok(u.pathname === "/home" || (next === "/%2F%2Fevil.example" && u.pathname === "/%2F%2Fevil.example"),
      `next=${next} went to ${page.url()}, want /home`);
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("a mistyped address gets a page that leads back, the API keeps JSON, and the site has an icon", async () => {
  const page = await fresh();
  const res = await page.goto(`${server.url}/consultatoins`);
  assert.equal(res.status(), 404);
  assert.equal(await page.textContent("h2"), "ページが見つかりません");
  await page.click("#lang");
  await page.waitForFunction(() => document.querySelector("h2").textContent === "Page not found", null, T);
  await screenshot(page, "not-found");
  await page.click("main a.button");
  await page.waitForURL((u) => new URL(u).pathname === "/", T);
  const api = await page.evaluate(async () => { const r = await fetch("/api/v1/nope"); return [r.status, (await r.json()).error.code]; });
  assert.deepEqual(api, [404, "not_found"]);
  const icon = await page.evaluate(async () => {
    const href = document.querySelector('link[rel="icon"]').href;
    const r = await fetch(href);
    return [r.status, r.headers.get("content-type")];
  });
  assert.equal(icon[0], 200);
  assert.match(icon[1], /image\/svg\+xml/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("a guest speaker lands on her roundtables, not on members' pages", async () => {
  const page = await fresh();
  await page.goto(server.url + "/");
  await submitLogin(page, "speaker@guest.example");
  await page.waitForURL((u) => new URL(u).pathname === "/roundtables", T);
  for (const path of ["/home", "/consultations"]) {
    await page.goto(server.url + path);
    await page.waitForURL((u) => new URL(u).pathname === "/roundtables", T);
  }
  await page.waitForFunction(() => /ゲストスピーカーとして参加する座談会です/.test(document.querySelector("main .lead").textContent), null, T);
  const nav = await page.$$eval("nav a", (as) => as.map((a) => a.textContent));
  assert.deepEqual(nav, ["あなたの座談会", "アカウント"]);
  await page.goto(server.url + "/profile");
  await page.waitForSelector("#account form", T);
  for (const id of ["pause", "availability", "profile-form"]) {
    assert.equal(await page.$eval(`#${id}`, (e) => e.closest("section").hidden), true, `a guest is shown the members' ${id} section`);
  }
  assert.equal(await page.textContent("main h2"), "アカウント");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("HR reads last month's figures; a figure from fewer than five people stays hidden", async () => {
  for (const width of [360, 1440]) {
    const page = await fresh({ width, height: 900 });
    await page.goto(server.url + "/");
    await submitLogin(page, "hr@sakura.example");
    await page.waitForURL((u) => new URL(u).pathname === "/admin", T);
    await page.waitForSelector(".stats-table tbody tr", T);
    const last = await page.$$eval(".stats-table tbody tr:first-child td .cell-value", (tds) => tds.map((td) => td.textContent));
    assert.equal(last[0], "6", `members joined: ${last}`);
    assert.ok(Number(last[3]) >= 5, `consultations held: ${last}`);
    assert.match(last[4], /—/, "one person's cancellation must stay hidden");
    assert.match(last[5], /^[45]\.\d$/, `average rating: ${last}`);
    await screenshot(page, `admin-${width}`);
    await page.context().close();
  }
});

test("the operator sees what she runs the platform by", async () => {
  const page = await fresh({ width: 1440, height: 900 });
  await page.goto(server.url + "/");
  await submitLogin(page, "operator@zadankai.example");
  await page.waitForURL((u) => new URL(u).pathname === "/operator", T);
  await page.waitForSelector("#overview .tiles .tile-value", T);
  const tiles = await page.$$eval("#overview .tile", (ts) => ts.map((t) => [t.querySelector(".tile-label").textContent, Number(t.querySelector(".tile-value").textContent)]));
  const byLabel = Object.fromEntries(tiles);
  assert.equal(byLabel["利用中の会社"], 3);
  assert.ok(byLabel["座談会に参加した人"] >= 3, JSON.stringify(tiles));
  const first = await page.$eval("#overview tbody tr th", (th) => th.textContent);
  assert.equal(first, "さくら精密株式会社");
  await page.waitForSelector("#rt-audit li", T);
  const log = await page.$$eval("#rt-audit li .name", (ns) => ns.map((n) => n.textContent));
  assert.ok(log.some((l) => l === "石田 涼子さんが伊藤 美香さんのマイクをオフにしました"), JSON.stringify(log));
  assert.ok(!log.some((l) => /microphone|→|\(/.test(l)), JSON.stringify(log));
  await screenshot(page, "operator-1440");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
