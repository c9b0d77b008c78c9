// Breakout groups through the real API and the embedded SFU: a moderator
// and three members of different companies in one roundtable. The
// moderator makes groups in her panel (by keyboard), puts herself with
// yoko and mika with keiko, and opens them for 30 seconds. Every page
// moves without a reload; each pair sees and hears each other and nobody
// else; the 30-second notice shows; at the end everyone is back in the
// main room by herself and all four see each other again. In a second
// round of ten minutes the moderator's message reaches both groups, she
// adds five minutes, visits the other group, goes back to the main room
// and calls everyone back. yoko muted her microphone
// before the move: it stays off through both moves, on the very same
// tracks, until she turns it on herself.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchIsolated, apiLogin, apiCall, screenshot } from "./harness.mjs";
import { watch, videoFlows, audioFlows, bothWays, createRoundtable, waitEval, until, audit, WAIT } from "./room-lib.mjs";

let server, browsers;
const sink = { errors: [], logs: [] };
before(async () => { server = await startServer(); browsers = await launchIsolated(server.url); });
after(async () => { await browsers?.close(); await server?.stop(); });

function report(e) {
  console.error("console:\n" + sink.logs.slice(-100).join("\n") + "\nerrors:\n" + sink.errors.join("\n") + "\nserver:\n" + server.logs().slice(-6000));
  throw e;
}

async function person(email, name, viewport) {
  const ctx = await browsers.newContext(viewport);
  const page = await ctx.newPage();
  watch(page, name, sink);
  const auth = await apiLogin(page, server.url, email);
  return { page, ...auth, id: auth.member.id, name };
}

// inRoom waits until p's page is in room ("main" or a group id) with
// exactly the people of others (identities) and nobody else.
async function inRoom(p, room, others, timeout = WAIT) {
  await waitEval(p.page, ([room, others]) => {
    const r = window.zdkRoom?.room;
    const ids = r ? [...r.remoteParticipants.keys()].sort() : [];
    return document.body.dataset.screen === "call" && document.body.dataset.group === room && r.state === "connected" &&
      JSON.stringify(ids) === JSON.stringify([...others].sort());
  }, [room, others], `${p.name} in room ${room} with ${others.length} others`, timeout);
}

// ownTracks: the ids of the camera and microphone tracks a page captures,
// and whether its microphone is muted, to show a move keeps them as they are.
function ownTracks(p) {
  return p.page.evaluate(() => {
    const lp = window.zdkRoom.room.localParticipant;
    const cam = lp.getTrackPublication("camera"), mic = lp.getTrackPublication("microphone");
    return { cam: cam?.track?.mediaStreamTrack.id, mic: mic?.track?.mediaStreamTrack.id, micMuted: !!mic?.isMuted,
      micLive: mic?.track?.mediaStreamTrack.readyState === "live" };
  });
}

// seesAll proves with decoded-frame counts, read for everyone at once,
// that p's page decodes the video of each of others and that it keeps
// coming (videoFlows reads one person at a time: twelve at once weigh on
// a busy machine).
async function seesAll(p, others) {
  const frames = () => p.page.evaluate(() => window.zdkRoom.stats());
  const first = await until(async () => { const f = await frames(); return others.every((o) => f[o.id]?.framesDecoded > 0) && f; },
    WAIT, `${p.name} decodes no video from some of ${others.map((o) => o.name)}`);
  await until(async () => { const f = await frames(); return others.every((o) => f[o.id].framesDecoded > first[o.id].framesDecoded); },
    15_000, `${p.name}: video from some of ${others.map((o) => o.name)} stopped`);
  for (const o of others) {
    const w = await p.page.evaluate((id) => document.querySelector(`.tile[data-identity="${id}"][data-source="camera"] video`)?.videoWidth, o.id);
    assert.ok(w > 0, `${p.name}'s tile of ${o.name} shows no video`);
  }
}

