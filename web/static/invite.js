// Sign-up from an invitation link: shows whom it is for, then creates the account.
import { setupLanguageSwitch, errorText, postJSON, t, lang } from "/assets/i18n.js";

const token = new URLSearchParams(location.search).get("token") || "";
let invitation = null;

function showInfo() {
  if (!invitation) return;
  const where = invitation.company_name ? ` · ${invitation.company_name}` : "";
  document.getElementById("invite-info").textContent = `${t("invite_for")}: ${invitation.email}${where}`;
}

async function init() {
  setupLanguageSwitch(showInfo);
  const res = await fetch(`/api/v1/invitations/lookup?token=${encodeURIComponent(token)}`);
  const body = await res.json().catch(() => ({}));
  if (!res.ok) { document.getElementById("invite-error").textContent = errorText(body); return; }
  invitation = body;
  showInfo();
  const form = document.getElementById("invite-form");
  form.hidden = false;
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const data = new FormData(form);
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "Asia/Tokyo";
    const r = await postJSON("/api/v1/invitations/accept", {
      token, display_name: data.get("display_name"), password: data.get("password"), locale: lang, time_zone: zone,
    });
    if (r.ok) { location.href = "/"; return; }
    document.getElementById("invite-error").textContent = errorText(r.body);
  });
}

init();
