// The header every logged-in page shares: product name, navigation for
// the role, language switch and logout.
import { setupLanguageSwitch, t } from "/assets/i18n.js";
import { me, logout, el } from "/assets/api.js";

export async function page(render) {
  const member = await me();
  const nav = el("nav", { "aria-label": "main" },
    el("a", { href: "/home", "data-i18n": "nav_home" }, t("nav_home")),
    el("a", { href: "/consultations", "data-i18n": "nav_consultations" }, t("nav_consultations")),
    el("button", { type: "button", class: "link", onclick: logout, "data-i18n": "logout" }, t("logout")));
  document.querySelector("header").append(nav);
  const draw = () => render(member);
  setupLanguageSwitch(draw);
  await draw();
}
