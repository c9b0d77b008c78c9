// A roundtable through the real API: the operator creates it and
// moderates, two members of different companies register and join. The
// moderator spotlights one (both other pages switch to spotlight on her),
// sees a raised hand in the queue, mutes the other and removes her (her
// page says so). Each person has their own browser context (cookie jar).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchIsolated, apiLogin, apiCall, screenshot } from "./harness.mjs";
import { watch, waitInCall, videoFlows, WAIT } from "./room-lib.mjs";

let server, browsers;
const sink = { errors: [], logs: [] };
before(async () => { server = await startServer(); browsers = await launchIsolated(server.url); });
after(async () => { await browsers?.close(); await server?.stop(); });

function report(e) {
  console.error("console:\n" + sink.logs.slice(-80).join("\n") + "\nerrors:\n" + sink.errors.join("\n") + "\nserver:\n" + server.logs().slice(-6000));
  throw e;
}

// person opens a context for one account and signs in.
async function person(email, viewport) {
  const ctx = await browsers.newContext(viewport);
  const page = await ctx.newPage();
  watch(page, email.split("@")[0], sink);
  const auth = await apiLogin(page, server.url, email);
  return { page, ...auth, id: auth.member.id };
}

async function createRoundtable(op, extra = {}) {
  return apiCall(op.page, op.csrf, "POST", "/roundtables", {
    title: "E2E 座談会: 復職後のキャリア", description: "", axis: "career", themes: [], start: new Date(Date.now() + 5 * 60_000).toISOString(),
    minutes: 60, time_zone: "Asia/Tokyo", format: "online", venue: "", capacity: 10, talk: "small_round",
    moderators: [op.id], speakers: [], excluded_companies: [], close_before_minutes: 0, lobby: false, ...extra,
  });
}

// modAction clicks a moderator button and waits for the server's answer.
async function modAction(page, action, identity) {
  const sel = `#people-panel button[data-action="${action}"]` + (identity ? `[data-identity="${identity}"]` : "");
  const before = await page.textContent("#mod-status");
  await page.click(sel);
  if (action === "remove" || action === "end") await page.click(".room-dialog button.danger");
  await page.waitForFunction((b) => { const s = document.getElementById("mod-status").textContent; return s !== b && !/実行しています|Working/.test(s); }, before, { timeout: WAIT });
  const status = await page.textContent("#mod-status");
  assert.ok(!(await page.$('#mod-status[data-kind="error"]')), `${action}: the server refused: ${status}`);
  return status;
}

