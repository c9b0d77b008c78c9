// The room on a phone (360×740): an open panel is a bottom sheet under
// the stage, so the guest speaker stays in view and keeps playing; the
// moderator's control bar is one row with a "More" menu for the rest,
// which works by mouse and keyboard and carries her room-wide actions.
// On a desktop nothing folds. Screenshots at 360 px (ja) and 1440 px (en).
import { test, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchIsolated, apiLogin, apiCall, screenshot } from "./harness.mjs";
import { watch, waitInCall, videoFlows, until, press, createRoundtable, audit, WAIT } from "./room-lib.mjs";

const phone = { width: 360, height: 740 };
let server, browsers;
const sink = { errors: [], logs: [] };
before(async () => { server = await startServer(); browsers = await launchIsolated(server.url); });
after(async () => { await browsers?.close(); await server?.stop(); });
const open = [];
afterEach(async () => { for (const ctx of open.splice(0)) await ctx.close().catch(() => {}); });

function report(e) {
  console.error("console:\n" + sink.logs.slice(-80).join("\n") + "\nerrors:\n" + sink.errors.join("\n") + "\nserver:\n" + server.logs().slice(-6000));
  throw e;
}

async function person(email, viewport = phone) {
  const ctx = await browsers.newContext(viewport);
  open.push(ctx);
  const page = await ctx.newPage();
  watch(page, email.split("@")[0], sink);
  const auth = await apiLogin(page, server.url, email);
  return { page, ...auth, id: auth.member.id };
}

async function enter(rt, people) {
  for (const p of people) await p.page.goto(`${server.url}/room?roundtable=${rt.id}&autojoin=1`);
  for (const p of people) await waitInCall(p.page, people.length - 1).catch(report);
}

// openPanel presses the panel's button in the bar, or, folded on a phone,
// its item under "More"; it returns the id of the button focus goes back to.
async function openPanel(page, name) {
  await press(page, `btn-${name}`);
  await page.waitForSelector(`#${name}-panel:not([hidden])`, { timeout: WAIT });
  assert.ok(await page.evaluate((n) => document.getElementById(`${n}-panel`).contains(document.activeElement), name), `${name}: focus is not in the panel`);
  return (await page.isVisible(`#btn-${name}`)) ? `btn-${name}` : "btn-more";
}

// speakerInView says where the speaker's video lies: inside the viewport,
// above (or beside) the open panel, and how high.
function speakerInView(id) {
  const v = document.querySelector(`.tile[data-identity="${id}"][data-source="camera"] video`)?.getBoundingClientRect();
  const side = document.getElementById("side");
  const s = side.hidden ? null : side.getBoundingClientRect();
  if (!v) return { ok: false, why: "no video" };
  const clear = !s || v.bottom <= s.top + 1 || v.right <= s.left + 1;
  const inside = v.top >= -1 && v.left >= -1 && v.bottom <= innerHeight + 1 && v.right <= innerWidth + 1;
  return { ok: clear && inside && v.height >= 120, video: [v.left, v.top, v.width, v.height].map(Math.round), side: s && [s.left, s.top, s.width, s.height].map(Math.round) };
}

async function assertSpeakerShown(page, id, what) {
  const ok = await until(async () => (await page.evaluate(speakerInView, id)).ok, WAIT, what).then(() => true, () => false);
  assert.ok(ok, `${what}: the speaker's video is not in view: ${JSON.stringify(await page.evaluate(speakerInView, id))}`);
  await videoFlows(page, id, `${what}: frames advance`);
}

async function closeBy(page, name, how, back) {
  if (how === "escape") await page.keyboard.press("Escape");
  else await page.click(`#${name}-panel .panel-head button`);
  await page.waitForSelector("#side", { state: "hidden", timeout: WAIT });
  assert.equal(await page.evaluate(() => document.activeElement?.id), back, `${name} closed by ${how}: focus did not return`);
}

