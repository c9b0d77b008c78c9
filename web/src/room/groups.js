// The "Groups" side panel of a roundtable's room. A moderator makes
// groups (the server proposes them mixed: different companies first),
// moves people between them with a select per person (works by keyboard
// and at 360 px), sets the time and opens them; while they are open she
// sees the countdown, sends a message to every group, adds five minutes,
// calls everyone back, moves people, and visits any group. A guest
// speaker sees the groups and visits them. Every change goes to the API
// and the panel shows its answer.
import { api } from "../../static/api.js";
import { el, $, announce } from "./ui.js";
import { t, tf, errorMessage } from "./messages.js";
import { clock } from "./breakout.js";

const maxMessage = 200;

// option is one choice of a person's group select ("" = no group).
function option(value, label, current) { return el("option", { value, selected: value === current }, label); }

export class Groups {
  constructor(call, panels, breakout) {
    this.call = call;
    this.panels = panels;
    this.bo = breakout;
    this.moderating = call.isModerator;
    this.base = `/roundtables/${encodeURIComponent(call.target.id)}`;
    this.draft = null; // {groups: [[{id, name}]], out: [{id, name}]}: a proposal being edited
    this.said = () => "";
    this.heading = el("h3", { id: "groups-h", tabindex: "-1" });
    this.close = el("button", { type: "button", class: "secondary", onclick: () => panels.toggle("groups") });
    this.status = el("p", { id: "groups-status", class: "status", role: "status", "aria-live": "polite" });
    this.body = el("div", { class: "groups-body" });
    this.inputs = { size: "2", me: false, minutes: "10", speak: false, message: "" }; // kept across redraws
    $("groups-panel").replaceChildren(el("div", { class: "panel-head" }, this.heading, this.close), this.status, this.body);
    call.on((what) => {
      // a poll's answer redraws only what changed: a redraw under her
      // hands would close an open select or swallow a click
      if (what === "breakout" || what === "moved") this.renderIfChanged();
      if (what === "panel" && panels.open === "groups") this.render();
      if (what === "breakout-tick" && this.left) this.left.textContent = tf("groups_left", { time: clock(this.bo.remaining()) });
    });
    this.render();
  }

  relabel() { this.render(); }

  // stateKey is what the panel shows of the groups' state.
  stateKey() {
    const s = this.bo.state;
    return JSON.stringify([this.bo.isOpen(), s.round, s.ends_at, s.groups, this.call.where]);
  }

  renderIfChanged() { if (this.stateKey() !== this.shownKey) this.render(); }

  say(text, kind) {
    this.said = text;
    this.status.textContent = text();
    if (kind) this.status.dataset.kind = kind; else this.status.removeAttribute("data-kind");
  }

  // render redraws the panel, keeping focus on the same control.
  render() {
    this.heading.textContent = t("groups_title");
    this.close.textContent = t("close");
    const said = this.said();
    if (this.status.textContent !== said) this.status.textContent = said;
    const focused = document.activeElement?.dataset?.key;
    this.shownKey = this.stateKey();
    const open = this.bo.isOpen();
    if (this.wasOpen !== undefined && open !== this.wasOpen) this.say(() => ""); // the last answer belongs to the round that began or ended
    this.wasOpen = open;
    this.left = null;
    let parts;
    if (this.bo.isOpen()) parts = this.openView();
    else if (!this.moderating) parts = [el("p", { class: "hint" }, t("groups_not_open"))];
    else parts = [this.planForm(), ...(this.draft ? this.draftView() : [])];
    this.body.replaceChildren(...parts);
    if (focused) this.body.querySelector(`[data-key="${CSS.escape(focused)}"]`)?.focus();
  }

  field(key, node) { node.dataset.key = key; return node; }

  planForm() {
    const size = this.field("size", el("select", { id: "groups-size" }, [2, 3, 4, 5, 6].map((n) => option(String(n), String(n), this.inputs.size))));
    size.addEventListener("change", () => { this.inputs.size = size.value; });
    const me = this.field("me", el("input", { type: "checkbox", id: "groups-me", checked: this.inputs.me }));
    me.addEventListener("change", () => { this.inputs.me = me.checked; });
    return el("form", { id: "groups-plan", class: "groups-form", onsubmit: (e) => { e.preventDefault(); this.plan(e.submitter); } },
      el("label", { for: "groups-size" }, t("groups_size")), size,
      el("p", { class: "check" }, me, el("label", { for: "groups-me" }, t("groups_me"))),
      el("button", { type: "submit", id: "groups-make", class: this.draft ? "secondary" : "", dataset: { key: "make" } }, t(this.draft ? "groups_remake" : "groups_make")));
  }

