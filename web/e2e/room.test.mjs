// The room page (web/static/room.html) in real Chromium against the
// embedded SFU: two members in a 1:1 room (dev tokens: a real consultation
// opens only around its booked time) see each other's video, mute and chat.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, screenshot, apiLogin, apiCall } from "./harness.mjs";
import { openPair, watch, devRoomURL, waitInCall, identity, videoFlows, WAIT, press } from "./room-lib.mjs";

let server, browser;
const sink = { errors: [], logs: [] };
before(async () => { server = await startServer(); browser = await launchBrowser(server.url); });
after(async () => { await browser?.close(); await server?.stop(); });

function report(e) {
  console.error("console:\n" + sink.logs.slice(-60).join("\n") + "\nerrors:\n" + sink.errors.join("\n") + "\nserver:\n" + server.logs().slice(-5000));
  throw e;
}

test("1:1 room: both see the other's video, mute shows on the other side, chat arrives", async () => {
  const { a, b, ida, idb } = await openPair(browser, server.url, sink, "e2e-pair-", ["alice", "bob"], report);
  await videoFlows(a, idb, "alice sees bob").catch(report);
  await videoFlows(b, ida, "bob sees alice").catch(report);

  // Chromium answers the SFU's transport-wide sequence numbers with
  // feedback, so both downlinks have a bandwidth estimate (congestion
  // control is live, not idle for want of feedback).
  const estimated = async () => {
    const text = await (await fetch(server.url + "/metrics")).text();
    return Number(/^zadankai_sfu_downlinks_estimated (\d+)/m.exec(text)?.[1] ?? -1);
  };
  for (let t0 = Date.now(); (await estimated()) < 2; await new Promise((r) => setTimeout(r, 200))) {
    if (Date.now() - t0 > 10000) report(new Error(`downlinks with an estimate: ${await estimated()}, want 2 (no TWCC feedback from Chromium?)`));
  }

  // Connection quality shows a reading (measured from the page's own
  // receive statistics while the media plane sends none).
  await b.waitForSelector(`.tile[data-identity="${ida}"] .quality:is(.q-excellent, .q-good)`, { timeout: WAIT }).catch(report);
  await b.waitForSelector(`.tile[data-identity="${idb}"] .quality:is(.q-excellent, .q-good)`, { timeout: WAIT }).catch(report);

  // Mute: alice turns her microphone off; bob's page shows it on her tile.
  const micOff = (id) => `.tile[data-identity="${id}"][data-source="camera"] .mic-off`;
  assert.equal(await b.locator(micOff(ida)).count(), 0, "alice shows as muted before muting");
  await a.click("#btn-mic");
  await a.waitForSelector('#btn-mic[aria-pressed="false"]');
  await b.waitForSelector(micOff(ida), { timeout: WAIT }).catch(report);
  await a.click("#btn-mic");
  await b.waitForSelector(micOff(ida), { state: "detached", timeout: WAIT }).catch(report);

  // Chat: alice writes, bob sees the unread count and the message.
  await a.click("#btn-chat");
  await a.fill("#chat-input", "こんにちは、聞こえますか？");
  await a.click("#chat-send");
  await b.waitForSelector('#btn-chat[data-unread="1"]', { timeout: WAIT }).catch(report);
  await b.click("#btn-chat");
  await b.waitForFunction(() => document.getElementById("chat-log")?.textContent.includes("こんにちは、聞こえますか？"), null, { timeout: WAIT });
  assert.match(await b.textContent("#chat-log"), /alice/);
  // her own line says "you", not her name with an honorific
  assert.match(await a.textContent("#chat-log li.mine .who"), /^(あなた|You)$/);
  await screenshot(b, "room-pair-bob-chat");
  await b.click("#btn-chat");
  await a.click("#btn-chat");

  // Stepping away: alice's camera goes off and bob sees her friendly status.
  await press(a, "btn-away");
  await b.waitForSelector(`.tile.away.no-video[data-identity="${ida}"] .state.away`, { timeout: WAIT }).catch(report);
  assert.equal(await a.getAttribute("#btn-cam", "aria-pressed"), "false");
  await screenshot(b, "room-pair-bob-sees-away");
  await press(a, "btn-away");
  await b.waitForSelector(`.tile.away[data-identity="${ida}"]`, { state: "detached", timeout: WAIT }).catch(report);
  await videoFlows(b, ida, "bob sees alice back").catch(report);

  // Speaker view puts the other person large.
  await press(b, "btn-layout");
  assert.deepEqual(await b.evaluate(() => window.zdkRoom.layout()), { mode: "speaker", main: ida });

  // Screen share: alice's screen arrives as its own tile, large in speaker view.
  await press(a, "btn-share");
  await b.waitForSelector(`.tile.screen.main[data-identity="${ida}"] video:not([hidden])`, { timeout: WAIT }).catch(report);
  await b.waitForFunction((id) => document.querySelector(`.tile.screen[data-identity="${id}"] video`).videoWidth > 0, ida, { timeout: WAIT }).catch(report);
  await screenshot(b, "room-pair-bob-screen");
  await press(a, "btn-share");
  await a.waitForFunction(() => ![...window.zdkRoom.room.localParticipant.trackPublications.values()].some((p) => p.source === "screen_share"), null, { timeout: WAIT });
  // That bob's page then drops the tile is checked by the test below.
  await screenshot(a, "room-pair-alice");
  await screenshot(b, "room-pair-bob-speaker");
  await a.setViewportSize({ width: 1440, height: 900 });
  await a.click("#btn-chat");
  await screenshot(a, "room-pair-alice-desktop");
  await a.click("#btn-chat");
  await a.waitForTimeout(4000);
  await screenshot(a, "room-pair-alice-desktop-later");

  // Leaving: alice's page says so and offers to rejoin; bob no longer shows her.
  await a.click("#btn-leave");
  await a.waitForSelector('#ended-msg[data-reason="left_room"]', { timeout: WAIT }).catch(report);
  assert.equal(await a.isVisible("#rejoin"), true);
  await b.waitForSelector(`.tile[data-identity="${ida}"]`, { state: "detached", timeout: WAIT }).catch(report);
  assert.equal(await b.isVisible("#alone"), true);
  assert.deepEqual(sink.errors, []);
});