// shots keeps a group in progress as p's page shows it at the given
// widths in Japanese and English, checks it never scrolls sideways, and
// puts the page back in Japanese at its own size.
async function shots(p, name, widths) {
  const size = p.page.viewportSize();
  for (const lang of ["ja", "en"]) {
    if (await p.page.evaluate(() => document.documentElement.lang) !== lang) {
      await p.page.click("#lang");
      await p.page.waitForFunction((l) => document.documentElement.lang === l, lang, { timeout: WAIT });
    }
    for (const width of widths) {
      await p.page.setViewportSize({ width, height: width === 360 ? 780 : 900 });
      const wide = await p.page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(wide <= width, `${name} scrolls sideways at ${width} px in ${lang} (${wide} px)`);
      await screenshot(p.page, `${name}-${width}-${lang}`);
    }
  }
  await p.page.click("#lang");
  await p.page.waitForFunction(() => document.documentElement.lang === "ja", null, { timeout: WAIT });
  await p.page.setViewportSize(size);
}

test("breakout groups: two pairs talk apart, hear the moderator's message, are visited, and come back together at the end with their devices as they were", async (t) => {
  const started = Date.now();
  const op = await person("operator@zadankai.example", "moderator", { width: 1440, height: 900 });
  const yoko = await person("yoko@minato.example", "yoko");
  const mika = await person("mika@aozora.example", "mika");
  const keiko = await person("keiko@sakura.example", "keiko");
  const all = [op, yoko, mika, keiko];
  const rt = await createRoundtable(op, { title: "E2E グループに分かれて" });
  for (const m of [yoko, mika, keiko]) await apiCall(m.page, m.csrf, "POST", `/roundtables/${rt.id}/register`);
  for (const p of all) await p.page.goto(`${server.url}/room?roundtable=${rt.id}&autojoin=1`);
  for (const p of all) await inRoom(p, "main", all.filter((o) => o !== p).map((o) => o.id)).catch(report);
  t.diagnostic(`all four in the main room after ${Date.now() - started} ms`);

  // yoko turns her microphone off before any move (once it is on: a
  // click while it is still being published would turn it on).
  await yoko.page.waitForSelector('#btn-mic[aria-pressed="true"]', { timeout: WAIT }).catch(report);
  await yoko.page.click("#btn-mic");
  await yoko.page.waitForSelector('#btn-mic[aria-pressed="false"]', { timeout: WAIT }).catch(report);
  await op.page.waitForSelector(`.tile[data-identity="${yoko.id}"] .mic-off`, { timeout: WAIT }).catch(report);
  const yokoBefore = await ownTracks(yoko);
  assert.ok(yokoBefore.cam && yokoBefore.mic && yokoBefore.micMuted, `yoko's tracks before the move: ${JSON.stringify(yokoBefore)}`);
  const opBefore = await ownTracks(op);

  // The moderator makes groups of two, herself included, by keyboard.
  await op.page.click("#btn-groups");
  await op.page.selectOption("#groups-size", "2");
  await op.page.check("#groups-me");
  await op.page.focus("#groups-make");
  await op.page.keyboard.press("Enter");
  await op.page.waitForSelector("#groups-draft-h", { timeout: WAIT }).catch(report);
  for (const [p, g] of [[op, "1"], [yoko, "1"], [mika, "2"], [keiko, "2"]]) await op.page.selectOption(`[id="draft-${p.id}"]`, g);
  for (const [g, who] of [["1", [op, yoko]], ["2", [mika, keiko]]]) {
    const ids = await op.page.$$eval(`#groups-panel section.group[data-group="${g}"] li`, (li) => li.map((x) => x.dataset.member).sort());
    assert.deepEqual(ids, who.map((p) => p.id).sort(), `group ${g} in the draft`);
  }
  await op.page.fill("#groups-minutes", "0.5");
  await op.page.focus("#groups-open");
  await op.page.keyboard.press("Enter");
  const opened = Date.now();
  await op.page.waitForSelector('#groups-status[data-kind="done"]', { timeout: WAIT }).catch(report);

  // Each pair is alone together: sees and hears each other (yoko's
  // microphone is off: she hears the moderator, who sees her muted).
  await Promise.all([inRoom(op, "1", [yoko.id]), inRoom(yoko, "1", [op.id]), inRoom(mika, "2", [keiko.id]), inRoom(keiko, "2", [mika.id])]).catch(report);
  t.diagnostic(`everyone in her group ${Date.now() - opened} ms after opening`);
  // 30 seconds is all there is: the notice shows at once.
  await Promise.all([yoko, mika, keiko].map((p) => p.page.waitForSelector('.notice[data-key="breakout-end"]', { timeout: WAIT }))).catch(report);
  for (const p of [yoko, mika, keiko]) assert.match(await p.page.textContent('.notice[data-key="breakout-end"]'), /30秒後にメインルームに戻ります/);
  await Promise.all([
    bothWays(mika, keiko),
    videoFlows(op.page, yoko.id, "the moderator sees yoko in group 1"),
    videoFlows(yoko.page, op.id, "yoko sees the moderator in group 1"),
    audioFlows(yoko.page, op.id, "yoko hears the moderator in group 1"),
    op.page.waitForSelector(`.tile[data-identity="${yoko.id}"] .mic-off`, { timeout: WAIT }),
  ]).catch(report);
  for (const p of all) assert.ok(await p.page.locator("#audio-sink audio").count() <= 1, `${p.name} plays someone outside her group`);
  t.diagnostic(`both pairs see and hear each other ${Date.now() - opened} ms after opening`);
  assert.equal(await yoko.page.getAttribute("#btn-mic", "aria-pressed"), "false", "the move turned yoko's microphone on");
  assert.deepEqual(await ownTracks(yoko), yokoBefore, "yoko's tracks changed with the move");
  assert.match(await yoko.page.textContent("#breakout-bar"), /グループ1 · 残り00:[0-3]\d/);
  assert.match(await keiko.page.textContent("#breakout-bar"), /グループ2 · 残り00:[0-3]\d/);

  // The time is up: everyone is back in the main room by herself.
  for (const p of all) await inRoom(p, "main", all.filter((o) => o !== p).map((o) => o.id), WAIT + 30_000).catch(report);
  t.diagnostic(`everyone back ${Date.now() - opened} ms after opening`);
  await yoko.page.waitForSelector('.notice[data-key="breakout"]', { timeout: WAIT }).catch(report);
  assert.match(await yoko.page.textContent('.notice[data-key="breakout"]'), /メインルームに戻りました/);
  assert.equal(await yoko.page.isHidden("#breakout-bar"), true, "the group bar stayed after the return");
  await Promise.all(all.map((p) => seesAll(p, all.filter((o) => o !== p)))).catch(report);

  // yoko's microphone is still off, on the same tracks, until she turns it on herself.
  assert.equal(await yoko.page.getAttribute("#btn-mic", "aria-pressed"), "false", "the return turned yoko's microphone on");
  assert.deepEqual(await ownTracks(yoko), yokoBefore, "yoko's tracks changed with the return");
  assert.deepEqual(await ownTracks(op), opBefore, "the moderator's tracks changed with the moves");
  for (const p of [op, mika, keiko]) await p.page.waitForSelector(`.tile[data-identity="${yoko.id}"] .mic-off`, { timeout: WAIT }).catch(report);
  await yoko.page.click("#btn-mic");
  await yoko.page.waitForSelector('#btn-mic[aria-pressed="true"]', { timeout: WAIT }).catch(report);
  await Promise.all([mika, keiko, op].map((p) => audioFlows(p.page, yoko.id, `${p.name} hears yoko once she turns her microphone on`))).catch(report);
  await screenshot(op.page, "room-breakout-back");
  await movedTwice(all, 2);
  t.diagnostic(`the first round took ${Date.now() - started} ms`);
  await secondRound(t, op, all);
  t.diagnostic(`the whole scenario took ${Date.now() - started} ms`);
  assert.deepEqual(sink.errors, []);
});

