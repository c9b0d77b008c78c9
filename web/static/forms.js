// Building blocks for forms: labelled fields with an error line each,
// API errors shown next to the field they name, status messages that
// re-translate themselves, buttons that wait for the server, and a
// gentle inline confirmation.
import { t, tf, errorKey } from "/assets/i18n.js";
import { el } from "/assets/api.js";

let seq = 0;
export function uid(prefix = "f") { seq += 1; return `${prefix}-${seq}`; }

// tx is a span whose text follows the page language.
export function tx(key, params) {
  const s = el("span", { "data-i18n": key }, params ? tf(key, params) : t(key));
  if (params) s.dataset.i18nParams = JSON.stringify(params);
  return s;
}

// say puts a translated message in a live region (or any element).
export function say(node, key, params) {
  node.dataset.i18n = key;
  if (params) node.dataset.i18nParams = JSON.stringify(params); else delete node.dataset.i18nParams;
  node.textContent = params ? tf(key, params) : t(key);
}

// announce says something in the page's persistent live region (#status),
// for results shown in parts of the page that have just been redrawn.
export function announce(key, params) {
  const s = document.getElementById("status");
  if (s) say(s, key, params);
}

export function unsay(node) {
  delete node.dataset.i18n;
  delete node.dataset.i18nParams;
  node.textContent = "";
}

// errorLine is the place for a field's error, tied to the control.
export function errorLine(field, control) {
  const p = el("p", { class: "field-error", id: uid("err"), role: "alert", "data-error-for": field });
  if (control) control.setAttribute("aria-describedby", [control.getAttribute("aria-describedby"), p.id].filter(Boolean).join(" "));
  return p;
}

// field is a label, its control and the error line for the API field name.
export function field(labelKey, control, name, hint) {
  control.id ||= uid("in");
  const parts = [el("label", { for: control.id, "data-i18n": labelKey }, t(labelKey))];
  if (hint) {
    const h = el("p", { class: "hint", id: uid("hint"), "data-i18n": hint }, t(hint));
    control.setAttribute("aria-describedby", h.id);
    parts.push(h);
  }
  parts.push(control, errorLine(name ?? control.name, control));
  return el("div", { class: "field" }, ...parts);
}

// option is an <option> whose label is a message key (or raw text).
export function option(value, key, selected, raw) {
  return el("option", { value, selected: !!selected, "data-i18n": raw ? undefined : key }, raw ? String(raw) : t(key));
}

// choice is a checkbox or radio with its label around it.
export function choice(type, name, value, key, checked, labelNode) {
  return el("label", { class: "choice" },
    el("input", { type, name, value, checked: !!checked }), labelNode || tx(key));
}

// formError is a form's own error line, for errors without a field.
export function formError() { return el("p", { class: "form-error", role: "alert" }); }

export function clearErrors(root) {
  for (const p of root.querySelectorAll(".field-error, .form-error")) unsay(p);
  for (const c of root.querySelectorAll("[aria-invalid]")) c.removeAttribute("aria-invalid");
}

// showError puts an API error next to the field it names ("slots[1].start"
// falls back to "slots[1]", then "slots"), or in the form's own error
// line; the control is marked invalid and focused.
export function showError(root, err, scope) {
  const body = err.body || { error: { code: err.code, field: err.field } };
  let line = null;
  for (const name of fieldNames(err.field || "")) {
    line = root.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
    if (line) break;
  }
  line ||= root.querySelector(".form-error");
  if (!line) return;
  const key = errorKey(body, scope);
  say(line, key);
  if (err.requestID && key === "generic") line.textContent += ` (${err.requestID})`;
  const described = root.querySelector(`[aria-describedby~="${line.id}"]`);
  if (described && line.classList.contains("field-error")) {
    described.setAttribute("aria-invalid", "true");
    described.focus();
  }
}

// fieldNames: "slots[1].start" → ["slots[1].start", "slots[1]", "slots"].
function fieldNames(name) {
  const out = [];
  while (name) {
    out.push(name);
    const next = name.replace(/(\.[^.[\]]+|\[\d+\])$/, "");
    if (next === name) break;
    name = next;
  }
  return out;
}

// busy runs fn with the button disabled and marked busy; the button
// comes back whether fn succeeds or not.
export async function busy(button, fn) {
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try { return await fn(); } finally { button.disabled = false; button.removeAttribute("aria-busy"); }
}

// confirmInline swaps `anchor` for a short question with a confirm and a
// back button; onYes runs only after the confirm is pressed.
export function confirmInline(anchor, questionKey, yesKey, onYes) {
  const out = el("p", { class: "form-error", role: "alert" });
  const yes = el("button", { type: "button", class: "danger" }, tx(yesKey));
  const no = el("button", { type: "button", class: "secondary" }, tx("back"));
  const box = el("div", { class: "confirm", role: "group", "aria-label": t(questionKey) },
    el("p", {}, tx(questionKey)), el("div", { class: "actions" }, yes, no), out);
  no.addEventListener("click", () => { box.replaceWith(anchor); anchor.focus(); });
  yes.addEventListener("click", () => busy(yes, async () => {
    unsay(out);
    try { await onYes(); } catch (e) { showError(box, e); }
  }));
  anchor.replaceWith(box);
  yes.focus();
  return box;
}

// counter shows "12 / 500" under a textarea, politely.
export function counter(textarea, max) {
  const c = el("p", { class: "hint counter" }, `0 / ${max}`);
  const update = () => { c.textContent = `${[...textarea.value].length} / ${max}`; };
  textarea.addEventListener("input", update);
  queueMicrotask(update);
  return c;
}
