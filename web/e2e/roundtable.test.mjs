// A roundtable through the real API: the operator creates it and
// moderates, two members of different companies register and join. The
// moderator spotlights one (both other pages switch to spotlight on her),
// sees a raised hand in the queue, mutes the other and removes her (her
// page says so). Each person has their own browser context (cookie jar).
import { test, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchIsolated, apiLogin, apiCall, screenshot } from "./harness.mjs";
import { watch, waitInCall, videoFlows, audioPackets, createRoundtable, WAIT } from "./room-lib.mjs";

let server, browsers;
const sink = { errors: [], logs: [] };
before(async () => { server = await startServer(); browsers = await launchIsolated(server.url); });
after(async () => { await browsers?.close(); await server?.stop(); });
// Each test's people leave when it ends, so a busy machine runs only the
// pages of the test at hand.
const open = [];
afterEach(async () => { for (const ctx of open.splice(0)) await ctx.close().catch(() => {}); });

function report(e) {
  console.error("console:\n" + sink.logs.slice(-80).join("\n") + "\nerrors:\n" + sink.errors.join("\n") + "\nserver:\n" + server.logs().slice(-6000));
  throw e;
}

// person opens a context for one account and signs in.
async function person(email, viewport) {
  const ctx = await browsers.newContext(viewport);
  open.push(ctx);
  const page = await ctx.newPage();
  watch(page, email.split("@")[0], sink);
  const auth = await apiLogin(page, server.url, email);
  return { page, ...auth, id: auth.member.id };
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

test("roundtable: the moderator lowers all hands and mutes everyone but the moderators from the panel, told how many", async () => {
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
  assert.match(await modAction(op.page, "lower_all_hands").catch(report), /2人の手を下ろしました/);
  for (const m of [yoko, emma]) {
    await op.page.waitForSelector(`#hand-queue li[data-identity="${m.id}"]`, { state: "detached", timeout: WAIT }).catch(report);
    await m.page.waitForFunction(() => !window.zdkRoom.room.localParticipant.attributes.hand, null, { timeout: WAIT }).catch(report);
  }
  // Everyone's microphone is on; mute all turns the members' off (the
  // moderator's stays on), each page showing it, and nobody is unmuted
  // for them. The moderator is told how many, and when there was nobody.
  assert.match(await modAction(op.page, "mute_all").catch(report), /2人のマイクをオフにしました/);
  for (const m of [yoko, emma]) {
    await m.page.waitForSelector('#btn-mic[aria-pressed="false"]', { timeout: WAIT }).catch(report);
    await op.page.waitForSelector(`.tile[data-identity="${m.id}"] .mic-off`, { timeout: WAIT }).catch(report);
  }
  assert.equal(await op.page.getAttribute("#btn-mic", "aria-pressed"), "true", "mute all muted the moderator too");
  for (const m of [yoko, emma]) await videoFlows(op.page, m.id, `the moderator still sees ${m.id} after mute all`).catch(report);
  const again = await modAction(op.page, "mute_all").catch(report);
  assert.match(again, /マイクをオンにしている参加者はいませんでした/);
  assert.doesNotMatch(again, /完了/);
  // A member's own page says a moderator muted her, on screen (not only
  // to screen readers), and she can close the message.
  await yoko.page.waitForSelector('.notice[data-key="mod-mic"]', { timeout: WAIT }).catch(report);
  assert.match(await yoko.page.textContent('.notice[data-key="mod-mic"]'), /モデレーターがあなたのマイクをオフにしました/);
  await yoko.page.click('.notice[data-key="mod-mic"] .notice-close');
  await yoko.page.waitForSelector('.notice[data-key="mod-mic"]', { state: "detached", timeout: WAIT });
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
  // After the wait her microphone stays off until she turns it on; her page says so on screen.
  await mika.page.waitForSelector('.notice[data-key="mic-prompt"] .notice-action', { timeout: WAIT }).catch(report);
  assert.match(await mika.page.textContent('.notice[data-key="mic-prompt"]'), /入室を許可しました。マイクはオフにしてあります/);
  assert.equal(await mika.page.getAttribute("#btn-mic", "aria-pressed"), "false", "admission turned her microphone on");
  await videoFlows(mika.page, op.id, "mika sees the moderator after admission").catch(report);
  await videoFlows(op.page, mika.id, "the moderator sees mika after admission").catch(report);
  await op.page.waitForSelector(`.lobby-list li[data-identity="${mika.id}"]`, { state: "detached", timeout: WAIT }).catch(report);
  await screenshot(mika.page, "room-lobby-admitted");
  assert.equal(await op.page.evaluate((id) => window.zdkRoom.room.remoteParticipants.get(id)?.audioTrackPublications.size ?? -1, mika.id), 0, "her microphone was published");
  await mika.page.click('.notice[data-key="mic-prompt"] .notice-action');
  await op.page.waitForFunction((id) => window.zdkRoom.room.remoteParticipants.get(id)?.audioTrackPublications.size > 0, mika.id, { timeout: WAIT }).catch(report);
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

// apiStatus sends one moderation request from a page and returns the
// HTTP status and the error code, for refusals the panel never offers.
async function apiStatus(p, rt, body) {
  return p.page.evaluate(async ([id, csrf, body]) => {
    const res = await fetch(`/api/v1/roundtables/${id}/moderation`, { method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf }, body: JSON.stringify(body) });
    return `${res.status} ${(await res.json().catch(() => ({})))?.error?.code || ""}`;
  }, [rt.id, p.csrf, body]);
}

// views keeps how a page looks at 360 and 1440 px in Japanese and English,
// and puts the page back as it was.
async function views(page, name) {
  const size = page.viewportSize();
  for (const width of [360, 1440]) {
    await page.setViewportSize({ width, height: width === 360 ? 780 : 900 });
    for (const lang of ["ja", "en"]) {
      if (await page.evaluate(() => document.documentElement.lang) !== lang) {
        await page.click("#lang");
        await page.waitForFunction((l) => document.documentElement.lang === l, lang, { timeout: WAIT });
      }
      await screenshot(page, `${name}-${width}-${lang}`);
    }
  }
  await page.click("#lang");
  await page.waitForFunction(() => document.documentElement.lang === "ja", null, { timeout: WAIT });
  await page.setViewportSize(size);
}

const askSel = (id) => `#people-panel .people-list button[data-action="ask_unmute"][data-identity="${id}"]`;

test("stage roundtable: the audience listens in a strip, a raised hand is brought on stage with her microphone still off, she turns it on herself, and goes back", async () => {
  const op = await person("operator@zadankai.example", { width: 1440, height: 900 });
  const speaker = await person("speaker@guest.example");
  const keiko = await person("keiko@sakura.example");
  const rt = await createRoundtable(op, { talk: "stage", speakers: [speaker.id], title: "E2E ステージ" });
  await apiCall(keiko.page, keiko.csrf, "POST", `/roundtables/${rt.id}/register`);
  for (const p of [op, speaker, keiko]) await p.page.goto(`${server.url}/room?roundtable=${rt.id}&autojoin=1`);
  for (const p of [op, speaker, keiko]) await waitInCall(p.page, 2).catch(report);
  await videoFlows(keiko.page, speaker.id, "the audience sees the guest speaker").catch(report);
  assert.match(await keiko.page.textContent(`.tile[data-identity="${speaker.id}"] .badge.speaker`), /ゲストスピーカー/);
  assert.equal(await keiko.page.evaluate(() => window.zdkRoom.room.localParticipant.trackPublications.size), 0);

  // The audience has no tiles: the stage shows its speakers, a strip counts the listeners.
  for (const p of [speaker, keiko, op]) {
    await p.page.waitForSelector('#audience:not([hidden])', { timeout: WAIT }).catch(report);
    assert.equal(await p.page.locator(`.tile[data-identity="${keiko.id}"]`).count(), 0, "a listener got a tile");
  }
  assert.match(await speaker.page.textContent("#audience"), /聞き手 1人/);
  assert.match(await keiko.page.textContent("#audience"), /聞き手 1人（あなたを含む）/);
  // Her page says on screen, over the bar, that she listens and how to
  // speak: the reason the microphone is disabled.
  assert.equal(await keiko.page.isDisabled("#btn-mic"), true, "the audience can use the microphone");
  assert.equal(await keiko.page.getAttribute("#btn-mic", "aria-describedby"), "ctl-hint");
  assert.match(await keiko.page.textContent("#ctl-hint"), /聞き手のあいだは、マイクとカメラを使えません。話したいときは「挙手」を押してください/);
  assert.equal(await keiko.page.isVisible("#ctl-hint"), true);

  // Nobody asks a listener to unmute: she cannot; the panel does not offer it and the server refuses.
  await op.page.click("#btn-people");
  await op.page.waitForSelector(`#people-panel .people-list li[data-identity="${keiko.id}"]`, { timeout: WAIT }).catch(report);
  assert.equal(await op.page.locator(askSel(keiko.id)).count(), 0, "ask to unmute offered to a listener");
  assert.equal(await op.page.locator(`#people-panel button[data-action="spotlight"][data-identity="${keiko.id}"]`).count(), 0, "spotlight offered for a listener without a tile");
  assert.equal(await apiStatus(op, rt, { action: "ask_unmute", identity: keiko.id, source: "microphone" }), "409 cannot_publish");

  await keiko.page.focus("#btn-hand");
  await keiko.page.keyboard.press("Enter"); // keyboard operable
  await op.page.waitForSelector(`#hand-queue li[data-identity="${keiko.id}"]`, { timeout: WAIT }).catch(report);
  await speaker.page.waitForFunction(() => /挙手 1人/.test(document.getElementById("audience").textContent), null, { timeout: WAIT }).catch(report);
  await views(speaker.page, "room-stage-speaker");
  await views(keiko.page, "room-stage-listener");
  assert.match(await modAction(op.page, "promote", keiko.id).catch(report), /ステージに上げました。マイクはご本人がオンにするまでオフのままです/);

  // On stage: her microphone may be used but stays off; a visible prompt lets her choose.
  await keiko.page.waitForSelector('#btn-mic:not([disabled])[aria-pressed="false"]', { timeout: WAIT }).catch(report);
  await keiko.page.waitForSelector('.notice[data-key="mic-prompt"] .notice-action', { timeout: WAIT }).catch(report);
  assert.match(await keiko.page.textContent('.notice[data-key="mic-prompt"]'), /ステージに上がりました。準備ができたらマイクをオンにしてください/);
  await op.page.waitForSelector(`#hand-queue li[data-identity="${keiko.id}"]`, { state: "detached", timeout: WAIT }).catch(report);
  await speaker.page.waitForSelector(`.tile[data-identity="${keiko.id}"] .mic-off`, { timeout: WAIT }).catch(report);
  assert.equal(await keiko.page.isHidden("#ctl-hint"), true, "the hint still says she cannot speak");
  await views(keiko.page, "room-stage-promoted");
  await views(op.page, "room-stage-moderator");
  assert.equal(await keiko.page.evaluate(() => window.zdkRoom.room.localParticipant.trackPublications.size), 0, "promotion published her microphone");
  assert.equal(await speaker.page.evaluate((id) => window.zdkRoom.room.remoteParticipants.get(id)?.audioTrackPublications.size ?? 0, keiko.id), 0);

  // Now the moderator may ask her; the request is only a request.
  await op.page.waitForSelector(askSel(keiko.id), { timeout: WAIT }).catch(report);
  assert.match(await modAction(op.page, "ask_unmute", keiko.id).catch(report), /マイクをオンにするようお願いしました。オンにするかどうかはご本人が決めます/);
  await keiko.page.waitForSelector("#ask:not([hidden]) #ask-yes", { timeout: WAIT }).catch(report);
  assert.equal(await keiko.page.getAttribute("#btn-mic", "aria-pressed"), "false", "asking unmuted her");

  // She turns it on herself from the prompt; the speaker hears her and the requests go away.
  await keiko.page.click('.notice[data-key="mic-prompt"] .notice-action');
  await keiko.page.waitForSelector('#btn-mic[aria-pressed="true"]', { timeout: WAIT }).catch(report);
  await speaker.page.waitForFunction((id) => window.zdkRoom.room.remoteParticipants.get(id)?.audioTrackPublications.size > 0, keiko.id, { timeout: WAIT }).catch(report);
  await speaker.page.waitForSelector(`.tile[data-identity="${keiko.id}"] .mic-off`, { state: "detached", timeout: WAIT }).catch(report);
  const heard = await audioPackets(speaker.page, keiko.id);
  for (const end = Date.now() + WAIT; (await audioPackets(speaker.page, keiko.id)) <= heard + 10; await speaker.page.waitForTimeout(250)) {
    if (Date.now() > end) report(new Error(`the speaker gets no audio from keiko (${heard} packets)`));
  }
  assert.equal(await keiko.page.isHidden("#ask"), true, "the request stayed after she turned the microphone on");
  assert.equal(await keiko.page.locator('.notice[data-key="mic-prompt"]').count(), 0, "the prompt stayed after she turned the microphone on");

  // Mute everyone mutes her (brought on stage) but not the guest speaker, and says how many.
  assert.match(await modAction(op.page, "mute_all").catch(report), /1人のマイクをオフにしました/);
  await keiko.page.waitForSelector('#btn-mic[aria-pressed="false"]', { timeout: WAIT }).catch(report);
  assert.equal(await speaker.page.getAttribute("#btn-mic", "aria-pressed"), "true", "mute all muted the guest speaker");

  // A pending request to unmute disappears when she is moved back to the audience.
  assert.match(await modAction(op.page, "ask_unmute", keiko.id).catch(report), /お願いしました/);
  await keiko.page.waitForSelector("#ask:not([hidden])", { timeout: WAIT }).catch(report);
  assert.match(await modAction(op.page, "demote", keiko.id).catch(report), /聞き手に戻しました/);
  await keiko.page.waitForSelector("#btn-mic[disabled]", { timeout: WAIT }).catch(report);
  await keiko.page.waitForSelector("#ask", { state: "hidden", timeout: WAIT }).catch(report);
  assert.match(await keiko.page.textContent('.notice[data-key="mic-prompt"]'), /聞き手に戻りました/);
  await speaker.page.waitForFunction((id) => (window.zdkRoom.room.remoteParticipants.get(id)?.audioTrackPublications.size ?? 0) === 0, keiko.id, { timeout: WAIT }).catch(report);
  await speaker.page.waitForSelector(`.tile[data-identity="${keiko.id}"]`, { state: "detached", timeout: WAIT }).catch(report);
  await screenshot(op.page, "room-stage-moderator");
  assert.deepEqual(sink.errors, []);
});

// Every link here is local and loses nothing: whatever the load on the
// machine (scripts/test.sh runs this file again with every core busy),
// congestion control must never have paused a video (a lowered layer is
// logged: a lone late burst may cost a layer for a moment).
test("no video was paused for bandwidth on a local link", async (t) => {
  const text = await (await fetch(server.url + "/metrics")).text();
  const total = (name) => [...text.matchAll(new RegExp(`^${name}\\{cause="(\\w+)"\\} (\\d+)`, "gm"))].map((m) => `${m[1]} ${m[2]}`);
  const pauses = total("zadankai_sfu_video_pauses_total"), caps = total("zadankai_sfu_video_caps_total");
  t.diagnostic(`pauses by cause: ${pauses.join(", ")}; lowered: ${caps.join(", ")}; decreases: ${total("zadankai_sfu_bandwidth_decreases_total").join(", ")}`);
  assert.ok(pauses.length > 0, "the pause counters are missing from /metrics");
  assert.deepEqual(pauses.filter((p) => !p.endsWith(" 0")), [], "videos paused for bandwidth");
});
