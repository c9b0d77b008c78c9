// Breakout groups as every person in a roundtable's room lives them: the
// page follows the control plane's state (GET …/breakout, asked every
// 10 s and at once when the "breakout" data message says it changed) and
// moves her without a reload into her group when groups open, and back to
// the main room when the moderator calls everyone back or the time is up
// (by herself at the end, even if no message reaches her). A bar under the
// stage shows her group and the time left; a moderator's message to every
// group and the 30-second notice show on screen.
import { DisconnectReason } from "livekit-client";
import { api } from "../../static/api.js";
import { el, $, notify, dismiss } from "./ui.js";
import { t, tf, errorMessage } from "./messages.js";

const topic = "breakout";
const pollEvery = 10_000;
const noticeBefore = 30_000;
const retryAfter = 3_000;

// clock writes milliseconds left as mm:ss (minutes go past 59 when extended).
export function clock(ms) {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

export class Breakout {
  constructor(call) {
    this.call = call;
    this.base = `/roundtables/${encodeURIComponent(call.target.id)}`;
    // moderators and guest speakers may stay in the main room or visit any group
    this.visitor = ["moderator", "speaker"].includes(call.role);
    this.state = { open: false, round: 0, groups: [] };
    this.skew = 0; // the server's clock minus ours, for the countdown
    this.choice = null; // a visitor's chosen room while groups are open: "main" or a group id
    this.warned = ""; // the round and end the 30-second notice was given for
    this.shown = ""; // message_at of the last broadcast shown
    this.stateAt = 0; // the server's time of the state adopted last
    this.bar = el("div", { id: "breakout-bar", class: "breakout-bar", hidden: true });
    // under the stage, where the notices at the top never cover it
    document.querySelector(".stage-wrap")?.append(this.bar);
    call.onGroupLost = () => { this.lost = true; this.go("main"); return true; };
    call.on((what, d) => {
      if (what === "data" && d.topic === topic && !d.from) this.refresh();
      if (what === "moved") this.draw();
      if (what === "entered") { this.ready = true; this.follow(); }
    });
    if (call.token.breakout) this.take(call.token.breakout, false);
    this.timers = [setInterval(() => this.refresh(), pollEvery), setInterval(() => this.second(), 1000)];
    this.refresh();
  }

  stop() { this.timers.forEach(clearInterval); }

  remaining() { return this.state.ends_at ? Date.parse(this.state.ends_at) - (Date.now() + this.skew) : 0; }
  isOpen() { return !!this.state.open && this.remaining() > 0; }
  group(id) { return (this.state.groups || []).find((g) => g.id === id); }

  // want is the room she belongs in now: her group while groups are
  // open, else the main room; a visitor's own choice comes first.
  want() {
    if (!this.isOpen()) return "main";
    const c = this.visitor && this.choice;
    if (c && (c === "main" || this.group(c))) return c;
    return this.state.my_group || "main";
  }

  // visit is a moderator's or guest speaker's move to a group or "main".
  visit(where) { this.choice = where; this.follow(); }

  async refresh() {
    if (this.call.done) { this.stop(); return; }
    try {
      this.take(await api("GET", `${this.base}/breakout`), true);
      return true;
    } catch { return false; } // the next round asks again
  }

  // take adopts a state from the server and moves her if it says so.
  take(s, follow) {
    if (!s || typeof s !== "object") return;
    // answers overtaken by a newer one (a poll sent before a change) would
    // move her back and forth
    const at = Date.parse(s.now) || 0;
    if (at < this.stateAt) return;
    this.stateAt = at;
    if (at) this.skew = at - Date.now();
    if (s.round !== this.state.round || !s.open) this.choice = null;
    this.state = { groups: [], ...s };
    if (s.open && s.message && s.message_at && s.message_at !== this.shown) {
      this.shown = s.message_at;
      notify("breakout_broadcast", { key: "breakout-msg", params: { text: String(s.message).slice(0, 200) } });
    }
    this.draw();
    this.call.emit("breakout", this.state);
    if (follow) this.follow();
  }

  follow() {
    const c = this.call;
    if (c.done || c.inLobby || !this.ready) return; // not in the room yet, or waiting in the lobby
    if (this.want() !== c.where) this.go(this.want());
  }

  // go moves her to where ("main" or a group id), one move at a time;
  // a failed move is tried again shortly, her tracks kept meanwhile.
  async go(where) {
    if (this.moving) { this.again = true; return; }
    this.moving = true;
    const c = this.call;
    try {
      const token = await api("POST", `${this.base}/join?group=${encodeURIComponent(where)}`);
      await c.moveTo({ role: "", lobby: false, ...token, group: token.group || where, fetchedAt: Date.now() });
      this.lost = false;
      this.retryAt = 0;
      dismiss("breakout-move");
      if (c.where === "main") { // what was said to the groups is over
        dismiss("breakout-end");
        dismiss("breakout-msg");
        notify("breakout_back", { key: "breakout", transient: true });
      }
      else notify("breakout_moved", { key: "breakout", transient: true, params: { n: c.where } });
      if (token.breakout) this.take(token.breakout, false);
    } catch (e) {
      if (["ended", "removed"].includes(e?.code)) { this.finish(e.code); return; }
      this.retryAt = Date.now() + retryAfter;
      notify("breakout_move_failed", { key: "breakout-move", kind: "error", params: { why: errorMessage(e) } });
      if (["not_in_group", "breakout_closed", "unknown_value"].includes(e?.code)) this.refresh(); // the groups changed meanwhile
    } finally {
      this.moving = false;
      if (this.again) { this.again = false; this.follow(); }
    }
  }

  // finish ends the visit when the main room refuses her too.
  finish(code) {
    const c = this.call;
    c.where = "main";
    c.ended(code === "removed" ? DisconnectReason.PARTICIPANT_REMOVED : DisconnectReason.ROOM_DELETED);
  }

  // second redraws the countdown, gives the 30-second notice, and at the
  // end asks the server once more (the time may have been extended) and
  // goes back to the main room unless it says otherwise.
  async second() {
    const s = this.state;
    const left = this.remaining();
    if (s.open && this.call.where !== "main" && left > 0 && left <= noticeBefore && this.warned !== `${s.round}:${s.ends_at}`) {
      this.warned = `${s.round}:${s.ends_at}`;
      notify("breakout_ending", { key: "breakout-end", kind: "warn" });
    }
    if (s.open && left <= 0 && !this.expiring) {
      this.expiring = true;
      if (!(await this.refresh())) this.follow(); // unreachable: the clock alone says it is over
      this.expiring = false;
    }
    if (this.retryAt && Date.now() >= this.retryAt && !this.moving) { this.retryAt = 0; this.follow(); }
    if (!this.bar.hidden) this.drawBar();
    this.call.emit("breakout-tick");
  }

  draw() {
    this.bar.hidden = !this.isOpen() && this.call.where === "main";
    this.bar.parentElement?.toggleAttribute("data-breakout", !this.bar.hidden);
    document.body.dataset.group = this.call.where || "main";
    if (!this.bar.hidden) this.drawBar(this.barKey !== `${this.call.where}|${document.documentElement.lang}`);
  }

  // drawBar writes the bar: her group and the time left, and for a
  // visitor the way back to the main room. Only the time changes each
  // second; the rest is rebuilt when the room or the language changes.
  drawBar(rebuild) {
    const where = this.call.where;
    const time = clock(this.remaining());
    const text = where === "main" ? tf("bar_main", { time }) : tf("bar_group", { n: where, time });
    if (!rebuild && this.barText) { this.barText.textContent = text; return; }
    this.barKey = `${where}|${document.documentElement.lang}`; // rebuilt only when these change: focus stays on its button
    this.barText = el("strong", { class: "breakout-time" }, text);
    const back = this.visitor && where !== "main"
      ? el("button", { type: "button", class: "secondary small", id: "breakout-main", onclick: () => this.visit("main") }, t("groups_to_main")) : "";
    this.bar.replaceChildren(this.barText, back);
  }

  relabel() { this.draw(); }
}
