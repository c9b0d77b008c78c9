// The control bar's "More" menu on a phone: what does not fit the one row
// (the bar's own buttons, and a moderator's room-wide actions). A real
// menu: arrow keys move, Escape closes and returns to the button, a click
// outside or Tab away closes it.
import { el, icon } from "./ui.js";
import { t } from "./messages.js";

export class MoreMenu {
  // items() returns what to offer now: [{key, label, icon (an svg node),
  // run, checked, disabled, title, danger, group}]; run is called once the
  // menu has closed.
  constructor(items) {
    this.items = items;
    this.button = el("button", { type: "button", id: "btn-more", class: "ctl", "aria-haspopup": "menu", "aria-expanded": "false",
      "aria-controls": "more-menu", onclick: () => (this.isOpen() ? this.close(true) : this.open(0)) }, icon("more"), el("span", { class: "cap" }, t("more")));
    this.button.addEventListener("keydown", (e) => {
      if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
      e.preventDefault();
      this.open(e.key === "ArrowUp" ? -1 : 0);
    });
    this.menu = el("div", { id: "more-menu", class: "more-menu", role: "menu", "aria-labelledby": "btn-more", hidden: true });
    this.menu.addEventListener("keydown", (e) => this.key(e));
    // focus moved elsewhere (not nowhere: Safari blurs on a click into the menu without focusing the item)
    this.menu.addEventListener("focusout", (e) => {
      const to = e.relatedTarget;
      if (this.isOpen() && to && !this.menu.contains(to) && to !== this.button) this.close(false);
    });
    this.outside = (e) => { if (!this.menu.contains(e.target) && !this.button.contains(e.target)) this.close(false); };
  }

  isOpen() { return !this.menu.hidden; }

  entries() { return [...this.menu.querySelectorAll("[role^=menuitem]")]; }

  // open builds the items afresh (labels and states as they are now) and
  // focuses the one at index at (-1: the last).
  open(at) {
    let group = null;
    const nodes = [];
    for (const it of this.items()) {
      if (group !== null && it.group !== group) nodes.push(el("div", { role: "separator" }));
      group = it.group;
      nodes.push(this.item(it));
    }
    this.menu.replaceChildren(...nodes);
    this.menu.hidden = false;
    this.button.setAttribute("aria-expanded", "true");
    document.addEventListener("pointerdown", this.outside, true);
    const list = this.entries();
    list.at(at)?.focus();
  }

  item(it) {
    const b = el("button", { type: "button", role: it.checked === undefined ? "menuitem" : "menuitemcheckbox", tabindex: "-1",
      class: it.danger ? "danger-item" : "", dataset: { item: it.key } }, it.icon || "", el("span", {}, it.label));
    if (it.checked !== undefined) b.setAttribute("aria-checked", it.checked ? "true" : "false");
    if (it.disabled) b.setAttribute("aria-disabled", "true");
    if (it.title) b.title = it.title;
    b.addEventListener("click", () => {
      if (it.disabled) return;
      this.close(true);
      it.run();
    });
    return b;
  }

  // close hides the menu; back returns focus to the More button (Escape,
  // a choice), not when she clicked or tabbed elsewhere.
  close(back) {
    if (!this.isOpen()) return;
    this.menu.hidden = true;
    this.button.setAttribute("aria-expanded", "false");
    document.removeEventListener("pointerdown", this.outside, true);
    if (back) this.button.focus();
  }

  key(e) {
    const list = this.entries();
    const i = list.indexOf(document.activeElement);
    const go = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: list.length - 1 }[e.key];
    if (go !== undefined) list.at(go % list.length)?.focus();
    else if (e.key === "Escape") this.close(true);
    else if (e.key === "Tab") { this.close(true); return; } // and Tab moves on from the More button
    else return;
    e.preventDefault();
    e.stopPropagation(); // Escape closes the menu, not the panel under it
  }
}