  // plan asks the server for mixed groups of the chosen size; moderators
  // and guest speakers in the room but not placed can be added by hand.
  async plan(button) {
    const include = this.inputs.me ? [this.call.local.identity] : [];
    const res = await this.send(button, () => api("POST", `${this.base}/breakout/plan`, { size: Number(this.inputs.size), include }));
    if (!res) return;
    const groups = (res.groups || []).map((g) => g.map((p) => ({ id: p.id, name: p.display_name || p.id })));
    const placed = new Set(groups.flat().map((p) => p.id));
    const out = [this.call.local, ...this.call.room.remoteParticipants.values()]
      .filter((p) => !placed.has(p.identity) && ["moderator", "speaker"].includes(this.call.roles.of(p)))
      .map((p) => ({ id: p.identity, name: p.name || p.identity }));
    this.draft = { groups, out };
    this.say(() => (groups.length ? t("groups_made") : t("groups_nobody")), groups.length ? "done" : "error");
    this.render();
    $("groups-draft-h")?.focus();
  }

  // draftView lists the proposal, a select per person to move her.
  draftView() {
    const d = this.draft;
    const n = d.groups.length;
    const list = (people, current) => el("ul", { class: "groups-people" }, people.map((p) => el("li", { dataset: { member: p.id } },
      el("label", { for: `draft-${p.id}`, class: "who" }, p.name),
      this.field(`draft:${p.id}`, el("select", { id: `draft-${p.id}`, "aria-label": tf("groups_move_label", { name: p.name }),
        onchange: (e) => this.moveDraft(p.id, e.target.value) },
        ...d.groups.map((_, i) => option(String(i + 1), tf("group_n", { n: i + 1 }), current)), option("", t("groups_none"), current))))));
    const groups = d.groups.map((g, i) => el("section", { class: "group", dataset: { group: String(i + 1) } },
      el("h5", {}, tf("group_n", { n: i + 1 }), " ", el("span", { class: "count" }, tf("groups_count", { n: g.length }))), list(g, String(i + 1))));
    const out = d.out.length ? [el("section", { class: "group out" }, el("h5", {}, t("groups_out")), list(d.out, ""))] : [];
    const minutes = this.field("minutes", el("input", { type: "number", id: "groups-minutes", min: "0.5", max: "60", step: "0.5", value: this.inputs.minutes, inputmode: "decimal" }));
    minutes.addEventListener("input", () => { this.inputs.minutes = minutes.value; });
    const speak = this.call.roles.stage ? this.field("speak", el("input", { type: "checkbox", id: "groups-speak", checked: this.inputs.speak })) : null;
    speak?.addEventListener("change", () => { this.inputs.speak = speak.checked; });
    return [el("h4", { id: "groups-draft-h", tabindex: "-1" }, t("groups_draft")), el("p", { class: "hint" }, t("groups_draft_hint")), ...groups, ...out,
      el("button", { type: "button", class: "secondary small", id: "groups-add", dataset: { key: "add" }, onclick: () => { d.groups.push([]); this.render(); } }, t("groups_add")),
      el("form", { id: "groups-start", class: "groups-form", onsubmit: (e) => { e.preventDefault(); this.open(e.submitter); } },
        el("label", { for: "groups-minutes" }, t("groups_minutes")), minutes,
        speak ? el("p", { class: "check" }, speak, el("label", { for: "groups-speak" }, t("groups_speak"))) : "",
        el("button", { type: "submit", id: "groups-open", dataset: { key: "open" } }, tf("groups_start", { n }))),
    ];
  }

  moveDraft(id, to) {
    const d = this.draft;
    const all = [...d.groups, d.out];
    const from = all.find((g) => g.some((p) => p.id === id));
    const who = from.splice(from.findIndex((p) => p.id === id), 1)[0];
    (to ? d.groups[Number(to) - 1] : d.out).push(who);
    this.render();
    announce(to ? tf("groups_draft_moved", { name: who.name, n: to }) : tf("groups_draft_out", { name: who.name }));
  }

