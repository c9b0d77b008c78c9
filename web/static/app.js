// Landing page: log in, show who is logged in, log out.
import { setupLanguageSwitch, errorText, postJSON } from "/assets/i18n.js";

let csrf = "";

function showMember(session) {
  csrf = session.csrf_token;
  if (session.member.role === "member") { location.href = "/home"; return; }
  document.getElementById("login-section").hidden = true;
  document.getElementById("me-section").hidden = false;
  document.getElementById("me-name").textContent = `${session.member.display_name} (${session.member.role})`;
}

async function init() {
  setupLanguageSwitch();
  const me = await fetch("/api/v1/me");
  if (me.ok) showMember(await me.json());
  document.getElementById("login-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const form = new FormData(ev.target);
    const res = await postJSON("/api/v1/auth/login", { email: form.get("email"), password: form.get("password") });
    if (res.ok) { showMember(res.body); return; }
    document.getElementById("login-error").textContent = errorText(res.body);
  });
  document.getElementById("logout").addEventListener("click", async () => {
    await fetch("/api/v1/auth/logout", { method: "POST", headers: { "X-CSRF-Token": csrf } });
    location.reload();
  });
}

init();
