// Invitations: the form (email, and for operators a role and a company)
// and the list with each one's status, resend and revoke.
import { api, el } from "/assets/api.js";
import { timeEl } from "/assets/format.js";
import { tx, say, unsay, field, option, formError, clearErrors, showError, busy, confirmInline } from "/assets/forms.js";

// inviteForm posts an invitation; roles lists what may be chosen (one
// role: no choice shown); companies (operators) fills the company select.
export function inviteForm({ roles, companies, onSent }) {
  const email = el("input", { type: "email", name: "email", required: true, autocomplete: "off", maxlength: 254, spellcheck: "false" });
  const role = el("select", { name: "role" }, ...roles.map((r, i) => option(r, "role_" + r, i === 0)));
  const company = el("select", { name: "company_id" }, option("", "choose_company", true),
    ...(companies || []).filter((c) => c.status !== "ended").map((c) => option(c.id, "", false, c.name)));
  const roleField = field("role", role, "role");
  const companyField = field("company", company, "company_id");
  roleField.hidden = roles.length < 2;
  const send = el("button", { type: "submit" }, tx("send_invitation"));
  const out = el("p", { class: "result", role: "status" });
  const form = el("form", { class: "invite", novalidate: true }, field("email", email, "email", "invite_hint"),
    roleField, companyField, formError(), el("div", { class: "actions" }, send), out);
  const needsCompany = () => !!companies && ["company_admin", "member"].includes(role.value);
  const sync = () => { companyField.hidden = !needsCompany(); };
  role.addEventListener("change", sync);
  sync();
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearErrors(form);
    unsay(out);
    if (!email.value.trim() || !email.checkValidity()) { showError(form, { code: "malformed", field: "email" }); return; }
    if (needsCompany() && !company.value) { showError(form, { code: "required", field: "company_id" }); return; }
    const body = { email: email.value.trim(), role: role.value };
    if (needsCompany()) body.company_id = company.value;
    busy(send, async () => {
      try {
        const iv = await api("POST", "/invitations", body);
        say(out, "invite_sent", { email: iv.email });
        email.value = "";
        if (onSent) await onSent(iv);
      } catch (e) { showError(form, e, "invite"); }
    });
  });
  return form;
}

// invitationList shows invitations newest first; names maps company ids
// to names (operators), zone is the viewer's time zone. Open ones can be
// revoked, and any not yet accepted sent again (a new link); onChange
// redraws the list after either.
export function invitationList(invitations, zone, names, onChange) {
  if (!invitations.length) return el("p", { class: "hint" }, tx("no_invitations"));
  return el("ul", { class: "rows-list" }, ...invitations.map((iv) => el("li", { class: "row-item" },
    el("div", { class: "row-main" }, el("span", { class: "email" }, iv.email),
      el("span", { class: `badge badge-${iv.status}` }, tx("inv_" + iv.status))),
    el("p", { class: "hint" }, tx("role_" + iv.role), names && iv.company_id ? ` · ${names[iv.company_id] || iv.company_id}` : "",
      " · ", tx("invited_on"), " ", timeEl(iv.created_at, zone, "day"),
      iv.status === "pending" ? el("span", {}, " · ", tx("expires_on"), " ", timeEl(iv.expires_at, zone, "day")) : null),
    onChange && iv.status !== "accepted" ? invitationActions(iv, onChange) : null)));
}

function invitationActions(iv, onChange) {
  const out = el("p", { class: "result", role: "status" });
  const resend = el("button", { type: "button", class: "secondary" }, tx("inv_resend"));
  const revoke = el("button", { type: "button", class: "secondary" }, tx("inv_revoke"));
  revoke.hidden = iv.status !== "pending";
  const box = el("div", { class: "actions" }, resend, revoke, out);
  const path = `/invitations/${encodeURIComponent(iv.id)}`;
  resend.addEventListener("click", () => busy(resend, async () => {
    try {
      await api("POST", `${path}/resend`);
      await onChange("invite_resent", { email: iv.email });
    } catch (e) { showError(box, e, "manage"); }
  }));
  revoke.addEventListener("click", () => confirmInline(revoke, "inv_confirm_revoke", "inv_revoke", async () => {
    await api("POST", `${path}/revoke`);
    await onChange("invite_revoked", { email: iv.email });
  }));
  box.append(formError());
  return box;
}
