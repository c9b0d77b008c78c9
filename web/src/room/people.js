// The people panel: everyone in the room with their state, the raised
// hands in the order they went up and who waits in the lobby. For the
// roundtable's moderators it is also the moderator panel: every action
// goes to POST /api/v1/roundtables/<id>/moderation and the panel shows
// the server's answer (nothing is assumed done before it).
import { Track } from "livekit-client";
import { api } from "../../static/api.js";
import { el, $, announce, confirmDialog } from "./ui.js";
import { t, tf, errorMessage } from "./messages.js";
import { roomMeta } from "./tiles.js";

const handTime = (p) => Number(p.attributes?.hand) || 0;

// resultText is the moderator's report of one action the server carried
// out; actions on the whole room say how many people they reached.
function resultText(kind, body, affected, name) {
  if (["admit_all", "lower_all_hands", "mute_all"].includes(kind)) return tf(affected ? `res_${kind}` : `res_${kind}_none`, { n: affected });
  if (kind === "lobby" || kind === "lock") return t(`res_${kind}_${body.on ? "on" : "off"}`);
  return tf(`res_${kind}`, { name });
}

export class People {
  constructor(call) {
    this.call = call;
    this.moderating = call.isModerator && call.target.kind === "roundtable";
    this.status = el("p", { id: "mod-status", class: "status", role: "status", "aria-live": "polite" });
    this.said = () => ""; // the last answer, as a message in the current language
    this.body = el("div", { class: "people-body" });
    this.heading = el("h3", { id: "people-h", tabindex: "-1" });
    this.close = el("button", { type: "button", class: "secondary", onclick: () => call.panels.toggle("people") });
    $("people-panel").replaceChildren(el("div", { class: "panel-head" }, this.heading, this.close), this.status, this.body);
    call.on((what) => { if (["people", "room", "self", "tracks", "entered"].includes(what)) this.schedule(); });
    this.schedule();
  }

  schedule() {
    if (this.pending) return;
    this.pending = requestAnimationFrame(() => { this.pending = 0; this.render(); });
  }

  everyone() { return [this.call.local, ...this.call.room.remoteParticipants.values()]; }

  // render redraws the lists, keeping keyboard focus on the same button.
  render() {
    this.heading.textContent = t(this.moderating ? "mod_title" : "people");
    const said = this.said(); // in the page's language, after a switch too
    if (this.status.textContent !== said) this.status.textContent = said; // unchanged text is not read out again
    this.close.textContent = t("close");
    const focused = document.activeElement?.dataset?.key;
    const all = this.everyone();
    const hands = all.filter((p) => p.attributes?.hand).sort((a, b) => handTime(a) - handTime(b));
    const lobby = all.filter((p) => p.attributes?.lobby === "1");
    const inRoom = all.filter((p) => p.attributes?.lobby !== "1");
    const parts = [];
    if (this.moderating) parts.push(this.roomActions(lobby.length));
    if (this.call.target.kind !== "consultation") { // a 1:1 talk has no hands to raise
      parts.push(el("h4", {}, t("mod_hands")), hands.length
        ? el("ol", { class: "hands", id: "hand-queue" }, hands.map((p) => el("li", { dataset: { identity: p.identity } }, this.nameOf(p), ...this.actions(p, ["lower_hand", "promote"]))))
        : el("p", { class: "hint" }, t("mod_no_hands")));
    }
    if (this.moderating || lobby.length) {
      parts.push(el("h4", {}, t("mod_lobby")), lobby.length
        ? el("ul", { class: "lobby-list" }, lobby.map((p) => el("li", { dataset: { identity: p.identity } }, this.nameOf(p), ...this.actions(p, ["admit", "remove"]))))
        : el("p", { class: "hint" }, t("mod_no_lobby")));
    }
    parts.push(el("h4", {}, t("mod_people")), el("ul", { class: "people-list" }, inRoom.map((p) => this.row(p))));
    this.body.replaceChildren(...parts);
    if (focused) this.body.querySelector(`[data-key="${CSS.escape(focused)}"]`)?.focus();
  }

  nameOf(p) {
    const a = p.attributes || {};
    const bits = [p.name || p.identity];
    if (p.isLocal) bits.push(t("you_suffix").trim());
    const role = this.call.roles.of(p);
    if (role === "moderator") bits.push(t("role_moderator"));
    else if (role === "speaker" && !(roomMeta(this.call.room).promoted || []).includes(p.identity)) bits.push(t("role_speaker"));
    else if (role === "audience") bits.push(t("role_audience"));
    if (a.away === "1") bits.push(t("away_status"));
    const mic = p.getTrackPublication(Track.Source.Microphone);
    if (!mic || mic.isMuted) bits.push(t("mic_muted"));
    return el("span", { class: "who" }, bits.join(" · "));
  }

  row(p) {
    const list = ["mute_mic", "mute_cam", "ask_unmute", "spotlight", "promote", "demote", "remove"];
    return el("li", { dataset: { identity: p.identity } }, this.nameOf(p),
      this.moderating && !p.isLocal ? el("div", { class: "acts", role: "group", "aria-label": tf("mod_for", { name: p.name || p.identity }) }, ...this.actions(p, list)) : "",
      this.moderating && p.isLocal ? el("div", { class: "acts" }, ...this.actions(p, ["spotlight"])) : "");
  }

