// The room in a second engine: Debian's Firefox ESR over WebDriver BiDi
// (firefox.mjs). A booked consultation and a stage roundtable with
// everyone in Firefox, then a room with one Chromium page and one Firefox
// page. Media is proven with numbers: decoded frames and audio packets
// that keep rising on the receiving side.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, apiLogin, apiCall, screenshot } from "./harness.mjs";
import { launchFirefox } from "./firefox.mjs";
import { watch, waitInCall, waitEval, videoFlows, audioFlows, bothWays, createRoundtable, consultationCall, devRoomURL, identity } from "./room-lib.mjs";

let server, firefox;
const sink = { errors: [], logs: [] };
before(async () => { server = await startServer(); firefox = await launchFirefox(); });
after(async () => { await firefox?.close(); await server?.stop(); });

function report(e) {
  console.error("console:\n" + sink.logs.slice(-80).join("\n") + "\nerrors:\n" + sink.errors.join("\n") + "\nserver:\n" + server.logs().slice(-6000));
  throw e;
}

// person opens a Firefox window with its own cookie jar and signs in.
async function person(email, viewport) {
  const page = await firefox.newPage(viewport);
  watch(page, "firefox " + email.split("@")[0], sink);
  const auth = await apiLogin(page, server.url, email);
  return { page, ...auth, id: auth.member.id };
}

// inboundCodec names the codec of the first inbound video stream page
// receives from who (what the two engines agreed on).
function inboundCodec(page, who) {
  return page.evaluate(async (id) => {
    const pub = [...(window.zdkRoom.room.remoteParticipants.get(id)?.videoTrackPublications.values() ?? [])][0];
    const report = await pub?.track?.getRTCStatsReport();
    let codec = "";
    report?.forEach((s) => { if (s.type === "inbound-rtp" && s.codecId) codec = report.get(s.codecId)?.mimeType || codec; });
    return codec;
  }, who);
}

// congestion reads the SFU's bandwidth decreases and video pauses so far
// (this server's, all tests), by cause, for the log: Firefox reports the
// packets of a stream it has not set up yet as lost (docs/browsers.md).
async function congestion() {
  const text = await (await fetch(server.url + "/metrics")).text();
  return text.split("\n").filter((l) => /^zadankai_sfu_(bandwidth_decreases|video_pauses)_total/.test(l)).join(", ");
}

test("firefox: a booked consultation, both people in Firefox, see and hear each other", async (t) => {
  t.after(() => firefox.closePages());
  const hanako = await person("hanako@sakura.example");
  const daisuke = await person("daisuke@aozora.example");
  await consultationCall(server.url, hanako, daisuke).catch(report);
  t.diagnostic(`Firefox receives Firefox's camera as ${await inboundCodec(hanako.page, daisuke.id)}`);
  t.diagnostic(await congestion());
  await screenshot(hanako.page, "firefox-consultation-hanako");
  await screenshot(daisuke.page, "firefox-consultation-daisuke");
  assert.deepEqual(sink.errors, []);
});

test("firefox: stage roundtable — the listener sees the speaker, cannot publish, and is heard once promoted", async (t) => {
  t.after(() => firefox.closePages());
  const op = await person("operator@zadankai.example", { width: 1280, height: 800 });
  const speaker = await person("speaker@guest.example");
  const keiko = await person("keiko@sakura.example");
  const rt = await createRoundtable(op, { talk: "stage", speakers: [speaker.id], title: "E2E Firefox ステージ" });
  await apiCall(keiko.page, keiko.csrf, "POST", `/roundtables/${rt.id}/register`);
  for (const p of [op, speaker, keiko]) await p.page.goto(`${server.url}/room?roundtable=${rt.id}&autojoin=1`);
  for (const p of [op, speaker, keiko]) await waitInCall(p.page, 2).catch(report);
  await videoFlows(keiko.page, speaker.id, "the listener sees the guest speaker").catch(report);
  await audioFlows(keiko.page, speaker.id, "the listener hears the guest speaker").catch(report);
  await videoFlows(speaker.page, op.id, "the speaker sees the moderator").catch(report);

  // The audience publishes nothing and its microphone button is off limits.
  const listener = () => keiko.page.evaluate(() => ({
    canPublish: !!window.zdkRoom.room.localParticipant.permissions?.canPublish,
    published: window.zdkRoom.room.localParticipant.trackPublications.size,
    micDisabled: document.getElementById("btn-mic").disabled,
  }));
  assert.deepEqual(await listener(), { canPublish: false, published: 0, micDisabled: true });

  // Promoted, she may publish; her microphone stays off until she turns
  // it on herself.
  await apiCall(op.page, op.csrf, "POST", `/roundtables/${rt.id}/moderation`, { action: "promote", identity: keiko.id });
  await waitEval(keiko.page, () => window.zdkRoom.room.localParticipant.permissions?.canPublish && !document.getElementById("btn-mic").disabled,
    null, "the listener may publish after her promotion").catch(report);
  assert.equal(await keiko.page.evaluate(() => document.getElementById("btn-mic").getAttribute("aria-pressed")), "false", "promotion turned her microphone on");
  await keiko.page.click("#btn-mic");
  await waitEval(keiko.page, () => document.getElementById("btn-mic").getAttribute("aria-pressed") === "true", null,
    "her microphone button shows it on").catch(report);
  await audioFlows(speaker.page, keiko.id, "the speaker hears the promoted listener").catch(report);
  await audioFlows(op.page, keiko.id, "the moderator hears the promoted listener").catch(report);
  t.diagnostic(await congestion());
  await screenshot(keiko.page, "firefox-stage-promoted");
  await screenshot(op.page, "firefox-stage-moderator");
  assert.deepEqual(sink.errors, []);
});

test("mixed room: a Chromium page and a Firefox page see and hear each other", async (t) => {
  const chromium = await launchBrowser(server.url);
  t.after(async () => { await chromium.close(); await firefox.closePages(); });
  const room = "e2e-mixed-" + Date.now();
  const c = await chromium.ctx.newPage();
  const f = await firefox.newPage();
  watch(c, "chromium", sink);
  watch(f, "firefox", sink);
  await c.goto(devRoomURL(server.url, room, "chromium"));
  await f.goto(devRoomURL(server.url, room, "firefox"));
  for (const p of [c, f]) await waitInCall(p, 1).catch(report);
  const [idc, idf] = [await identity(c), await identity(f)];
  await bothWays({ page: c, id: idc, name: "Chromium" }, { page: f, id: idf, name: "Firefox" }).catch(report);
  t.diagnostic(`Chromium receives ${await inboundCodec(c, idf)}, Firefox receives ${await inboundCodec(f, idc)}`);
  t.diagnostic(await congestion());
  await screenshot(c, "firefox-mixed-chromium");
  await screenshot(f, "firefox-mixed-firefox");
  assert.deepEqual(sink.errors, []);
});
