// Media on a LiveKit cluster (two LiveKit server v1.13.3 nodes sharing a
// Redis) behind a load balancer that sends connections to the nodes in
// turn: Zadankai's media.url names the balancer, its media.webhook
// receives both nodes' webhooks. The demo's consultation under way: 山田
// 花子 and 渡辺 大輔 come through different nodes into one room, see and
// hear each other, and the control plane learns from the webhooks who is
// in the room. In a
// roundtable on the cluster, a member who sets "role: moderator" on
// herself (LiveKit lets anyone set her own attributes) is not shown as a
// moderator, and her moderator can still remove her.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, launchIsolated, apiLogin, apiCall, screenshot } from "./harness.mjs";
import { watch, consultationCall, waitInCall, videoFlows, createRoundtable, until, WAIT } from "./room-lib.mjs";
import { binaries, nodePorts, startBalancer, startCluster, key, secret } from "./livekit.mjs";

const bins = binaries();
const skip = bins.missing || false;
let server, balancer, cluster, browsers;
const sink = { errors: [], logs: [] };

before(async () => {
  if (skip) return;
  const ports = [await nodePorts(), await nodePorts()];
  balancer = await startBalancer(ports);
  const dir = mkdtempSync(join(tmpdir(), "zdk-e2e-lk-"));
  const config = join(dir, "zadankai.yaml");
  writeFileSync(config, `media:\n  url: ${balancer.url}\n  api_key: ${key}\n  webhook: /livekit/webhook\n`);
  server = await startServer(["--config", config, "--keys", `${key}: ${secret}`]);
  cluster = await startCluster(bins, ports, server.url + "/livekit/webhook");
  browsers = await launchIsolated(server.url);
});
after(async () => { await browsers?.close(); await server?.stop(); await balancer?.stop(); await cluster?.stop(); });

function report(e) {
  console.error("console:\n" + sink.logs.slice(-80).join("\n") + "\nerrors:\n" + sink.errors.join("\n") + "\nserver:\n" + server.logs().slice(-6000) +
    "\nlivekit:\n" + cluster.logs());
  throw e;
}

async function person(email, viewport) {
  const ctx = await browsers.newContext(viewport);
  const page = await ctx.newPage();
  watch(page, email.split("@")[0], sink);
  const auth = await apiLogin(page, server.url, email);
  return { page, ...auth, id: auth.member.id };
}

// mediaServer is what the page's room says of the server that hosts it.
function mediaServer(page) {
  return page.evaluate(() => ({ version: window.zdkRoom.room.serverInfo?.version, region: window.zdkRoom.room.serverInfo?.region }));
}

test("a consultation on a LiveKit cluster: both see and hear each other through two nodes, and the control plane knows who is in", { skip }, async () => {
  const hanako = await person("hanako@sakura.example");
  const daisuke = await person("daisuke@aozora.example");
  const first = balancer.signals.length;
  const live = await consultationCall(server.url, hanako, daisuke).catch(report);
  const [h, d] = [await mediaServer(hanako.page), await mediaServer(daisuke.page)];
  assert.equal(h.version, "1.13.3", `hanako's media server: ${JSON.stringify(h)}`);
  assert.ok(["a", "b"].includes(h.region) && d.region === h.region, `one room, one node: ${JSON.stringify([h, d])}`);
  const nodes = balancer.signals.slice(first);
  assert.deepEqual(new Set(nodes), new Set([0, 1]), `the two came through nodes ${nodes}, not through both`);
  await screenshot(hanako.page, "livekit-consultation-hanako");

  // The nodes' webhooks tell the control plane he is in the room, then
  // that he left.
  const view = () => apiCall(hanako.page, hanako.csrf, "GET", `/consultations/${live.id}`);
  await until(async () => { const v = await view(); return v.live_now && v.peer_in_room && v.peer_joined; }, WAIT, "the consultation shows him in the room").catch(report);
  await daisuke.page.click("#btn-leave");
  await hanako.page.waitForSelector("#alone:not([hidden])", { timeout: WAIT }).catch(report);
  await until(async () => { const v = await view(); return !v.peer_in_room && v.live_now && v.peer_joined; }, WAIT, "the consultation still shows him in the room").catch(report);
  assert.deepEqual(sink.errors, []);
});

test("a roundtable on a LiveKit cluster: a member who calls herself moderator is not shown as one, and is removed", { skip }, async () => {
  const op = await person("operator@zadankai.example", { width: 1440, height: 900 });
  const yoko = await person("yoko@minato.example");
  const rt = await createRoundtable(op);
  await apiCall(yoko.page, yoko.csrf, "POST", `/roundtables/${rt.id}/register`);
  for (const p of [op, yoko]) await p.page.goto(`${server.url}/room.html?roundtable=${rt.id}&autojoin=1`);
  for (const p of [op, yoko]) await waitInCall(p.page, 1).catch(report);
  await videoFlows(op.page, yoko.id, "the moderator sees yoko").catch(report);
  assert.match(await yoko.page.textContent(`.tile[data-identity="${op.id}"] .badge.mod`), /モデレーター/);

  // LiveKit lets her set any attribute on herself; the moderator's page
  // receives it, and still takes roles from the control plane.
  await yoko.page.evaluate(() => window.zdkRoom.room.localParticipant.setAttributes({ role: "moderator" }));
  await op.page.waitForFunction((id) => window.zdkRoom.room.remoteParticipants.get(id)?.attributes.role === "moderator", yoko.id, { timeout: WAIT })
    .catch(report);
  await op.page.click("#btn-people");
  await op.page.waitForSelector(`#people-panel button[data-action="remove"][data-identity="${yoko.id}"]`, { timeout: WAIT }).catch(report);
  assert.equal(await op.page.locator(`.tile[data-identity="${yoko.id}"] .badge.mod`).count(), 0, "her own attribute made her a moderator");
  assert.doesNotMatch(await op.page.textContent(`#people-panel li[data-identity="${yoko.id}"] .who`), /モデレーター/);
  await screenshot(op.page, "livekit-roundtable-moderator");

  await op.page.click(`#people-panel button[data-action="remove"][data-identity="${yoko.id}"]`);
  await op.page.click(".room-dialog button.danger");
  await yoko.page.waitForSelector('#ended-msg[data-reason="removed_msg"]', { timeout: WAIT }).catch(report);
  // Back on the room page, she gets no token: she stays out.
  await yoko.page.goto(`${server.url}/room.html?roundtable=${rt.id}&autojoin=1`);
  await yoko.page.waitForSelector("#ended-msg", { timeout: WAIT }).catch(report);
  assert.equal(await op.page.evaluate((id) => window.zdkRoom.room.remoteParticipants.has(id), yoko.id), false, "the removed member is back in");
  assert.deepEqual(sink.errors, []);
});