  async open(button) {
    const seconds = Math.round(Number(this.inputs.minutes) * 60);
    const groups = this.draft.groups.filter((g) => g.length).map((g) => g.map((p) => p.id));
    const res = await this.send(button, () => api("POST", `${this.base}/breakout/open`, { groups, seconds, speak: !!this.inputs.speak }));
    if (!res) return;
    this.draft = null;
    this.bo.take(res, true);
    this.say(() => tf("groups_started", { n: groups.length }), "done");
  }

  // openView: the groups under way, the countdown, and what the
  // moderator can do meanwhile.
  openView() {
    const s = this.bo.state;
    const here = this.call.where;
    this.left = el("p", { class: "groups-left", id: "groups-left" }, tf("groups_left", { time: clock(this.bo.remaining()) }));
    const ids = s.groups.map((g) => g.id);
    const groups = s.groups.map((g) => el("section", { class: "group" + (g.id === here ? " here" : ""), dataset: { group: g.id } },
      el("h5", {}, tf("group_n", { n: g.id }), g.id === here ? el("span", { class: "badge" }, t("groups_here")) : ""),
      el("ul", { class: "groups-people" }, (g.members || []).map((m) => this.memberRow(m, g.id, ids))),
      g.id === here ? "" : el("button", { type: "button", class: "secondary small", dataset: { key: `visit:${g.id}`, visit: g.id },
        onclick: () => this.bo.visit(g.id) }, tf("groups_visit", { n: g.id }))));
    const back = here !== "main" ? el("button", { type: "button", class: "secondary", id: "groups-main", dataset: { key: "main" }, onclick: () => this.bo.visit("main") }, t("groups_to_main")) : "";
    return [this.left, back, ...groups, ...(this.moderating ? this.controls() : [])];
  }

  memberRow(m, gid, ids) {
    const name = m.display_name || m.id;
    if (!this.moderating) return el("li", { dataset: { member: m.id } }, el("span", { class: "who" }, name));
    const sel = this.field(`move:${m.id}`, el("select", { id: `move-${m.id}`, "aria-label": tf("groups_move_label", { name }) },
      ids.map((id) => option(id, tf("group_n", { n: id }), gid)), option("main", t("groups_main_option"), gid)));
    sel.addEventListener("change", () => this.act(sel, "move", { member_id: m.id, group: sel.value },
      () => (sel.value === "main" ? tf("groups_moved_main", { name }) : tf("groups_moved", { name, n: sel.value }))));
    return el("li", { dataset: { member: m.id } }, el("label", { for: `move-${m.id}`, class: "who" }, name), sel);
  }

  controls() {
    const msg = this.field("message", el("textarea", { id: "groups-message", rows: 2, maxlength: maxMessage }));
    msg.value = this.inputs.message;
    msg.addEventListener("input", () => { this.inputs.message = msg.value; });
    const form = el("form", { id: "groups-broadcast", class: "groups-form", onsubmit: (e) => {
      e.preventDefault();
      const text = msg.value.trim();
      if (!text) { this.say(() => t("groups_message_empty"), "error"); return; }
      this.act(e.submitter, "broadcast", { message: text }, () => t("groups_broadcast_sent"), () => { this.inputs.message = ""; });
    } }, el("label", { for: "groups-message" }, t("groups_message")), msg,
    el("button", { type: "submit", id: "groups-send", dataset: { key: "send" } }, t("groups_send")));
    const extend = el("button", { type: "button", class: "secondary", id: "groups-extend", dataset: { key: "extend" } }, t("groups_extend"));
    extend.addEventListener("click", () => this.act(extend, "extend", { seconds: 300 }, () => t("groups_extended")));
    const close = el("button", { type: "button", class: "danger", id: "groups-close", dataset: { key: "close" } }, t("groups_close"));
    close.addEventListener("click", () => this.act(close, "close", {}, () => t("groups_closed")));
    return [form, el("div", { class: "acts" }, extend, close)];
  }

  // act sends one change of the groups under way and adopts the answer.
  async act(button, what, body, done, after) {
    const res = await this.send(button, () => api("POST", `${this.base}/breakout/${what}`, body));
    if (!res) return;
    after?.();
    this.bo.take(res, true);
    this.say(done, "done");
  }

  // send runs one request with the button busy and says what failed.
  async send(button, run) {
    if (button) { button.disabled = true; button.setAttribute("aria-busy", "true"); }
    this.say(() => t("mod_working"));
    try {
      return await run();
    } catch (e) {
      this.say(() => errorMessage(e), "error");
      announce(this.status.textContent);
      return null;
    } finally {
      if (button) { button.disabled = false; button.removeAttribute("aria-busy"); }
    }
  }
}
