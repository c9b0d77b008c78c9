import { test, before, after } from "node:test";
import { startServer, launchIsolated, screenshot } from "./harness.mjs";
import { devRoomURL, waitInCall } from "./room-lib.mjs";
let server, browsers;
before(async () => { server = await startServer(); browsers = await launchIsolated(server.url); });
after(async () => { await browsers?.close(); await server?.stop(); });
test("debug layout", async () => {
  const ctx = await browsers.newContext({ width: 1440, height: 900 });
  const a = await ctx.newPage(); const b = await ctx.newPage();
  await a.goto(devRoomURL(server.url, "dbg", "alice", "moderator"));
  await b.goto(devRoomURL(server.url, "dbg", "bob"));
  await waitInCall(a, 1);
  await a.click("#btn-people");
  await a.waitForTimeout(1500);
  console.log(await a.evaluate(() => ["main", "call", "side", "tiles", "controls"].map((id) => { const e = document.getElementById(id) || document.querySelector("." + id); const r = e.getBoundingClientRect(); return `${id}: ${r.top}-${r.bottom} ${r.left}-${r.right} ${getComputedStyle(e).height}`; }).join("\n")));
  console.log(await a.evaluate(() => document.documentElement.scrollHeight));
  await a.screenshot({ path: process.env.ZADANKAI_E2E_OUT + "/debug.png" });
});
