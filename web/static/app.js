// Landing page: log in, then go back to the page that sent her here
// (?next=, a link from an email followed while logged out) or to the home
// of her role (members to /home, guest speakers to /roundtables, company
// admins to /admin, operators to /operator). Someone already logged in
// goes there straight away.
import { setupLanguageSwitch, errorText, postJSON, tf } from "/assets/i18n.js";
import { homeFor, safeNext } from "/assets/api.js";

let csrf = "";

function goHome(session) {
  csrf = session.csrf_token;
  document.getElementById("login-section").hidden = true;
  const me = document.getElementById("me-section");
  me.hidden = false;
  document.getElementById("me-name").textContent = tf("going_home", { name: session.member.display_name });
  location.replace(safeNext(new URLSearchParams(location.search).get("next")) || homeFor(session.member.role));
}

async function init() {
  setupLanguageSwitch();
  const me = await fetch("/api/v1/me").catch(() => null);
  document.getElementById("logout").addEventListener("click", async () => {
    await fetch("/api/v1/auth/logout", { method: "POST", headers: { "X-CSRF-Token": csrf } }).catch(() => null);
    location.reload();
  });
  if (me && me.ok) { goHome(await me.json()); return; }
  const form = document.getElementById("login-form");
  const error = document.getElementById("login-error");
  const button = form.querySelector('button[type="submit"]');
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    error.textContent = "";
    button.disabled = true;
    const data = new FormData(form);
    try {
      const res = await postJSON("/api/v1/auth/login", { email: data.get("email"), password: data.get("password") });
      if (res.ok) { goHome(res.body); return; }
      error.textContent = errorText(res.body);
    } catch {
      error.textContent = errorText({ error: { code: "network" } });
    } finally {
      button.disabled = false;
    }
  });
}

init();