test("weak network: after poor quality the page pauses incoming video (audio only), and resumes it on request", async () => {
  const room = "e2e-weak-" + Date.now();
  const a = await browser.ctx.newPage();
  const b = await browser.ctx.newPage();
  watch(a, "carol", sink);
  watch(b, "dave", sink);
  await a.goto(devRoomURL(server.url, room, "carol"));
  await b.goto(devRoomURL(server.url, room, "dave"));
  await waitInCall(b, 1).catch(report);
  const ida = await identity(a);
  await videoFlows(b, ida, "dave sees carol").catch(report);
  // The quality reading is what the SFU reports; feed the monitor a poor
  // one over 13 s of its clock and let the real subscription change follow.
  await b.evaluate(() => {
    const n = window.zdkRoom.call.network, t0 = Date.now();
    n.stop();
    n.quality("poor");
    n.tick(t0); n.tick(t0 + 5000); n.tick(t0 + 13000);
  });
  await b.waitForSelector('#banner[data-kind="warn"] button', { timeout: WAIT });
  assert.equal(await b.evaluate(() => document.body.dataset.video), "off");
  const paused = await b.evaluate((id) => [...window.zdkRoom.room.remoteParticipants.get(id).videoTrackPublications.values()].every((p) => !p.isEnabled), ida);
  assert.ok(paused, "incoming video was not paused");
  await b.waitForSelector(`.tile.no-video[data-identity="${ida}"]`, { timeout: WAIT }); // the avatar, not a frozen frame
  await b.waitForTimeout(1500); // let frames in flight drain
  const f1 = (await b.evaluate(() => window.zdkRoom.stats()))[ida]?.framesDecoded ?? 0;
  await b.waitForTimeout(2000);
  const f2 = (await b.evaluate(() => window.zdkRoom.stats()))[ida]?.framesDecoded ?? 0;
  assert.ok(f2 - f1 <= 2, `video kept flowing while paused: ${f1} → ${f2}`);
  await screenshot(b, "room-weak-network-audio-only");
  await b.click('#banner[data-kind="warn"] button');
  await videoFlows(b, ida, "dave sees carol after resuming").catch(report);
  assert.equal(await b.isHidden("#banner"), true);
  assert.deepEqual(sink.errors, []);
});