test("roundtable: spotlight, hand queue, moderator mute and removal through the moderation API", async (t) => {
  const op = await person("operator@zadankai.example", { width: 1440, height: 900 });
  const yoko = await person("yoko@minato.example");
  const emma = await person("emma@minato.example");
  const rt = await createRoundtable(op);
  for (const m of [yoko, emma]) await apiCall(m.page, m.csrf, "POST", `/roundtables/${rt.id}/register`);
  for (const p of [op, yoko, emma]) await p.page.goto(`${server.url}/room.html?roundtable=${rt.id}&autojoin=1${process.env.ROOM_Q || ""}`);
  for (const p of [op, yoko, emma]) await waitInCall(p.page, 2).catch(report);
  await videoFlows(yoko.page, emma.id, "yoko sees emma").catch(report);
  await videoFlows(emma.page, op.id, "emma sees the moderator").catch(report);
  assert.match(await yoko.page.textContent(`.tile[data-identity="${op.id}"] .badge.mod`), /モデレーター/);
  assert.equal(await op.page.isVisible("#btn-people"), true);

  // Spotlight yoko: both other pages switch to the spotlight layout on her.
  await op.page.click("#btn-people");
  await modAction(op.page, "spotlight", yoko.id).catch(report);
  for (const p of [emma, op, yoko]) {
    await p.page.waitForFunction((id) => { const l = window.zdkRoom.layout(); return l.mode === "spotlight" && l.main === id; }, yoko.id, { timeout: WAIT }).catch(report);
  }

  // Not asserted (layer choice is the media plane's): how large the
  // spotlighted video arrives on the desktop page once it is shown large.
  await op.page.waitForTimeout(3000);
  const size = await op.page.evaluate((id) => window.zdkRoom.stats().then((s) => s[id]?.width), yoko.id);
  t.diagnostic(`spotlighted video on the 1440 px page arrives ${size} px wide`);

  // A raised hand appears in the moderator's queue, with its time.
  await yoko.page.click("#btn-hand");
  await op.page.waitForSelector(`#hand-queue li[data-identity="${yoko.id}"]`, { timeout: WAIT }).catch(report);
  assert.ok(Number(await yoko.page.evaluate(() => window.zdkRoom.room.localParticipant.attributes.hand)) > Date.now() - 60_000);

  // Moderator mute: emma's own page shows her microphone off, and so do the others.
  await modAction(op.page, "mute_mic", emma.id).catch(report);
  await emma.page.waitForSelector('#btn-mic[aria-pressed="false"]', { timeout: WAIT }).catch(report);
  await yoko.page.waitForSelector(`.tile[data-identity="${emma.id}"] .mic-off`, { timeout: WAIT }).catch(report);
  await screenshot(op.page, "room-roundtable-moderator");
  await screenshot(yoko.page, "room-roundtable-spotlight");

  // Ask to unmute: only a request; emma says yes herself.
  await modAction(op.page, "ask_unmute", emma.id).catch(report);
  await emma.page.waitForSelector("#ask:not([hidden]) #ask-yes", { timeout: WAIT }).catch(report);
  assert.match(await emma.page.textContent("#ask"), /asks you to turn on your microphone/);
  assert.equal(await emma.page.getAttribute("#btn-mic", "aria-pressed"), "false", "asking unmuted her");
  await emma.page.click("#ask-yes");
  await yoko.page.waitForSelector(`.tile[data-identity="${emma.id}"] .mic-off`, { state: "detached", timeout: WAIT }).catch(report);

  // The language switch relabels the call without leaving it.
  await yoko.page.click("#lang");
  await yoko.page.waitForFunction(() => document.querySelector("#btn-leave .cap").textContent === "Leave" && document.documentElement.lang === "en");
  assert.equal(await yoko.page.evaluate(() => document.body.dataset.screen), "call");
  await yoko.page.click("#lang");

  // Removal: emma's page ends with a clear message; the others no longer show her.
  await modAction(op.page, "remove", emma.id).catch(report);
  await emma.page.waitForSelector('#ended-msg[data-reason="removed_msg"]', { timeout: WAIT }).catch(report);
  assert.match(await emma.page.textContent("#ended-msg"), /removed you/);
  await yoko.page.waitForSelector(`.tile[data-identity="${emma.id}"]`, { state: "detached", timeout: WAIT }).catch(report);
  const again = await emma.page.evaluate(async ([id, csrf]) => (await fetch(`/api/v1/roundtables/${id}/join`, { method: "POST", headers: { "X-CSRF-Token": csrf } })).status, [rt.id, emma.csrf]);
  assert.equal(again, 403, "a removed member got a new token");
  await screenshot(emma.page, "room-roundtable-removed");
  await screenshot(op.page, "room-roundtable-moderator-end");

  // End for everyone: every page says the session is over, none offers to rejoin.
  await op.page.click('#people-panel button[data-action="end"]');
  await op.page.click(".room-dialog button.danger");
  for (const p of [yoko, op]) {
    await p.page.waitForSelector('#ended-msg[data-reason="ended_for_all"]', { timeout: WAIT }).catch(report);
    assert.equal(await p.page.$("#rejoin"), null);
  }
  await screenshot(yoko.page, "room-roundtable-ended");
  assert.deepEqual(sink.errors, []);
});

