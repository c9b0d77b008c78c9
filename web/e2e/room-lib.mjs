// Helpers for the room page tests: open the page, wait for the other
// people, prove that their video is decoding, and keep the evidence
// (console, server log) when something fails.
import assert from "node:assert/strict";

export const WAIT = 45_000;

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

export async function waitInCall(page, others) {
  await page.waitForFunction((n) => document.body.dataset.screen === "call" && window.zdkRoom?.room.remoteParticipants.size === n, others, { timeout: WAIT });
}

export async function identity(page) { return page.evaluate(() => window.zdkRoom.identity()); }

async function frames(page, who) { return (await page.evaluate(() => window.zdkRoom.stats()))[who]?.framesDecoded ?? -1; }

// videoFlows proves with decoded-frame counts that page receives who's
// camera and that it keeps coming.
export async function videoFlows(page, who, label) {
  await page.waitForFunction(async (id) => ((await window.zdkRoom.stats())[id]?.framesDecoded ?? 0) > 0, who, { timeout: WAIT });
  const first = await frames(page, who);
  await page.waitForTimeout(1500);
  const second = await frames(page, who);
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