  // actions returns the buttons that make sense for p now.
  actions(p, wanted) {
    if (!this.moderating) return [];
    const meta = roomMeta(this.call.room);
    const a = p.attributes || {};
    const on = (s) => { const pub = p.getTrackPublication(s); return pub && !pub.isMuted; };
    const promoted = (meta.promoted || []).includes(p.identity);
    const role = this.call.roles.of(p);
    const fit = {
      // asking makes sense only of someone who may speak now
      mute_mic: on(Track.Source.Microphone), mute_cam: on(Track.Source.Camera), ask_unmute: !on(Track.Source.Microphone) && a.lobby !== "1" && !!p.permissions?.canPublish,
      spotlight: a.lobby !== "1" && role !== "audience", lower_hand: !!a.hand, promote: role === "audience" && !promoted, // only stage talks have an audience
      demote: promoted, remove: role !== "moderator", admit: a.lobby === "1",
    };
    return wanted.filter((w) => fit[w]).map((w) => {
      const spot = w === "spotlight" && meta.spotlight === p.identity;
      const label = t(spot ? "mod_unspotlight" : "mod_" + w);
      const body = {
        mute_mic: { action: "mute", source: "microphone" }, mute_cam: { action: "mute", source: "camera" },
        ask_unmute: { action: "ask_unmute", source: "microphone" }, spotlight: { action: "spotlight", identity: spot ? "" : p.identity },
      }[w] || { action: w };
      return this.actionButton(label, { identity: p.identity, ...body }, spot ? "spotlight_off" : w, p);
    });
  }

  actionButton(label, body, kind, p) {
    const danger = kind === "remove" || kind === "end";
    const action = kind === "spotlight_off" ? "spotlight" : kind;
    const b = el("button", { type: "button", class: danger ? "danger small" : "secondary small", dataset: { action, identity: p?.identity || "", key: `${p?.identity || ""}:${kind}` } }, label);
    if (kind === "mute_all") b.title = t("mod_mute_all_hint");
    b.addEventListener("click", async () => {
      if (kind === "remove" && !(await confirmDialog(tf("mod_confirm_remove", { name: p.name || p.identity }), label))) return;
      if (kind === "end" && !(await confirmDialog(t("mod_confirm_end"), label))) return;
      await this.send(body, b, { kind, name: p ? p.name || p.identity : "" });
    });
    return b;
  }

  roomActions(waiting) {
    const meta = roomMeta(this.call.room);
    const acts = [];
    if (waiting) acts.push(this.actionButton(t("mod_admit_all"), { action: "admit_all" }, "admit_all"));
    acts.push(this.actionButton(t("mod_lower_all"), { action: "lower_all_hands" }, "lower_all_hands"),
      this.actionButton(t("mod_mute_all"), { action: "mute_all" }, "mute_all"),
      this.actionButton(t(meta.lobby ? "mod_lobby_off" : "mod_lobby_on"), { action: "lobby", on: !meta.lobby }, "lobby"),
      this.actionButton(t(meta.locked ? "mod_unlock" : "mod_lock"), { action: "lock", on: !meta.locked }, "lock"),
      this.actionButton(t("mod_end"), { action: "end" }, "end"));
    const state = [meta.locked ? t("mod_locked_state") : "", meta.lobby ? t("mod_lobby_state") : ""].filter(Boolean).join(" · ");
    return el("div", { class: "room-acts" }, el("h4", {}, t("mod_room")), state ? el("p", { class: "hint", id: "mod-state" }, state) : "",
      el("div", { class: "acts", role: "group", "aria-label": t("mod_room") }, ...acts));
  }

  // menuActions are the room-wide actions for the bar's "More" menu on a
  // phone. Each opens this panel, where the server's answer shows, and
  // presses the panel's own button (same confirmation, same report).
  menuActions() {
    if (!this.moderating) return [];
    this.render();
    return [...this.body.querySelectorAll(".room-acts button")].map((b) => ({
      key: b.dataset.action, label: b.textContent, danger: b.classList.contains("danger"), title: b.title,
      run: () => {
        if (this.call.panels.open !== "people") this.call.panels.toggle("people");
        this.render();
        this.body.querySelector(`[data-key="${CSS.escape(b.dataset.key)}"]`)?.click();
      },
    }));
  }

  say(text) { this.said = text; this.status.textContent = text(); }

  // send asks the server and reports what it answered: what changed for
  // whom, how many, or that nobody was affected.
  async send(body, button, what) {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    this.say(() => t("mod_working"));
    this.status.removeAttribute("data-kind");
    try {
      const res = await api("POST", `/roundtables/${encodeURIComponent(this.call.target.id)}/moderation`, body);
      this.say(() => resultText(what.kind, body, res?.affected ?? 1, what.name));
      this.status.dataset.kind = "done";
    } catch (e) {
      this.say(() => errorMessage(e));
      this.status.dataset.kind = "error";
      announce(this.status.textContent);
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
      this.schedule();
    }
  }
}
