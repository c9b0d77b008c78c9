// Password reset: ask for a link, or (with ?token=) set the new password.
import { setupLanguageSwitch, errorText, postJSON, t } from "/assets/i18n.js";

const token = new URLSearchParams(location.search).get("token");

function say(key) { document.getElementById("reset-status").textContent = t(key); }

function init() {
  setupLanguageSwitch();
  const form = document.getElementById(token ? "confirm-form" : "request-form");
  form.hidden = false;
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const data = new FormData(form);
    document.getElementById("reset-error").textContent = "";
    const r = token
      ? await postJSON("/api/v1/auth/password-reset/confirm", { token, password: data.get("password") })
      : await postJSON("/api/v1/auth/password-reset", { email: data.get("email") });
    if (!r.ok) { document.getElementById("reset-error").textContent = errorText(r.body); return; }
    form.hidden = true;
    say(token ? "password_set" : "link_sent");
  });
}

init();