test("roundtable: the moderator lowers all hands and mutes everyone but the stage from the panel", async () => {
  const op = await person("operator@zadankai.example", { width: 1440, height: 900 });
  const yoko = await person("yoko@minato.example");
  const emma = await person("emma@minato.example");
  const rt = await createRoundtable(op, { title: "E2E 全員ミュート" });
  for (const m of [yoko, emma]) await apiCall(m.page, m.csrf, "POST", `/roundtables/${rt.id}/register`);
  for (const p of [op, yoko, emma]) await p.page.goto(`${server.url}/room.html?roundtable=${rt.id}&autojoin=1`);
  for (const p of [op, yoko, emma]) await waitInCall(p.page, 2).catch(report);
  await op.page.click("#btn-people");
  for (const m of [yoko, emma]) {
    await m.page.click("#btn-hand");
    await op.page.waitForSelector(`#hand-queue li[data-identity="${m.id}"]`, { timeout: WAIT }).catch(report);
  }
  await modAction(op.page, "lower_all_hands").catch(report);
  for (const m of [yoko, emma]) {
    await op.page.waitForSelector(`#hand-queue li[data-identity="${m.id}"]`, { state: "detached", timeout: WAIT }).catch(report);
    await m.page.waitForFunction(() => !window.zdkRoom.room.localParticipant.attributes.hand, null, { timeout: WAIT }).catch(report);
  }
  // Everyone's microphone is on; mute all turns the members' off (the
  // moderator's, on stage, stays on), each page showing it, and nobody is
  // unmuted for them.
  await modAction(op.page, "mute_all").catch(report);
  for (const m of [yoko, emma]) {
    await m.page.waitForSelector('#btn-mic[aria-pressed="false"]', { timeout: WAIT }).catch(report);
    await op.page.waitForSelector(`.tile[data-identity="${m.id}"] .mic-off`, { timeout: WAIT }).catch(report);
  }
  assert.equal(await op.page.getAttribute("#btn-mic", "aria-pressed"), "true", "mute all muted the moderator too");
  for (const m of [yoko, emma]) await videoFlows(op.page, m.id, `the moderator still sees ${m.id} after mute all`).catch(report);
  await screenshot(op.page, "room-roundtable-mute-all");
  assert.deepEqual(sink.errors, []);
});

test("roundtable lobby: a member waits, the moderator admits her from the panel, then both see each other", async () => {
  const op = await person("operator@zadankai.example", { width: 1440, height: 900 });
  const mika = await person("mika@aozora.example");
  const rt = await createRoundtable(op, { lobby: true, title: "E2E 待合室つき" });
  await apiCall(mika.page, mika.csrf, "POST", `/roundtables/${rt.id}/register`);
  await op.page.goto(`${server.url}/room?roundtable=${rt.id}&autojoin=1${process.env.ROOM_Q || ""}`);
  await op.page.waitForFunction(() => document.body.dataset.screen === "call", null, { timeout: WAIT }).catch(report);
  await mika.page.goto(`${server.url}/room?roundtable=${rt.id}&autojoin=1${process.env.ROOM_Q || ""}`);
  await mika.page.waitForFunction(() => document.body.dataset.screen === "lobby", null, { timeout: WAIT }).catch(report);
  assert.match(await mika.page.textContent("#lobby"), /待合室/);
  await screenshot(mika.page, "room-lobby-waiting");

  await op.page.click("#btn-people");
  await op.page.waitForSelector(`.lobby-list li[data-identity="${mika.id}"]`, { timeout: WAIT }).catch(report);
  await modAction(op.page, "admit", mika.id).catch(report);
  await mika.page.waitForFunction(() => document.body.dataset.screen === "call", null, { timeout: WAIT }).catch(report);
  await videoFlows(mika.page, op.id, "mika sees the moderator after admission").catch(report);
  await videoFlows(op.page, mika.id, "the moderator sees mika after admission").catch(report);
  await op.page.waitForSelector(`.lobby-list li[data-identity="${mika.id}"]`, { state: "detached", timeout: WAIT }).catch(report);
  await screenshot(mika.page, "room-lobby-admitted");
  await screenshot(op.page, "room-lobby-moderator");

  // Locked: a registered member who was not inside gets a clear refusal.
  const daisuke = await person("daisuke@aozora.example");
  await apiCall(daisuke.page, daisuke.csrf, "POST", `/roundtables/${rt.id}/register`);
  await modAction(op.page, "lock").catch(report);
  await op.page.waitForSelector("#mod-state", { timeout: WAIT });
  await daisuke.page.goto(`${server.url}/room?roundtable=${rt.id}&autojoin=1`);
  await daisuke.page.waitForSelector("#ended-msg", { timeout: WAIT }).catch(report);
  assert.match(await daisuke.page.textContent("#ended-msg"), /締め切りました/);
  await screenshot(daisuke.page, "room-locked-refused");
  assert.deepEqual(sink.errors, []);
});

