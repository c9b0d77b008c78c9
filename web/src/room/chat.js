// Chat over the data channel (reliable, topic "zadankai.chat"), the side
// panels, and the control plane's messages to this page: a moderator's
// request to unmute ("zadankai.ask-unmute", never an unmute by itself)
// and notices ("zadankai.notice").
import { Track } from "livekit-client";
import { el, $, announce, notify } from "./ui.js";
import { t, tf } from "./messages.js";

export const topicChat = "zadankai.chat";
const topicAskUnmute = "zadankai.ask-unmute";
const topicNotice = "zadankai.notice";
const maxChat = 1000;

const enc = new TextEncoder(), dec = new TextDecoder();

function parse(payload) { try { return JSON.parse(dec.decode(payload)); } catch { return null; } }

function clock(ms) { return new Date(ms).toLocaleTimeString(document.documentElement.lang, { hour: "2-digit", minute: "2-digit" }); }

// Panels opens one side panel at a time (chat, people, questions and
// polls, or breakout groups). Focus goes into the panel when it opens and
// back to the button that opened it when it closes.
export class Panels {
  constructor(call) {
    this.call = call;
    this.open = null;
    this.opener = null;
    // Escape closes the open panel and returns to its button.
    document.addEventListener("keydown", (e) => {
      if (e.key !== "Escape" || !this.open || document.querySelector("dialog[open]")) return;
      this.toggle(this.open);
      this.opener?.focus();
    });
  }
  toggle(name) {
    const was = this.open;
    const lost = !document.activeElement || document.activeElement === document.body || $("side").contains(document.activeElement);
    this.open = this.open === name ? null : name;
    if (this.open && this.open !== was) this.opener = opener(name);
    $("side").hidden = !this.open;
    for (const n of ["chat", "people", "qa", "groups"]) { const p = $(`${n}-panel`); if (p) p.hidden = this.open !== n; }
    document.body.dataset.panel = this.open || "";
    if (this.open === "chat") { $("chat-input")?.focus(); $("btn-chat").dataset.unread = ""; }
    else if (this.open === "qa") { $("qa-h")?.focus(); $("btn-qa").dataset.unread = ""; }
    else if (this.open === "groups") $("groups-h")?.focus();
    else if (this.open) $("people-h")?.focus();
    else if (lost) this.opener?.focus(); // closed from inside the panel: her place was the button
    this.call.emit("panel", this.open);
  }
}

// opener is the button focus returns to: the panel's own in the bar, or
// "More" when the bar on a phone has folded it into that menu.
function opener(name) {
  const b = $(`btn-${name}`);
  return b && b.offsetParent !== null ? b : $("btn-more") || b;
}

export class Chat {
  constructor(call, panels) {
    this.call = call;
    this.panels = panels;
    this.unread = 0;
    this.log = el("ol", { id: "chat-log", class: "chat-log" });
    this.empty = el("p", { class: "hint" }, t("chat_empty"));
    this.input = el("textarea", { id: "chat-input", rows: 2, maxlength: maxChat, "aria-describedby": "chat-err" });
    this.err = el("p", { id: "chat-err", class: "field-error", role: "alert" });
    this.labels = { chat_message: el("label", { for: "chat-input" }), chat_send: el("button", { type: "submit", id: "chat-send" }),
      chat_title: el("h3", { id: "chat-h", tabindex: "-1" }), close: el("button", { type: "button", class: "secondary", onclick: () => panels.toggle("chat") }) };
    const form = el("form", { class: "chat-form", onsubmit: (e) => { e.preventDefault(); this.send(); } },
      this.labels.chat_message, this.input, this.err, this.labels.chat_send);
    this.input.addEventListener("keydown", (e) => { if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); this.send(); } });
    $("chat-panel").replaceChildren(el("div", { class: "panel-head" }, this.labels.chat_title, this.labels.close), this.empty, this.log, form);
    this.relabel();
    call.on((what, d) => {
      if (what === "data") this.received(d);
      // a request to unmute goes with the stage: it makes no sense once
      // she is back in the audience, or once she has turned it on
      if (what === "tracks" && (!call.canPublish() || call.isOn(Track.Source.Microphone))) closeAsk();
    });
  }

  // relabel writes the panel's fixed texts in the current language.
  relabel() {
    for (const [k, node] of Object.entries(this.labels)) node.textContent = t(k);
    this.empty.textContent = t("chat_empty");
  }

  add(name, text, ts, mine) {
    this.empty.hidden = true;
    // her own lines say "you": "山田 花子さん" above what she just wrote reads as if someone else had
    this.log.append(el("li", { class: mine ? "mine" : "" }, el("span", { class: "who" }, mine ? t("you") : tf("chat_from", { name })),
      el("time", { datetime: new Date(ts).toISOString() }, clock(ts)), el("p", {}, text)));
    this.log.scrollTop = this.log.scrollHeight;
  }

  async send() {
    const text = this.input.value.trim();
    this.err.textContent = "";
    if (!text) return;
    if (text.length > maxChat) { this.err.textContent = t("chat_too_long"); return; }
    const ts = Date.now();
    try {
      await this.call.local.publishData(enc.encode(JSON.stringify({ text, ts })), { reliable: true, topic: topicChat });
    } catch {
      this.err.textContent = t("chat_failed");
      return;
    }
    this.add(this.call.local.name, text, ts, true);
    this.input.value = "";
  }

  received({ payload, from, topic }) {
    const msg = parse(payload);
    if (!msg) return;
    if (topic === topicChat && from && typeof msg.text === "string") {
      const text = msg.text.slice(0, maxChat);
      this.add(from.name || from.identity, text, Date.now(), false);
      if (this.panels.open !== "chat") {
        $("btn-chat").dataset.unread = String(++this.unread);
        announce(tf("chat_new", { name: from.name || from.identity, text }));
      } else this.unread = 0;
    } else if (topic === topicAskUnmute && !from) askUnmute(this.call, msg);
    else if (topic === topicNotice && !from && typeof (msg.text || msg.message) === "string") notify("notice", { key: "notice", params: { text: String(msg.text || msg.message).slice(0, 300) } });
  }
}

function closeAsk() {
  const box = $("ask");
  if (!box || box.hidden) return;
  box.hidden = true;
  box.replaceChildren();
}

// askUnmute shows the moderator's request; only the person can say yes.
function askUnmute(call, msg) {
  if (!call.canPublish()) return; // sent just before she left the stage
  const camera = msg.source === "camera";
  const box = $("ask");
  const close = closeAsk;
  const yes = el("button", { type: "button", id: "ask-yes", onclick: async () => {
    close();
    await call.toggle(camera ? Track.Source.Camera : Track.Source.Microphone, true); // says so when it fails
  } }, t("accept_unmute"));
  const no = el("button", { type: "button", class: "secondary", onclick: close }, t("decline_unmute"));
  box.replaceChildren(el("p", {}, tf(camera ? "ask_unmute_camera" : "ask_unmute_mic", { from: String(msg.from || "").slice(0, 64) })), el("div", { class: "row" }, yes, no));
  box.hidden = false;
  yes.focus();
}