// secondRound opens the proposed groups for ten minutes, sends a message
// to every group, adds five minutes, keeps screenshots of a group in
// progress, visits the other group and calls everyone back: all four are
// in the main room again.
async function secondRound(t, op, all) {
  const from = Date.now();
  await op.page.click("#groups-make");
  await op.page.waitForSelector("#groups-draft-h", { timeout: WAIT }).catch(report);
  assert.equal(await op.page.inputValue("#groups-minutes"), "0.5", "the panel forgot the time chosen last");
  await audit(op.page, "the proposed groups, 1440 px");
  await op.page.fill("#groups-minutes", "10");
  await op.page.click("#groups-open");
  for (const p of all) {
    await waitEval(p.page, () => !["main", undefined].includes(document.body.dataset.group) && window.zdkRoom.room.state === "connected" &&
      window.zdkRoom.room.remoteParticipants.size === 1, null, `${p.name} in a group of the second round`).catch(report);
  }
  t.diagnostic(`second round: everyone in a group after ${Date.now() - from} ms`);
  // A message to every group reaches both.
  await op.page.fill("#groups-message", "あと2分です");
  await op.page.click("#groups-send");
  for (const p of all.filter((x) => x !== op)) {
    await p.page.waitForSelector('.notice[data-key="breakout-msg"]', { timeout: WAIT }).catch(report);
    assert.match(await p.page.textContent('.notice[data-key="breakout-msg"]'), /モデレーターからのお知らせ：あと2分です/);
  }
  const member = all.find((p) => p !== op && p.page.viewportSize().width === 360);
  const left = async () => Number(/残り(\d\d):/.exec(await member.page.textContent("#breakout-bar"))?.[1]);
  assert.ok(await left() >= 9 && await left() <= 10, "ten minutes were asked for");
  await op.page.click("#groups-extend");
  await waitEval(member.page, () => /残り1[45]:/.test(document.getElementById("breakout-bar").textContent), null, "five more minutes on a member's bar").catch(report);
  t.diagnostic(`second round: extended after ${Date.now() - from} ms`);
  await audit(op.page, "the groups under way in the moderator's panel, 1440 px");
  await audit(member.page, "a group under way, 360 px");
  await shots(member, "room-breakout-member", [360]);
  await shots(op, "room-breakout-moderator", [1440, 360]);
  t.diagnostic(`second round: screenshots taken after ${Date.now() - from} ms`);
  await visit(op, all);
  await op.page.click("#groups-close");
  for (const p of all) await inRoom(p, "main", all.filter((o) => o !== p).map((o) => o.id)).catch(report);
  for (const p of all.filter((x) => x !== op)) {
    const notices = await p.page.$$eval(".notice", (n) => n.map((x) => `${x.dataset.key}: ${x.textContent}`));
    assert.ok(!notices.some((n) => n.startsWith("breakout-msg")), `the message to the groups stayed on ${p.name}'s page after the return: ${notices.join(" | ")}`);
  }
  await movedTwice(all, 4, 5);
}