test("stage roundtable: the audience cannot publish, a raised hand is promoted to the stage and moved back", async () => {
  const op = await person("operator@zadankai.example", { width: 1440, height: 900 });
  const speaker = await person("speaker@guest.example");
  const keiko = await person("keiko@sakura.example");
  const rt = await createRoundtable(op, { talk: "stage", speakers: [speaker.id], title: "E2E ステージ" });
  await apiCall(keiko.page, keiko.csrf, "POST", `/roundtables/${rt.id}/register`);
  for (const p of [op, speaker, keiko]) await p.page.goto(`${server.url}/room?roundtable=${rt.id}&autojoin=1`);
  for (const p of [op, speaker, keiko]) await waitInCall(p.page, 2).catch(report);
  await videoFlows(keiko.page, speaker.id, "the audience sees the guest speaker").catch(report);
  assert.match(await keiko.page.textContent(`.tile[data-identity="${speaker.id}"] .badge.speaker`), /ゲストスピーカー/);
  assert.equal(await keiko.page.isDisabled("#btn-mic"), true, "the audience can use the microphone");
  assert.equal(await keiko.page.evaluate(() => window.zdkRoom.room.localParticipant.trackPublications.size), 0);

  await keiko.page.focus("#btn-hand");
  await keiko.page.keyboard.press("Enter"); // keyboard operable
  await op.page.click("#btn-people");
  await op.page.waitForSelector(`#hand-queue li[data-identity="${keiko.id}"]`, { timeout: WAIT }).catch(report);
  await modAction(op.page, "promote", keiko.id).catch(report);
  await keiko.page.waitForSelector('#btn-mic:not([disabled])[aria-pressed="true"]', { timeout: WAIT }).catch(report);
  await op.page.waitForSelector(`#hand-queue li[data-identity="${keiko.id}"]`, { state: "detached", timeout: WAIT }).catch(report);
  await speaker.page.waitForFunction((id) => window.zdkRoom.room.remoteParticipants.get(id)?.audioTrackPublications.size > 0, keiko.id, { timeout: WAIT }).catch(report);
  await keiko.page.waitForSelector(`.tile[data-identity="${keiko.id}"] .mic-off`, { state: "detached", timeout: WAIT }).catch(report);
  await speaker.page.waitForSelector(`.tile[data-identity="${keiko.id}"] .mic-off`, { state: "detached", timeout: WAIT }).catch(report);
  await screenshot(keiko.page, "room-stage-promoted");

  await modAction(op.page, "demote", keiko.id).catch(report);
  await keiko.page.waitForSelector("#btn-mic[disabled]", { timeout: WAIT }).catch(report);
  await speaker.page.waitForFunction((id) => (window.zdkRoom.room.remoteParticipants.get(id)?.audioTrackPublications.size ?? 0) === 0, keiko.id, { timeout: WAIT }).catch(report);
  await screenshot(op.page, "room-stage-moderator");
  assert.deepEqual(sink.errors, []);
});