test("on a phone an open panel is a sheet under the stage: the guest speaker stays in view and playing", async () => {
  const op = await person("operator@zadankai.example");
  const speaker = await person("speaker@guest.example", { width: 1440, height: 900 });
  const keiko = await person("keiko@sakura.example");
  const rt = await createRoundtable(op, { talk: "stage", speakers: [speaker.id], title: "E2E スマホ" });
  await apiCall(keiko.page, keiko.csrf, "POST", `/roundtables/${rt.id}/register`);
  await enter(rt, [op, speaker, keiko]);
  await videoFlows(keiko.page, speaker.id, "keiko sees the guest speaker").catch(report);
  // As in a talk: the moderator puts the guest speaker in the spotlight.
  await apiCall(op.page, op.csrf, "POST", `/roundtables/${rt.id}/moderation`, { action: "spotlight", identity: speaker.id });
  for (const p of [op, keiko]) await p.page.waitForFunction((id) => window.zdkRoom.layout().main === id, speaker.id, { timeout: WAIT }).catch(report);
  let how = "escape";
  for (const [who, name] of [[keiko, "chat"], [keiko, "people"], [keiko, "qa"], [op, "groups"], [op, "people"]]) {
    const what = `${who === op ? "moderator" : "member"} with ${name} open`;
    const back = await openPanel(who.page, name).catch(report);
    await assertSpeakerShown(who.page, speaker.id, what).catch(report);
    if (name === "chat" || name === "groups") await screenshot(who.page, `room-phone-sheet-${name}-360-ja`);
    if (name === "qa") await audit(keiko.page, "questions open as a sheet, 360 px");
    await closeBy(who.page, name, how, back).catch(report);
    how = how === "escape" ? "button" : "escape";
  }
  // Held sideways the panel takes the right side; the speaker stays left of it.
  await keiko.page.setViewportSize({ width: 740, height: 360 });
  const back = await openPanel(keiko.page, "chat");
  await screenshot(keiko.page, "room-phone-landscape-chat-740-ja");
  assert.equal((await keiko.page.evaluate(barRows)).tops.length, 1, "the bar wraps held sideways");
  await assertSpeakerShown(keiko.page, speaker.id, "landscape 740×360 with chat open").catch(report);
  await closeBy(keiko.page, "chat", "escape", back);
  assert.deepEqual(sink.errors, []);
});

// barRows says how the visible control-bar buttons lie: their tops, and
// whether the page scrolls sideways.
function barRows() {
  const shown = [...document.querySelectorAll("#controls > button")].filter((b) => b.offsetParent !== null);
  return { n: shown.length, tops: [...new Set(shown.map((b) => Math.round(b.getBoundingClientRect().top)))],
    wide: document.documentElement.scrollWidth > innerWidth, ids: shown.map((b) => b.id) };
}

const menuState = () => ({ open: !document.getElementById("more-menu").hidden, expanded: document.getElementById("btn-more").getAttribute("aria-expanded"),
  focus: document.activeElement?.dataset?.item || document.activeElement?.id });

