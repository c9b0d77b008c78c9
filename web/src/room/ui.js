// Small page helpers shared by the room's modules: the banner, notices, the
// screen-reader announcer, confirmation dialogs and which screen shows.
import { el } from "../../static/api.js";
import { t, tf } from "./messages.js";

export { el };
export const $ = (id) => document.getElementById(id);

const screens = ["boot", "prejoin", "lobby", "call", "ended"];

// show makes one screen visible and moves focus to its heading, so
// keyboard and screen-reader users land where the page changed.
export function show(name) {
  for (const s of screens) { const n = $(s); if (n) n.hidden = s !== name; }
  document.body.dataset.screen = name;
  const h = $(name)?.querySelector("h2");
  if (h) { h.tabIndex = -1; h.focus({ preventScroll: true }); }
}

// announce speaks a short message (polite live region) without moving focus.
export function announce(text) {
  const a = $("announce");
  a.textContent = "";
  setTimeout(() => { a.textContent = text; }, 30);
}

// notify shows a short message on screen (and says it to screen readers):
// a room change that everyone should see, not only hear. textKey (with
// params) names the message, so a language switch rewrites it; key
// replaces an earlier message of the same kind; kind is info, warn or
// error; action adds one button ({label: a message key, run}); transient
// messages go after a while, the others stay until closed or replaced.
export function notify(textKey, { key = "", kind = "info", params = {}, action = null, transient = false } = {}) {
  announce(tf(textKey, params));
  const box = $("notices");
  if (!box) return;
  if (key) dismiss(key);
  const text = el("p", {});
  const close = el("button", { type: "button", class: "notice-close" }, "×");
  const act = action && el("button", { type: "button", class: "notice-action", onclick: () => { n.remove(); action.run(); } });
  const n = el("div", { class: "notice", dataset: { kind, key } }, text, act, close);
  n.relabel = () => {
    text.textContent = tf(textKey, params);
    close.setAttribute("aria-label", t("close"));
    if (act) act.textContent = t(action.label);
  };
  n.relabel();
  close.addEventListener("click", () => n.remove());
  box.append(n);
  while (box.children.length > 3) box.firstElementChild.remove();
  if (transient) setTimeout(() => n.remove(), 10_000);
}

// relabelNotices rewrites the messages on screen in the page's language.
export function relabelNotices() {
  for (const n of $("notices")?.children ?? []) n.relabel?.();
}

// dismiss removes the on-screen message of one kind, if shown.
export function dismiss(key) {
  $("notices")?.querySelector(`.notice[data-key="${CSS.escape(key)}"]`)?.remove();
}

// banner shows a persistent strip (reconnecting, weak network); kind picks
// its colour, action an optional button. banner(null) clears it.
export function banner(text, kind = "info", action) {
  const b = $("banner");
  b.replaceChildren();
  b.hidden = !text;
  if (!text) { delete b.dataset.kind; return; }
  b.dataset.kind = kind;
  b.append(el("span", {}, text));
  if (action) b.append(el("button", { type: "button", class: "secondary", onclick: action.run }, action.label));
}

// confirmDialog asks a yes/no question in a modal <dialog> (keyboard and
// Escape work natively) and resolves to true when confirmed.
export function confirmDialog(question, yesLabel = t("confirm")) {
  return new Promise((resolve) => {
    const yes = el("button", { type: "button", class: "danger", value: "yes" }, yesLabel);
    const no = el("button", { type: "button", class: "secondary", value: "no" }, t("cancel"));
    const d = el("dialog", { class: "room-dialog", "aria-labelledby": "dlg-q" }, el("p", { id: "dlg-q" }, question), el("div", { class: "row" }, no, yes));
    const done = (v) => { d.close(); d.remove(); resolve(v); };
    yes.addEventListener("click", () => done(true));
    no.addEventListener("click", () => done(false));
    d.addEventListener("cancel", (e) => { e.preventDefault(); done(false); });
    document.body.append(d);
    d.showModal();
    no.focus();
  });
}

// icon is a decorative drawing next to a visible caption (the caption is
// the accessible name, so the drawing is hidden from screen readers).
export { svgIcon as icon } from "./icons.js";
