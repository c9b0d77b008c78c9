// Helpers for the room page tests: open the page, wait for the other
// people, prove that their video is decoding, and keep the evidence
// (console, server log) when something fails.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { apiCall } from "./harness.mjs";

export const WAIT = 45_000;

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

// audit runs axe-core's WCAG 2.x A and AA rules on the page as it is and
// fails on any violation.
export async function audit(page, what) {
  // evaluated through the debugging protocol: the page's CSP (script-src
  // 'self') rightly refuses an inline script tag
  await page.evaluate(axeSource);
  const res = await page.evaluate(() => window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
  const found = res.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
  assert.deepEqual(found, [], `${what}: axe found violations`);
}

// watch collects a page's errors and console for the failure report.
export function watch(page, name, sink) {
  page.on("pageerror", (e) => sink.errors.push(`${name}: ${e}`));
  page.on("console", (m) => sink.logs.push(`${name} ${m.type()}: ${m.text()}`));
}

export function devRoomURL(base, room, name, role = "") {
  const q = new URLSearchParams({ dev: "1", room, name, autojoin: "1" });
  if (role) q.set("role", role);
  return `${base}/room?${q}`;
}

// waitEval polls fn(arg) in the page until it returns something truthy,
// and returns that. Playwright and puppeteer-core (Firefox) take
// waitForFunction's arguments in different orders; this works with both.
export function waitEval(page, fn, arg, what, timeout = WAIT) {
  return until(() => page.evaluate(fn, arg), timeout, what);
}

export async function waitInCall(page, others) {
  await waitEval(page, (n) => document.body.dataset.screen === "call" && window.zdkRoom?.room.remoteParticipants.size === n, others,
    `in the call with ${others} others`);
}

// openPair opens two pages, named names[0] and names[1], in a new dev room
// and waits until both are in the call; it returns the pages and their
// identities. report gets any failure.
export async function openPair(browser, base, sink, prefix, names, report) {
  const room = prefix + Date.now();
  const [a, b] = [await browser.ctx.newPage(), await browser.ctx.newPage()];
  watch(a, names[0], sink);
  watch(b, names[1], sink);
  await a.goto(devRoomURL(base, room, names[0]));
  await b.goto(devRoomURL(base, room, names[1]));
  await waitInCall(a, 1).catch(report);
  await waitInCall(b, 1).catch(report);
  return { a, b, ida: await identity(a), idb: await identity(b) };
}

// press presses a control-bar button (by id); on a phone, where it may be
// folded under "More", it opens that menu and picks its item.
export async function press(page, id) {
  if (await page.isVisible(`#${id}`)) return page.click(`#${id}`);
  await page.click("#btn-more");
  await page.click(`#more-menu [data-item="${id}"]`);
}

export async function identity(page) { return page.evaluate(() => window.zdkRoom.identity()); }

async function frames(page, who) { return (await page.evaluate(() => window.zdkRoom.stats()))[who]?.framesDecoded ?? -1; }

// until polls fn (in node) until it returns something truthy.
export async function until(fn, timeout, what) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

// videoFlows proves with decoded-frame counts that page receives who's
// camera and that it keeps coming.
export async function videoFlows(page, who, label) {
  const first = await until(async () => { const n = await frames(page, who); return n > 0 && n; }, WAIT, `${label}: no decoded frames`);
  // Wait for the count to move on (a busy machine may stall a second or two).
  const second = await until(async () => { const n = await frames(page, who); return n > first && n; }, 15_000, `${label}: frames stuck at ${first}`);
  assert.ok(second > first, `${label}: frames did not advance: ${first} → ${second}`);
  const painted = await page.evaluate((id) => {
    const v = document.querySelector(`.tile[data-identity="${id}"][data-source="camera"] video`);
    return v ? { w: v.videoWidth, t: v.currentTime, hidden: v.hidden } : null;
  }, who);
  assert.ok(painted && painted.w > 0 && !painted.hidden, `${label}: the tile shows no video (${JSON.stringify(painted)})`);
  return second;
}

export function dumpOnFailure(t, sink, server) {
  t.after?.(() => {});
  return (e) => {
    console.error("console:\n" + sink.logs.slice(-60).join("\n") + "\nerrors:\n" + sink.errors.join("\n") + "\nserver:\n" + server.logs().slice(-5000));
    throw e;
  };
}

// audioPackets counts the audio packets page has received from who.
export async function audioPackets(page, who) {
  return page.evaluate(async (id) => {
    const p = window.zdkRoom.room.remoteParticipants.get(id);
    let n = 0;
    for (const pub of p?.audioTrackPublications.values() ?? []) {
      (await pub.track?.getRTCStatsReport())?.forEach((s) => { if (s.type === "inbound-rtp") n += s.packetsReceived || 0; });
    }
    return n;
  }, who);
}

// audioFlows proves with packet counts that page receives who's audio and
// that it keeps coming.
export async function audioFlows(page, who, label) {
  const first = await until(async () => { const n = await audioPackets(page, who); return n > 0 && n; }, WAIT, `${label}: no audio packets`);
  await until(async () => (await audioPackets(page, who)) > first, 15_000, `${label}: audio packets stuck at ${first}`);
}

// bothWays proves that each of two people ({page, id, name}) decodes the
// other's video and receives her audio.
export async function bothWays(a, b) {
  await videoFlows(a.page, b.id, `${a.name} sees ${b.name}`);
  await videoFlows(b.page, a.id, `${b.name} sees ${a.name}`);
  await audioFlows(a.page, b.id, `${a.name} hears ${b.name}`);
  await audioFlows(b.page, a.id, `${b.name} hears ${a.name}`);
}

// createRoundtable schedules a roundtable starting in five minutes with
// op (a signed-in operator: {page, csrf, id}) as its moderator.
export async function createRoundtable(op, extra = {}) {
  return apiCall(op.page, op.csrf, "POST", "/roundtables", {
    title: "E2E 座談会: 復職後のキャリア", description: "", axis: "career", themes: [], start: new Date(Date.now() + 5 * 60_000).toISOString(),
    minutes: 60, time_zone: "Asia/Tokyo", format: "online", venue: "", capacity: 10, talk: "small_round",
    moderators: [op.id], speakers: [], excluded_companies: [], close_before_minutes: 0, lobby: false, ...extra,
  });
}

// consultationCall opens the demo's consultation under way now for
// hanako and daisuke (signed-in people: {page, csrf, id}), each in her
// page, and proves they see and hear each other; it returns the
// consultation.
export async function consultationCall(base, hanako, daisuke) {
  const { consultations } = await apiCall(hanako.page, hanako.csrf, "GET", "/consultations");
  const now = Date.now();
  const live = consultations.find((c) => c.status === "booked" && c.booked && Date.parse(c.booked.start) <= now &&
    now < Date.parse(c.booked.start) + c.booked.minutes * 60_000);
  assert.ok(live, "the demo data has no consultation under way for hanako");
  for (const p of [hanako, daisuke]) await p.page.goto(`${base}/room.html?consultation=${live.id}&autojoin=1`);
  for (const p of [hanako, daisuke]) await waitInCall(p.page, 1);
  await bothWays({ ...hanako, name: "hanako" }, { ...daisuke, name: "daisuke" });
  return live;
}
