// The room's layout as a person sees it: alone on a laptop her own tile
// and name stay above the control bar; when the other person leaves the
// page says she left (not "nobody here yet"); on a phone the initials of
// people without video never sit under their caption. Screenshots in
// Japanese and English at 360 px and desktop sizes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, screenshot } from "./harness.mjs";
import { watch, devRoomURL, waitInCall, identity, WAIT, press } from "./room-lib.mjs";

let server, browser;
const sink = { errors: [], logs: [] };
before(async () => { server = await startServer(); browser = await launchBrowser(server.url); });
after(async () => { await browser?.close(); await server?.stop(); });

function report(e) {
  console.error("console:\n" + sink.logs.slice(-60).join("\n") + "\nerrors:\n" + sink.errors.join("\n") + "\nserver:\n" + server.logs().slice(-4000));
  throw e;
}

// inJapanese makes the next room page open in Japanese (signed out, the
// page follows the browser, which speaks English here).
async function inJapanese(page) {
  await page.goto(server.url + "/healthz");
  await page.evaluate(() => localStorage.setItem("lang", "ja"));
}

// ownTileFits waits until the page's own tile and its name lie inside the
// stage, above the bar, and the name is what shows at its place.
async function ownTileFits(page, what) {
  const check = () => {
    const me = window.zdkRoom.identity();
    const tile = document.querySelector(`.tile[data-identity="${me}"][data-source="camera"]`);
    const name = tile?.querySelector(".name");
    if (!tile || !name) return null;
    const r = (n) => n.getBoundingClientRect();
    const stage = r(document.querySelector(".stage-wrap")), bar = r(document.getElementById("controls")), t = r(tile), n = r(name);
    const at = document.elementFromPoint(n.left + Math.min(n.width / 2, 20), n.top + n.height / 2);
    return { ok: t.top >= stage.top - 1 && t.bottom <= stage.bottom + 1 && stage.bottom <= bar.top + 1 && n.bottom <= bar.top && n.top >= stage.top && name.contains(at),
      tile: [Math.round(t.top), Math.round(t.bottom)], name: [Math.round(n.top), Math.round(n.bottom)], stage: [Math.round(stage.top), Math.round(stage.bottom)], bar: Math.round(bar.top) };
  };
  try {
    await page.waitForFunction((src) => (0, eval)(src)()?.ok, `(${check})`, { timeout: WAIT });
  } catch {
    assert.fail(`${what}: own tile or name outside the stage: ${JSON.stringify(await page.evaluate((src) => (0, eval)(src)(), `(${check})`))}`);
  }
}

test("alone on a laptop her own tile and name stay above the bar; when the other leaves, the page says so", async () => {
  const room = "e2e-ux-alone-" + Date.now();
  const a = await browser.ctx.newPage();
  watch(a, "naoko", sink);
  await a.setViewportSize({ width: 1280, height: 720 });
  await inJapanese(a);
  await a.goto(devRoomURL(server.url, room, "佐藤 直子"));
  await waitInCall(a, 0).catch(report);
  await ownTileFits(a, "alone at 1280×720");
  assert.match(await a.textContent("#alone"), /まだ誰もいません/);
  await screenshot(a, "room-ux-alone-1280-ja");
  await a.setViewportSize({ width: 1440, height: 900 });
  await ownTileFits(a, "alone at 1440×900");
  await a.click("#lang");
  await a.waitForFunction(() => document.documentElement.lang === "en", null, { timeout: WAIT });
  await ownTileFits(a, "alone at 1440×900 in English");
  await screenshot(a, "room-ux-alone-1440-en");
  // Speaker view with someone else: the large tile fits too.
  const b = await browser.ctx.newPage();
  watch(b, "rui", sink);
  await b.goto(devRoomURL(server.url, room, "林 るい"));
  await waitInCall(a, 1).catch(report);
  await a.click("#btn-layout");
  const idb = await identity(b);
  await a.waitForFunction((id) => {
    const main = document.querySelector(`.tile.main[data-identity="${id}"]`);
    const bar = document.getElementById("controls").getBoundingClientRect();
    return main && main.getBoundingClientRect().bottom <= bar.top + 1;
  }, idb, { timeout: WAIT }).catch(report);
  await screenshot(a, "room-ux-speaker-1440-en");
  await a.click("#btn-layout");

  // She left: the page names her, and does not say that nobody came yet.
  await b.click("#btn-leave");
  await a.waitForSelector("#alone:not([hidden])", { timeout: WAIT }).catch(report);
  const left = await a.textContent("#alone");
  assert.match(left, /林 るい has left/);
  assert.doesNotMatch(left, /yet/);
  await a.click("#lang");
  await a.waitForFunction(() => /林 るいさんは退出しました/.test(document.getElementById("alone").textContent), null, { timeout: WAIT }).catch(report);
  await screenshot(a, "room-ux-left-1440-ja");
  await a.close();
  await b.close();
  assert.deepEqual(sink.errors, []);
});

test("on a phone the initials of people without video sit above their captions, never under them", async () => {
  const room = "e2e-ux-group-" + Date.now();
  const names = [["山田 花子", "moderator"], ["Christopher Johnson", ""], ["佐々木 美由紀", ""]];
  const pages = [];
  for (const [name, role] of names) {
    const p = await browser.ctx.newPage();
    await inJapanese(p);
    watch(p, name, sink);
    await p.goto(devRoomURL(server.url, room, name, role));
    pages.push(p);
  }
  for (const p of pages) await waitInCall(p, 2).catch(report);
  const [a] = pages;
  // Cameras off (her own) and audio only (the others): every tile shows initials.
  await a.click("#btn-cam");
  await press(a, "btn-audio-only");
  await a.waitForFunction(() => document.querySelectorAll(".tile.no-video").length === 3, null, { timeout: WAIT }).catch(report);
  for (const lang of ["ja", "en"]) {
    const clashes = () => [...document.querySelectorAll(".tile.no-video")].map((f) => {
      const s = f.querySelector(".tile-avatar span").getBoundingClientRect(), c = f.querySelector("figcaption").getBoundingClientRect(), t = f.getBoundingClientRect();
      return { who: f.dataset.identity, ok: s.bottom <= c.top + 0.5 && s.top >= t.top - 0.5 && s.height > 16, s: [s.top, s.bottom], c: c.top, caption: f.querySelector("figcaption").textContent };
    }).filter((x) => !x.ok);
    const settled = await a.waitForFunction((src) => (0, eval)(src)().length === 0, `(${clashes})`, { timeout: WAIT }).then(() => true, () => false);
    await screenshot(a, `room-ux-group-360-${lang}`);
    assert.ok(settled, `${lang}: initials under a caption: ${JSON.stringify(await a.evaluate((src) => (0, eval)(src)(), `(${clashes})`))}`);
    if (lang === "ja") {
      await a.click("#lang");
      await a.waitForFunction(() => document.documentElement.lang === "en", null, { timeout: WAIT });
    }
  }
  await a.click("#lang");
  for (const p of pages) await p.close();
  assert.deepEqual(sink.errors, []);
});