test("pre-join: denied camera and microphone get a clear message, and the person can still join to listen and watch", async () => {
  const room = "e2e-denied-" + Date.now();
  const a = await browser.ctx.newPage();
  const b = await browser.ctx.newPage();
  watch(a, "erin", sink);
  watch(b, "frank", sink);
  // As a browser that was refused permission answers getUserMedia.
  await b.addInitScript(() => {
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("Permission denied", "NotAllowedError"));
  });
  await a.goto(devRoomURL(server.url, room, "erin"));
  await waitInCall(a, 0).catch(report);
  await b.goto(devRoomURL(server.url, room, "frank").replace("&autojoin=1", ""));
  await b.waitForSelector(".prejoin-problem:not(:empty)", { timeout: WAIT });
  assert.match(await b.textContent(".prejoin-problem"), /not allowed|許可されていません/);
  await screenshot(b, "room-prejoin-denied");
  await b.click("#join-btn");
  await waitInCall(b, 1).catch(report);
  await videoFlows(b, await identity(a), "frank sees erin without devices of his own").catch(report);
  assert.equal(await b.isDisabled("#btn-mic"), false);
  await a.waitForSelector(`.tile.no-video[data-identity="${await identity(b)}"] .mic-off`, { timeout: WAIT }).catch(report);
  assert.deepEqual(sink.errors, []);
});

test("a stopped screen share disappears from the other page", async () => {
  const room = "e2e-share-" + Date.now();
  const a = await browser.ctx.newPage();
  const b = await browser.ctx.newPage();
  await a.goto(devRoomURL(server.url, room, "gina"));
  await b.goto(devRoomURL(server.url, room, "hal"));
  await waitInCall(a, 1);
  await waitInCall(b, 1);
  const ida = await identity(a);
  await press(a, "btn-share");
  await b.waitForSelector(`.tile.screen[data-identity="${ida}"]`, { timeout: WAIT });
  await press(a, "btn-share");
  await b.waitForSelector(`.tile.screen[data-identity="${ida}"]`, { state: "detached", timeout: 15_000 });
});

test("entry refused: a consultation that is not open yet, an unknown one and a page without a room each say why", async () => {
  const page = await browser.ctx.newPage();
  watch(page, "hanako", sink);
  const { csrf } = await apiLogin(page, server.url, "hanako@sakura.example");
  const { consultations } = await apiCall(page, csrf, "GET", "/consultations");
  // One whose room is not open yet (the demo also has one under way now).
  const booked = consultations.find((c) => c.status === "booked" && c.booked && Date.parse(c.booked.start) > Date.now() + 15 * 60_000);
  assert.ok(booked, "the demo data has no booked consultation later than 15 minutes from now");
  const cases = [
    [`/room.html?consultation=${booked.id}`, /まだ入室できません|not open yet/],
    ["/room?consultation=cs_doesnotexist", /見つかりません|not found|権限|may not/],
    ["/room", /ルームが指定されていません|No room was given/],
  ];
  for (const [path, want] of cases) {
    await page.goto(server.url + path);
    await page.waitForSelector("#ended-msg", { timeout: WAIT }).catch(report);
    assert.match(await page.textContent("#ended-msg"), want, path);
    assert.equal(await page.isVisible("#prejoin"), false, `${path}: the device check opened anyway`);
  }
  await screenshot(page, "room-entry-refused");
  assert.deepEqual(sink.errors.filter((e) => e.startsWith("hanako")), []);
});

test("the dev page opens the real room page for any room, name and role", async () => {
  const page = await browser.ctx.newPage();
  watch(page, "devpage", sink);
  await page.goto(`${server.url}/dev`);
  await page.fill("#room", "e2e-devpage-" + Date.now());
  await page.fill("#name", "kim");
  await page.selectOption("#role", "moderator");
  await page.click("#open-room");
  await page.waitForURL(/\/room\?dev=1&room=e2e-devpage-\d+&name=kim&role=moderator/);
  await page.waitForSelector("#join-btn:not([disabled])", { timeout: WAIT });
  await screenshot(page, "room-prejoin-dev");
  await page.click("#join-btn");
  await waitInCall(page, 0).catch(report);
  const me = await identity(page);
  assert.match(await page.textContent(`.tile[data-identity="${me}"] .badge.mod`), /Moderator|モデレーター/);
  assert.deepEqual(sink.errors.filter((e) => e.startsWith("devpage")), []);
});

test("without the built bundle the room page says how to build it", async () => {
  const page = await browser.ctx.newPage();
  await page.route("**/assets/dist/room.js", (route) => route.fulfill({ status: 404, body: "not found" }));
  await page.goto(`${server.url}/room?dev=1&room=x&name=y`);
  await page.waitForSelector("#bundle-missing:not([hidden])", { timeout: WAIT });
  assert.match(await page.textContent("#bundle-missing"), /\.\/scripts\/run\.sh/);
  assert.equal(await page.isHidden("#boot"), true);
});
