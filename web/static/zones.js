// Time zone pickers: the zones people here live in first, named as places
// in their language (日本（東京）), then every other zone the browser
// knows, which a search box narrows by city, region or offset ("+5:30").
// The value sent stays the IANA name.
import { lang, t, tf } from "/assets/i18n.js";
import { el } from "/assets/api.js";
import { tx, uid, errorLine } from "/assets/forms.js";

// COMMON are the zones most members and guests are in, in this order.
const COMMON = [
  ["Asia/Tokyo", "日本（東京）", "Japan (Tokyo)"],
  ["Asia/Seoul", "韓国（ソウル）", "South Korea (Seoul)"],
  ["Asia/Shanghai", "中国（上海・北京）", "China (Shanghai, Beijing)"],
  ["Asia/Taipei", "台湾（台北）", "Taiwan (Taipei)"],
  ["Asia/Hong_Kong", "香港", "Hong Kong"],
  ["Asia/Manila", "フィリピン（マニラ）", "Philippines (Manila)"],
  ["Asia/Ho_Chi_Minh", "ベトナム（ホーチミン）", "Vietnam (Ho Chi Minh City)"],
  ["Asia/Bangkok", "タイ（バンコク）", "Thailand (Bangkok)"],
  ["Asia/Singapore", "シンガポール", "Singapore"],
  ["Asia/Kolkata", "インド", "India"],
  ["Australia/Sydney", "オーストラリア（シドニー）", "Australia (Sydney)"],
  ["Pacific/Auckland", "ニュージーランド（オークランド）", "New Zealand (Auckland)"],
  ["Pacific/Honolulu", "ハワイ（ホノルル）", "Hawaii (Honolulu)"],
  ["America/Los_Angeles", "アメリカ西部（ロサンゼルス）", "US Pacific (Los Angeles)"],
  ["America/Chicago", "アメリカ中部（シカゴ）", "US Central (Chicago)"],
  ["America/New_York", "アメリカ東部（ニューヨーク）", "US Eastern (New York)"],
  ["America/Sao_Paulo", "ブラジル（サンパウロ）", "Brazil (São Paulo)"],
  ["Europe/London", "イギリス（ロンドン）", "UK (London)"],
  ["Europe/Paris", "フランス（パリ）", "France (Paris)"],
  ["Europe/Berlin", "ドイツ（ベルリン）", "Germany (Berlin)"],
  ["UTC", "協定世界時（UTC）", "Coordinated Universal Time (UTC)"],
];
const REGIONS = { Africa: ["アフリカ", "Africa"], America: ["アメリカ大陸", "Americas"], Antarctica: ["南極", "Antarctica"],
  Arctic: ["北極", "Arctic"], Asia: ["アジア", "Asia"], Atlantic: ["大西洋", "Atlantic"], Australia: ["オーストラリア", "Australia"],
  Europe: ["ヨーロッパ", "Europe"], Indian: ["インド洋", "Indian Ocean"], Pacific: ["太平洋", "Pacific"] };

let all = null;

// offset is "GMT+9", "GMT+5:30" or "GMT" for zone now.
function offset(zone) {
  try {
    const p = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "shortOffset" }).formatToParts(new Date());
    return (p.find((x) => x.type === "timeZoneName") || {}).value || "";
  } catch { return ""; }
}

// names gives a zone's label in Japanese and English.
function names(zone) {
  const known = COMMON.find(([id]) => id === zone);
  if (known) return [known[1], known[2]];
  const [region, ...rest] = zone.split("/");
  const city = (rest.length ? rest : [region]).join(" / ").replaceAll("_", " ");
  const r = REGIONS[region];
  return r ? [`${city}（${r[0]}）`, `${city} (${r[1]})`] : [city, city];
}

// zoneLabel is a zone as people read it in the page's language, with its
// offset: "日本（東京）GMT+9".
export function zoneLabel(zone) {
  const [ja, en] = names(zone);
  const o = offset(zone);
  return lang === "ja" ? `${ja}${o ? " " + o : ""}` : `${en}${o ? " " + o : ""}`;
}

function zoneOption(zone, selected) {
  const [ja, en] = names(zone);
  const o = offset(zone) ? " " + offset(zone) : "";
  // data-label-* let render() relabel it when the language changes
  return el("option", { value: zone, selected, "data-label-ja": ja + o, "data-label-en": en + o }, (lang === "ja" ? ja : en) + o);
}

function everyZone() {
  if (!all) {
    try { all = Intl.supportedValuesOf("timeZone"); } catch { all = COMMON.map(([id]) => id); }
    if (!all.includes("UTC")) all = [...all, "UTC"];
  }
  return all;
}

function matches(zone, q) {
  const [ja, en] = names(zone);
  return [zone.replaceAll("_", " "), ja, en, offset(zone)].some((s) => s.toLowerCase().includes(q));
}

// zoneField is a labelled time zone select (name, current value, zones
// that belong near the top such as the device's), its error line and a
// search that narrows the list of every other zone.
export function zoneField(labelKey, name, value, preferred = [], hintKey = null) {
  const select = el("select", { name, id: uid("tz") });
  const common = COMMON.map(([id]) => id);
  const mine = [...new Set([value, ...preferred].filter((z) => z && !common.includes(z)))];
  const top = el("optgroup", { label: t("zone_common") },
    ...[...mine, ...common].map((z) => zoneOption(z, z === value)));
  const rest = el("optgroup", { label: t("zone_all") });
  const fill = (q) => {
    const list = everyZone().filter((z) => !common.includes(z) && !mine.includes(z) && (!q || matches(z, q)));
    rest.replaceChildren(...list.map((z) => zoneOption(z, false)));
    return list.length;
  };
  fill("");
  select.append(top, rest);
  const search = el("input", { type: "search", id: uid("tzq"), autocomplete: "off" });
  const found = el("p", { class: "hint", role: "status" });
  // Enter in the search must not send the form around it
  search.addEventListener("keydown", (ev) => { if (ev.key === "Enter") ev.preventDefault(); });
  search.addEventListener("input", () => {
    const q = search.value.trim().toLowerCase();
    const n = fill(q);
    found.textContent = q ? (n ? tf("zone_found", { n }) : t("zone_none")) : "";
  });
  const parts = [el("label", { for: select.id }, tx(labelKey))];
  if (hintKey) {
    const h = el("p", { class: "hint", id: uid("hint") }, tx(hintKey));
    select.setAttribute("aria-describedby", h.id);
    parts.push(h);
  }
  const more = el("details", { class: "zone-search" }, el("summary", {}, tx("zone_search")),
    el("label", { for: search.id }, tx("zone_search_label")), el("p", { class: "hint" }, tx("zone_search_hint")), search, found);
  return el("div", { class: "field" }, ...parts, select, errorLine(name, select), more);
}
