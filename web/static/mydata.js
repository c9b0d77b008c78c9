// "Your data" on the profile page: the people one has chosen not to see
// (and a way to see them again), a download of everything kept about
// oneself, and leaving Zadankai (confirmed with the password).
import { api, el } from "/assets/api.js";
import { tx, say, field, formError, clearErrors, showError, busy, confirmInline } from "/assets/forms.js";

function blockedList(blocked, redraw) {
  if (!blocked.length) return el("p", { class: "hint" }, tx("blocked_none"));
  return el("ul", { class: "rows-list" }, ...blocked.map((p) => {
    const undo = el("button", { type: "button", class: "secondary" }, tx("unblock"));
    const row = el("li", { class: "row-item" }, el("div", { class: "row-main" }, el("span", {}, p.display_name)),
      el("div", { class: "actions" }, undo), formError());
    undo.addEventListener("click", () => busy(undo, async () => {
      try {
        await api("DELETE", `/blocks/${encodeURIComponent(p.id)}`);
        await redraw("unblocked", { name: p.display_name });
      } catch (e) { showError(row, e); }
    }));
    return row;
  }));
}

function deleteForm() {
  const pw = el("input", { type: "password", name: "password", autocomplete: "current-password", maxlength: 72 });
  const go = el("button", { type: "submit", class: "danger" }, tx("delete_account"));
  const form = el("form", { class: "delete-account", novalidate: true }, el("p", { class: "hint" }, tx("delete_hint")),
    field("delete_password", pw, "password"), formError(), el("div", { class: "actions" }, go));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (!pw.value) { showError(form, { code: "required", field: "password" }); return; }
    if (!go.isConnected) return; // the question is already on screen
    confirmInline(go, "delete_confirm", "delete_yes", async () => {
      try {
        await api("POST", "/me/delete", { password: pw.value });
        location.href = "/";
      } catch (e) {
        showError(form, e, "delete"); // at the password; the question stays, to retry
      }
    });
  });
  return el("details", { class: "danger-zone" }, el("summary", {}, tx("delete_account")), form);
}

// myData fills box; it redraws itself after an unblock.
export async function myData(box) {
  const status = el("p", { class: "result", role: "status" });
  const draw = async (key, params) => {
    const { blocked } = await api("GET", "/blocks");
    box.replaceChildren(
      el("h4", {}, tx("blocked_title")), blockedList(blocked, draw),
      el("h4", {}, tx("export_title")), el("p", { class: "hint" }, tx("export_hint")),
      el("p", {}, el("a", { class: "button secondary", href: "/api/v1/me/export", download: "zadankai-export.json" }, tx("export_download"))),
      deleteForm(), status);
    if (key) say(status, key, params);
  };
  await draw();
}
