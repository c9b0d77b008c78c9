// Accessibility of the room page's screens, checked by axe-core in real
// Chromium (WCAG 2.x A and AA rules: contrast, names of buttons and
// fields, ARIA use) at phone width and on a desktop.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser } from "./harness.mjs";
import { devRoomURL, waitInCall, audit, WAIT } from "./room-lib.mjs";

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(server.url); });
after(async () => { await browser?.close(); await server?.stop(); });

test("room screens pass axe's WCAG A/AA rules at 360 px and 1440 px", async () => {
  const room = "e2e-a11y-" + Date.now();
  const a = await browser.ctx.newPage();
  const b = await browser.ctx.newPage();
  await a.goto(devRoomURL(server.url, room, "lena", "moderator").replace("&autojoin=1", ""));
  await a.waitForSelector("#join-btn:not([disabled])", { timeout: WAIT });
  await audit(a, "pre-join");
  await a.click("#join-btn");
  await b.goto(devRoomURL(server.url, room, "mark"));
  await waitInCall(a, 1);
  await b.click("#btn-hand");
  await a.waitForSelector(".state.hand", { timeout: WAIT });
  await audit(a, "call, 360 px");
  await a.click("#btn-chat");
  await audit(a, "chat panel");
  await a.click("#btn-people");
  await audit(a, "people panel");
  await a.setViewportSize({ width: 1440, height: 900 });
  await audit(a, "call with people panel, 1440 px");
  // A listener: the line saying why her microphone is off, the audience
  // strip, and a notice (her page is refused a microphone) pass too.
  const c = await browser.ctx.newPage();
  await c.goto(devRoomURL(server.url, room, "nina", "audience"));
  await waitInCall(c, 2);
  await c.waitForSelector("#ctl-hint:not([hidden])", { timeout: WAIT });
  await c.evaluate(() => window.zdkRoom.call.toggle("microphone", true));
  await c.waitForSelector(".notice .notice-close", { timeout: WAIT });
  await audit(c, "listener with a notice, 360 px");
  await a.waitForSelector("#audience:not([hidden])", { timeout: WAIT });
  await audit(a, "stage with the audience strip, 1440 px");
  await c.close();
  await b.click("#btn-leave");
  await b.waitForSelector("#ended-msg", { timeout: WAIT });
  await audit(b, "ended");
  // The audit itself can fail: a nameless button and grey-on-grey text are caught.
  await b.evaluate(() => {
    document.body.append(document.createElement("button"));
    const p = Object.assign(document.createElement("p"), { textContent: "faint" });
    p.style.cssText = "color:#bbb;background:#ccc";
    document.body.append(p);
  });
  await assert.rejects(audit(b, "broken on purpose"), /button-name[\s\S]*color-contrast|color-contrast[\s\S]*button-name/);
});
