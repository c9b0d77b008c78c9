// The frame every logged-in page shares: the session (or back to the
// landing page), the navigation for the role, the language switch (saved
// to the account), logout,
// and a load error shown in the page's status line.
import { setupLanguageSwitch, setLang, lang, t } from "/assets/i18n.js";
import { session, logout, el, homeFor, api } from "/assets/api.js";
import { refreshTimes } from "/assets/format.js";
import { say } from "/assets/forms.js";
import { setup as setupApp } from "/assets/pwa.js";

const navs = {
  member: [["/home", "nav_home"], ["/consultations", "nav_consultations"], ["/roundtables", "nav_roundtables"], ["/profile", "nav_profile"]],
  guest_speaker: [["/roundtables", "nav_my_roundtables"], ["/profile", "nav_account"]],
  company_admin: [["/admin", "nav_admin"]],
  operator: [["/operator", "nav_operator"], ["/roundtables", "nav_roundtables"]],
};

// page loads the session, sends people of other roles to their own home,
// draws the header and runs render(member). onLang runs after the page
// has been re-translated.
export async function page(roles, render, onLang) {
  setupApp();
  let member;
  try {
    member = await session();
  } catch (e) {
    if (e.status !== 401) failed(e);
    return;
  }
  if (roles && !roles.includes(member.role)) {
    location.replace(homeFor(member.role));
    return;
  }
  // The account's language wins over this device's last choice: it is
  // what the switch below saves, and what emails are written in.
  if (member.locale && member.locale !== lang) setLang(member.locale);
  const home = document.querySelector("header h1 a");
  if (home) home.href = homeFor(member.role);
  const links = (navs[member.role] || navs.member).map(([href, key]) =>
    el("a", { href, "data-i18n": key, "aria-current": location.pathname === href ? "page" : undefined }, t(key)));
  const nav = el("nav", { "data-i18n-label": "nav_label", "aria-label": t("nav_label") }, ...links,
    el("button", { type: "button", class: "link", onclick: logout, "data-i18n": "logout" }, t("logout")));
  document.getElementById("lang").before(nav);
  setupLanguageSwitch(() => {
    refreshTimes();
    if (onLang) onLang();
    api("PATCH", "/me", { locale: lang }).then((m) => { member.locale = m.locale; }).catch((e) => console.warn("saving the language", e));
  });
  try {
    await render(member);
  } catch (e) {
    failed(e);
  }
}

function failed(e) {
  const s = document.getElementById("status");
  if (!s) return;
  s.setAttribute("role", "alert");
  say(s, e.status === 0 ? "network" : "load_failed");
  console.error(e);
}
