// The installable app (issue 17) in Chromium: a valid manifest that makes
// the app installable, a service worker that registers and controls the
// pages, the offline page once the network is cut, nothing from /api/ in
// Cache Storage, the install offer shown once and never on the first day,
// and the notification settings on the profile page.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, apiLogin, screenshot, watchCSP } from "./harness.mjs";

const T = { timeout: 45_000 };
let server, browser, csp;
before(async () => {
  server = await startServer();
  browser = await launchBrowser(server.url);
  csp = await watchCSP(browser.ctx);
  await browser.ctx.addInitScript(() => localStorage.setItem("lang", "ja"));
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

// controlled opens path signed in as hanako and waits until the service
// worker controls the page.
async function controlled(path) {
  const page = await browser.ctx.newPage();
  page.errors = [];
  page.on("pageerror", (e) => page.errors.push(String(e)));
  await apiLogin(page, server.url, "hanako@sakura.example");
  await page.goto(server.url + path);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, T);
  return page;
}

test("the manifest is valid, its icons load, and Chromium finds the app installable", async () => {
  const page = await controlled("/home");
  const res = await page.evaluate(async () => {
    const link = document.querySelector('link[rel="manifest"]').href;
    const r = await fetch(link);
    return { type: r.headers.get("content-type"), manifest: await r.json() };
  });
  assert.equal(res.type, "application/manifest+json");
  const m = res.manifest;
  assert.equal(m.name, "座談会 Zadankai");
  assert.equal(m.display, "standalone");
  assert.match(m.start_url, /^\/home/);
  assert.ok(m.theme_color && m.background_color, "theme colours");
  const sizes = await page.evaluate(async (icons) => Promise.all(icons.map(async (ic) => {
    const img = new Image();
    img.src = ic.src;
    await img.decode();
    return `${ic.purpose} ${img.naturalWidth}x${img.naturalHeight} ${ic.sizes}`;
  })), m.icons);
  assert.deepEqual(sizes.sort(), ["any 192x192 192x192", "any 512x512 512x512", "maskable 192x192 192x192", "maskable 512x512 512x512"]);
  const cdp = await browser.ctx.newCDPSession(page);
  const { errors } = await cdp.send("Page.getAppManifest");
  assert.deepEqual(errors, [], "manifest errors Chromium reports");
  const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
  assert.deepEqual(installabilityErrors, [], "installability errors");
  const header = (await page.goto(server.url + "/home")).headers()["content-security-policy"];
  assert.match(header, /worker-src 'self'/);
  assert.match(header, /manifest-src 'self'/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("no API answer lands in Cache Storage; the app shell does", async () => {
  const page = await controlled("/home");
  await page.waitForSelector("article.card", T);
  for (const path of ["/consultations", "/roundtables", "/profile"]) {
    await page.goto(server.url + path);
    await page.waitForLoadState("networkidle");
  }
  const kept = await page.evaluate(async () => {
    const urls = [];
    for (const name of await caches.keys()) {
      for (const req of await (await caches.open(name)).keys()) urls.push(new URL(req.url).pathname);
    }
    return urls;
  });
  assert.deepEqual(kept.filter((u) => u.startsWith("/api/")), [], "API answers in Cache Storage");
  for (const shell of ["/offline", "/assets/app.css", "/assets/layout.js"]) assert.ok(kept.includes(shell), `${shell} not kept: ${kept}`);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("with the network cut, a page opens as the friendly offline page", async () => {
  const page = await controlled("/home");
  await browser.ctx.setOffline(true);
  try {
    await page.goto(server.url + "/consultations");
    await page.waitForSelector("main.offline", T);
    assert.match(await page.textContent("main"), /いまはオフラインです/);
    assert.match(await page.textContent("main"), /You are offline/);
    await screenshot(page, "pwa-offline");
  } finally {
    await browser.ctx.setOffline(false);
  }
  await page.goto(server.url + "/consultations");
  await page.waitForSelector("article.card", T);
  await page.close();
});

// offerOutcome fires a stand-in for the browser's install prompt and waits
// for what the page decides once calm.
async function offerOutcome(page) {
  await page.evaluate(() => {
    const e = new Event("beforeinstallprompt", { cancelable: true });
    e.prompt = () => Promise.resolve();
    e.userChoice = Promise.resolve({ outcome: "dismissed" });
    dispatchEvent(e);
  });
  await page.waitForFunction(() => document.documentElement.dataset.installOffer, null, { timeout: 30_000 });
  return page.evaluate(() => document.documentElement.dataset.installOffer);
}

test("the install offer waits for a second day, then shows once", async () => {
  const page = await controlled("/home");
  await page.evaluate(() => ["zdk-visit-days", "zdk-last-day", "zdk-install-offered"].forEach((k) => localStorage.removeItem(k)));
  await page.reload();
  await page.waitForSelector("article.card", T);
  assert.equal(await offerOutcome(page), "first_day");
  assert.equal(await page.$(".install-offer"), null);
  await page.evaluate(() => localStorage.setItem("zdk-last-day", "a day before"));
  await page.reload();
  await page.waitForSelector("article.card", T);
  assert.equal(await offerOutcome(page), "shown");
  await screenshot(page, "pwa-install-offer");
  await page.click(".install-offer button.link");
  assert.equal(await page.$(".install-offer"), null);
  await page.evaluate(() => localStorage.setItem("zdk-last-day", "another day"));
  await page.reload();
  await page.waitForSelector("article.card", T);
  assert.equal(await offerOutcome(page), "offered_before");
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("the profile page sets how each kind of news arrives and the quiet hours", async () => {
  const page = await controlled("/profile");
  await page.waitForSelector(".notice-prefs", T);
  await page.selectOption('select[name="channels.requests"]', "email");
  await page.fill('input[name="quiet_from"]', "22:30");
  await page.click('.notice-prefs button[type="submit"]');
  await page.waitForFunction(() => /保存しました/.test(document.querySelector("#notifications .result").textContent), null, T);
  const saved = await page.evaluate(async () => (await fetch("/api/v1/me/notifications")).json());
  assert.equal(saved.channels.requests, "email");
  assert.equal(saved.quiet_from, "22:30");
  assert.equal(saved.quiet_to, "07:00");
  assert.match(await page.textContent("#notifications"), /通知を受け取る端末はまだありません/);
  await screenshot(page, "pwa-profile-notifications");
  assert.deepEqual(page.errors, []);
  assert.deepEqual(csp, [], "Content-Security-Policy violations");
  await page.close();
});

test("a subscription the browser renews by itself replaces her device, through the service worker", async () => {
  const page = await controlled("/profile");
  // A device as the profile page stores it; keys made here as a browser's
  // push service would (a P-256 point and 16 bytes of secret).
  const key = async () => page.evaluate(async () => {
    const b64 = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    const pair = await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
    return { p256dh: b64(await crypto.subtle.exportKey("raw", pair.publicKey)), auth: b64(crypto.getRandomValues(new Uint8Array(16))) };
  });
  const old = { endpoint: "https://push.example/old-" + Date.now(), keys: await key() };
  const renewed = { endpoint: "https://push.example/new-" + Date.now(), keys: await key() };
  const devices = () => page.evaluate(async () => (await fetch("/api/v1/me/devices")).json());
  const stored = await page.evaluate(async (sub) => {
    const { csrf_token: csrf } = await (await fetch("/api/v1/me")).json();
    const r = await fetch("/api/v1/me/devices", { method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf }, body: JSON.stringify(sub) });
    return r.json();
  }, old);
  const before = await devices();
  assert.deepEqual(before.map((d) => d.id), [stored.id]);
  const [worker] = browser.ctx.serviceWorkers();
  assert.ok(worker, "the service worker runs");
  // What its pushsubscriptionchange handler does with the event's two
  // subscriptions (Chromium never fires the event itself).
  await worker.evaluate(([o, n]) => resubscribe(o, { toJSON: () => n }), [{ endpoint: old.endpoint }, renewed]);
  const after = await devices();
  assert.deepEqual(after.map((d) => d.id), [stored.id], "one device, the same one");
  await page.evaluate(async (id) => {
    const { csrf_token: csrf } = await (await fetch("/api/v1/me")).json();
    await fetch("/api/v1/me/devices/" + id, { method: "DELETE", headers: { "X-CSRF-Token": csrf } });
  }, stored.id);
  assert.deepEqual(page.errors, []);
  await page.close();
});
