// How a peer is shown: photo or initial, industry and job, theme chips.
import { t, has, lang } from "/assets/i18n.js";
import { el } from "/assets/api.js";
import { tx } from "/assets/forms.js";

export function initial(name) {
  return el("span", { class: "avatar initial", "aria-hidden": "true" }, Array.from((name || "?").trim())[0] || "?");
}

// avatar is the member's photo when they have one (and it may be seen),
// else their initial; decorative either way since the name is beside it.
export function avatar(p, size = 64) {
  if (!p.has_photo) return initial(p.display_name);
  const img = el("img", { src: `/api/v1/members/${encodeURIComponent(p.id)}/photo`, alt: "", width: size, height: size,
    class: "avatar", loading: "lazy" });
  img.addEventListener("error", () => img.replaceWith(initial(p.display_name)), { once: true });
  return img;
}

// label translates a server code under a prefix ("industry_it"), or shows
// the code itself when there is no translation yet.
export function codeLabel(prefix, code) {
  return has(prefix + code) ? tx(prefix + code) : el("span", {}, code);
}

export function peerMeta(p) {
  const parts = [];
  if (p.industry) parts.push(codeLabel("industry_", p.industry));
  if (p.job_function) parts.push(codeLabel("function_", p.job_function));
  if (!parts.length) return null;
  const line = el("p", { class: "meta" });
  parts.forEach((x, i) => { if (i) line.append(" · "); line.append(x); });
  return line;
}

// themeLabel is a theme's label in both languages (render() switches it).
export function themeLabel(id, themes) {
  const th = themes.find((x) => x.id === id);
  if (!th) return el("span", {}, id);
  return el("span", { "data-label-ja": th.ja, "data-label-en": th.en }, lang === "en" ? th.en : th.ja);
}

export function themeChips(ids, themes) {
  if (!ids || !ids.length) return null;
  return el("ul", { class: "chips", "aria-label": t("themes") , "data-i18n-label": "themes" },
    ...ids.map((id) => el("li", {}, themeLabel(id, themes))));
}
