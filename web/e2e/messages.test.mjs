// The room page's message table: every key in both languages, no empty
// text, placeholders the same in Japanese and English (no browser needed).
import { test } from "node:test";
import assert from "node:assert/strict";
import { messages } from "../src/room/messages.js";

test("room messages: ja and en have the same keys and placeholders", () => {
  const ja = Object.keys(messages.ja).sort(), en = Object.keys(messages.en).sort();
  assert.deepEqual(en, ja);
  const holes = (s) => (s.match(/\{\w+\}/g) || []).sort().join(",");
  for (const k of ja) {
    assert.ok(messages.ja[k].trim() && messages.en[k].trim(), `${k} is empty`);
    assert.equal(holes(messages.en[k]), holes(messages.ja[k]), `${k}: placeholders differ`);
  }
});

test("room messages: every key the room's modules use exists", async () => {
  const { readdirSync, readFileSync } = await import("node:fs");
  const dir = new URL("../src/room/", import.meta.url);
  const used = new Set();
  for (const f of readdirSync(dir)) {
    const src = readFileSync(new URL(f, dir), "utf8");
    for (const m of src.matchAll(/\bt[f]?\("([a-z_]+)"[,)]/g)) used.add(m[1]);
  }
  assert.ok(used.size > 50, `only ${used.size} keys found: the scan is broken`);
  for (const k of used) assert.ok(k in messages.ja, `missing message ${k}`);
});
