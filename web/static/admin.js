// The company admin's page: invite members, see the invitations and the
// company's monthly aggregates (never names, never feedback text).
import { api } from "/assets/api.js";
import { announce } from "/assets/forms.js";
import { page } from "/assets/layout.js";
import { inviteForm, invitationList } from "/assets/invites.js";
import { statsBlock, refreshNumbers } from "/assets/stats.js";

let me = null;

async function drawInvitations(key, params) {
  const { invitations } = await api("GET", "/invitations");
  document.getElementById("invitations").replaceChildren(invitationList(invitations, me.time_zone, null, drawInvitations));
  if (typeof key === "string") announce(key, params);
}

page(["company_admin"], async (member) => {
  me = member;
  const company = await api("GET", `/companies/${encodeURIComponent(me.company_id)}`);
  document.getElementById("company-name").textContent = company.name;
  document.getElementById("invite").replaceChildren(inviteForm({ roles: ["member"], onSent: drawInvitations }));
  await Promise.all([drawInvitations(), statsBlock(document.getElementById("stats"),
    (n) => api("GET", `/companies/${encodeURIComponent(me.company_id)}/stats?months=${n}`), "stats_caption_company")]);
}, () => refreshNumbers());
