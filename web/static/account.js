// Account settings on the profile page: the time zone times are shown in
// (and emails written for) and the language, saved with PATCH /me.
import { lang, setLang } from "/assets/i18n.js";
import { api, el } from "/assets/api.js";
import { browserZone, refreshTimes } from "/assets/format.js";
import { zoneField } from "/assets/zones.js";
import { tx, say, field, option, formError, clearErrors, showError, busy } from "/assets/forms.js";

export function accountForm(member) {
  const zone = zoneField("account_zone", "time_zone", member.time_zone, [browserZone()], "account_zone_hint");
  const locale = el("select", { name: "locale" }, option("ja", "lang_ja", (member.locale || lang) === "ja"),
    option("en", "lang_en", (member.locale || lang) === "en"));
  const save = el("button", { type: "submit" }, tx("account_save"));
  const out = el("p", { class: "result", role: "status" });
  const form = el("form", { class: "account", novalidate: true },
    zone, field("account_lang", locale, "locale"),
    formError(), el("div", { class: "actions" }, save), out);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearErrors(form);
    busy(save, async () => {
      try {
        const m = await api("PATCH", "/me", { time_zone: form.elements.time_zone.value, locale: locale.value });
        Object.assign(member, { time_zone: m.time_zone, locale: m.locale });
        if (m.locale !== lang) setLang(m.locale);
        refreshTimes();
        say(out, "account_saved");
      } catch (e) { showError(form, e, "account"); }
    });
  });
  return form;
}