test("a moderator's bar on a phone is one row; More opens a real menu, and mute all through it mutes a member", async () => {
  const op = await person("operator@zadankai.example");
  const yoko = await person("yoko@minato.example");
  const rt = await createRoundtable(op);
  await apiCall(yoko.page, yoko.csrf, "POST", `/roundtables/${rt.id}/register`);
  await enter(rt, [op, yoko]);
  for (const p of [op, yoko]) {
    const bar = await p.page.evaluate(barRows);
    assert.equal(bar.tops.length, 1, `the bar wraps into rows: ${JSON.stringify(bar)}`);
    assert.equal(bar.wide, false, "the page scrolls sideways");
    for (const id of ["btn-mic", "btn-cam", "btn-chat", "btn-more", "btn-leave"]) assert.ok(bar.ids.includes(id), `${id} not in the bar: ${JSON.stringify(bar)}`);
  }
  const page = op.page;
  assert.equal(await page.getAttribute("#btn-more", "aria-haspopup"), "menu");
  assert.equal(await page.textContent("#btn-more .cap"), "その他");

  // By click: open, the room's actions are there, a click outside closes.
  await page.click("#btn-more");
  assert.deepEqual(await page.evaluate(menuState), { open: true, expanded: "true", focus: await page.getAttribute("#more-menu [role^=menuitem]", "data-item") });
  for (const item of ["btn-away", "btn-layout", "btn-qa", "mute_all", "lock", "lobby", "end"]) assert.equal(await page.isVisible(`#more-menu [data-item="${item}"]`), true, `${item} not in the menu`);
  await screenshot(page, "room-phone-more-menu-360-ja");
  await audit(page, "More menu open, 360 px");
  const box = await page.locator("#more-menu").boundingBox();
  assert.ok(box.x > 20, `the menu covers the stage's left edge: ${JSON.stringify(box)}`);
  await page.mouse.click(10, box.y + 10);
  assert.equal((await page.evaluate(menuState)).open, false, "a click outside left the menu open");
  assert.equal(await page.getAttribute("#btn-hand", "aria-pressed"), "false", "the click outside did something in the menu");

  // By keyboard: Enter opens on the first item, arrows move and wrap, Escape returns.
  await page.focus("#btn-more");
  await page.keyboard.press("Enter");
  const order = await page.$$eval("#more-menu [role^=menuitem]", (l) => l.map((b) => b.dataset.item));
  assert.equal((await page.evaluate(menuState)).focus, order[0]);
  await page.keyboard.press("ArrowDown");
  assert.equal((await page.evaluate(menuState)).focus, order[1]);
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("ArrowUp");
  assert.equal((await page.evaluate(menuState)).focus, order.at(-1), "ArrowUp does not wrap to the last item");
  await page.keyboard.press("Escape");
  assert.deepEqual(await page.evaluate(menuState), { open: false, expanded: "false", focus: "btn-more" });
  // ArrowUp on the button opens on the last item; Tab leaves the menu closed, on to the next button.
  await page.keyboard.press("ArrowUp");
  assert.deepEqual(await page.evaluate(menuState), { open: true, expanded: "true", focus: order.at(-1) });
  await page.keyboard.press("Tab");
  assert.deepEqual(await page.evaluate(menuState), { open: false, expanded: "false", focus: "btn-leave" });

  // Mute all from the menu: yoko's own page shows her microphone off.
  await yoko.page.waitForSelector('#btn-mic[aria-pressed="true"]', { timeout: WAIT }).catch(report);
  await page.click("#btn-more");
  await page.click('#more-menu [data-item="mute_all"]');
  await page.waitForSelector('#mod-status[data-kind="done"]', { timeout: WAIT }).catch(report);
  await yoko.page.waitForSelector('#btn-mic[aria-pressed="false"]', { timeout: WAIT }).catch(report);
  assert.equal(await page.isVisible("#mod-status"), true, "the answer is not in view");
  await screenshot(page, "room-phone-mute-all-360-ja");

  // On a desktop every button is in the bar again, and no More.
  await page.keyboard.press("Escape");
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.click("#lang");
  await page.waitForFunction(() => document.documentElement.lang === "en", null, { timeout: WAIT });
  const wide = await page.evaluate(barRows);
  assert.equal(await page.isVisible("#btn-more"), false, "More shows on a desktop");
  assert.equal(wide.n, await page.$$eval("#controls > button:not([hidden]):not(#btn-more)", (l) => l.length), `buttons folded on a desktop: ${JSON.stringify(wide)}`);
  assert.ok(wide.n >= 11, JSON.stringify(wide));
  await screenshot(page, "room-phone-bar-1440-en");
  // and a panel is the column beside the stage, as before
  await page.click("#btn-people");
  const side = await page.locator("#side").boundingBox();
  assert.ok(side.x >= 1440 - 361 && side.height > 600, `the panel is not a column at the right: ${JSON.stringify(side)}`);
  await screenshot(page, "room-phone-people-1440-en");
  await page.click("#lang");
  assert.deepEqual(sink.errors, []);
});
