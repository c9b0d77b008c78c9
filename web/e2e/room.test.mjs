// The room page (web/static/room.html) in real Chromium against the
// embedded SFU: two members in a 1:1 room (dev tokens: a real consultation
// opens only around its booked time) see each other's video, mute and chat.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, screenshot } from "./harness.mjs";
import { watch, devRoomURL, waitInCall, identity, videoFlows, WAIT } from "./room-lib.mjs";

let server, browser;
const sink = { errors: [], logs: [] };
before(async () => { server = await startServer(); browser = await launchBrowser(server.url); });
after(async () => { await browser?.close(); await server?.stop(); });

function report(e) {
  console.error("console:\n" + sink.logs.slice(-60).join("\n") + "\nerrors:\n" + sink.errors.join("\n") + "\nserver:\n" + server.logs().slice(-5000));
  throw e;
}

test("1:1 room: both see the other's video, mute shows on the other side, chat arrives", async () => {
  const room = "e2e-pair-" + Date.now();
  const a = await browser.ctx.newPage();
  const b = await browser.ctx.newPage();
  watch(a, "alice", sink);
  watch(b, "bob", sink);
  await a.goto(devRoomURL(server.url, room, "alice"));
  await b.goto(devRoomURL(server.url, room, "bob"));
  await waitInCall(a, 1).catch(report);
  await waitInCall(b, 1).catch(report);
  const [ida, idb] = [await identity(a), await identity(b)];
  await videoFlows(a, idb, "alice sees bob").catch(report);
  await videoFlows(b, ida, "bob sees alice").catch(report);

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
  await screenshot(b, "room-pair-bob-chat");
  await b.click("#btn-chat");
  await a.click("#btn-chat");
  await screenshot(a, "room-pair-alice");
  await screenshot(b, "room-pair-bob");
  assert.deepEqual(sink.errors, []);
});