// visit takes the moderator to the other group (its two people now see
// three in their room) and from there back to the main room, where
// she is alone while the groups talk.
async function visit(op, all) {
  const mine = await op.page.evaluate(() => document.body.dataset.group);
  const other = mine === "1" ? "2" : "1";
  const theirs = await op.page.$$eval(`#groups-panel section.group[data-group="${other}"] li`, (li) => li.map((x) => x.dataset.member));
  await op.page.click(`#groups-panel button[data-visit="${other}"]`);
  await inRoom(op, other, theirs).catch(report);
  for (const p of all.filter((x) => theirs.includes(x.id))) await inRoom(p, other, all.filter((x) => x !== p && (x === op || theirs.includes(x.id))).map((x) => x.id)).catch(report);
  await op.page.click("#breakout-main");
  await inRoom(op, "main", []).catch(report);
  assert.match(await op.page.textContent("#breakout-bar"), /グループで話しています · 残り1[45]:/);
}

// movedTwice checks each page moved as often as it should in all: into
// her group and back once a round, never to and fro; the moderator
// visited once more.
async function movedTwice(all, n, forModerator = n) {
  for (const p of all) {
    assert.equal(await p.page.evaluate(() => window.zdkRoom.call.moves), p === all[0] ? forModerator : n, `${p.name}'s page moved between rooms`);
  }
}
