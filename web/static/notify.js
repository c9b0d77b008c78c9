// Notifications on the profile page: this device's push subscription,
// the devices that get notifications (each removable), how each kind of
// news reaches her (push, email or not at all), her quiet hours and
// whether names may show on a lock screen.
import { api, el } from "/assets/api.js";
import { tx, say, uid, field, option, formError, clearErrors, showError, busy } from "/assets/forms.js";
import { timeEl } from "/assets/format.js";
import { pushSupported, subscribeDevice, thisDevice, forgetDevice } from "/assets/pwa.js";

const KINDS = ["recommendations", "requests", "updates", "reminders", "roundtables"];

function deviceList(devices, zone, redraw) {
  if (!devices.length) return el("p", { class: "hint" }, tx("devices_none"));
  return el("ul", { class: "rows-list devices" }, ...devices.map((d) => {
    const remove = el("button", { type: "button", class: "secondary" }, tx("device_remove"));
    const row = el("li", { class: "row-item" },
      el("div", { class: "row-main" }, el("span", {}, d.label), d.id === thisDevice() ? el("span", { class: "badge" }, tx("device_this")) : null,
        el("span", { class: "hint" }, " ", timeEl(d.created_at, zone, "date"))),
      el("div", { class: "actions" }, remove), formError());
    remove.addEventListener("click", () => busy(remove, async () => {
      try {
        await api("DELETE", `/me/devices/${encodeURIComponent(d.id)}`);
        await forgetDevice(d.id);
        await redraw("device_removed", { label: d.label });
      } catch (e) { showError(row, e); }
    }));
    return row;
  }));
}

function subscribeButton(redraw, box) {
  if (!pushSupported()) return el("p", { class: "hint" }, tx("push_unsupported"));
  const go = el("button", { type: "button" }, tx("push_enable"));
  go.addEventListener("click", () => busy(go, async () => {
    clearErrors(box);
    try {
      await subscribeDevice();
      await redraw("push_enabled");
    } catch (e) {
      if (e.key) say(box.querySelector(".form-error"), e.key);
      else showError(box, e);
    }
  }));
  return el("div", { class: "actions" }, go);
}

function prefsForm(prefs, out) {
  const rows = KINDS.map((k) => {
    const sel = el("select", { name: `channels.${k}` }, ...["push", "email", "off"].map((c) => option(c, `channel_${c}`, prefs.channels[k] === c)));
    return field(`notice_${k}`, sel, `channels.${k}`);
  });
  const from = el("input", { type: "time", name: "quiet_from", value: prefs.quiet_from, required: true, step: 900 });
  const to = el("input", { type: "time", name: "quiet_to", value: prefs.quiet_to, required: true, step: 900 });
  const names = el("input", { type: "checkbox", id: uid("names"), name: "show_names", checked: prefs.show_names });
  const save = el("button", { type: "submit" }, tx("notices_save"));
  const form = el("form", { class: "notice-prefs", novalidate: true }, ...rows,
    el("fieldset", {}, el("legend", {}, tx("quiet_title")), el("p", { class: "hint" }, tx("quiet_hint")),
      el("div", { class: "quiet-row" }, field("quiet_from", from, "quiet_from"), field("quiet_to", to, "quiet_to"))),
    el("div", { class: "switch-row" }, names, el("label", { for: names.id }, tx("show_names"))),
    el("p", { class: "hint" }, tx("show_names_hint")), formError(), el("div", { class: "actions" }, save));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearErrors(form);
    busy(save, async () => {
      const channels = Object.fromEntries(KINDS.map((k) => [k, form.elements[`channels.${k}`].value]));
      try {
        Object.assign(prefs, await api("PUT", "/me/notifications",
          { channels, quiet_from: from.value, quiet_to: to.value, show_names: names.checked, version: prefs.version }));
        say(out, "notices_saved");
      } catch (e) { showError(form, e, "notices"); }
    });
  });
  return form;
}

// notifications fills box for member; it redraws itself after a device
// is added or removed.
export async function notifications(box, member) {
  const status = el("p", { class: "result", role: "status" });
  const prefs = await api("GET", "/me/notifications");
  const draw = async (key, params) => {
    const devices = await api("GET", "/me/devices");
    const devicesBox = el("div", { class: "devices-box" });
    devicesBox.append(el("h4", {}, tx("devices_title")), deviceList(devices, member.time_zone, draw),
      devices.some((d) => d.id === thisDevice()) ? null : subscribeButton(draw, devicesBox), formError());
    box.replaceChildren(el("p", { class: "hint" }, tx("notices_lead")), devicesBox, el("h4", {}, tx("notices_kinds")), prefsForm(prefs, status), status);
    if (key) say(status, key, params);
  };
  await draw();
}
