// Line icons drawn for this page (24×24, stroke in the text colour), so
// they look the same on every system (emoji fonts are often missing).
// Always shown next to a visible caption; hidden from screen readers.
const shapes = {
  mic: [["rect", { x: 9, y: 3, width: 6, height: 11, rx: 3 }], ["path", { d: "M5 11a7 7 0 0 0 14 0M12 18v3" }]],
  micOff: [["rect", { x: 9, y: 3, width: 6, height: 11, rx: 3 }], ["path", { d: "M5 11a7 7 0 0 0 14 0M12 18v3M4 4l16 16" }]],
  camera: [["rect", { x: 2, y: 7, width: 13, height: 10, rx: 2 }], ["path", { d: "M15 10l7-4v12l-7-4z" }]],
  screen: [["rect", { x: 2, y: 4, width: 20, height: 13, rx: 2 }], ["path", { d: "M8 21h8M12 17v4" }]],
  hand: [["path", { d: "M7 12V6.5a1.5 1.5 0 0 1 3 0V11M10 11V4.5a1.5 1.5 0 0 1 3 0V11M13 11V5.5a1.5 1.5 0 0 1 3 0V12M16 12V8.5a1.5 1.5 0 0 1 3 0V14a7 7 0 0 1-7 7h-.5a6 6 0 0 1-5-2.7L4 14.5a1.5 1.5 0 0 1 2.4-1.8L7 13.5" }]],
  away: [["path", { d: "M4 9h12v5a5 5 0 0 1-5 5H9a5 5 0 0 1-5-5zM16 10h1.5a2 2 0 0 1 0 4H16M8 3v3M12 3v3" }]],
  audio: [["path", { d: "M4 16v-4a8 8 0 0 1 16 0v4M4 15h3v5H4zM17 15h3v5h-3z" }]],
  layout: [["rect", { x: 3, y: 3, width: 8, height: 8, rx: 1 }], ["rect", { x: 13, y: 3, width: 8, height: 8, rx: 1 }],
    ["rect", { x: 3, y: 13, width: 8, height: 8, rx: 1 }], ["rect", { x: 13, y: 13, width: 8, height: 8, rx: 1 }]],
  chat: [["path", { d: "M4 5h16v11H9l-5 4z" }]],
  people: [["circle", { cx: 9, cy: 8, r: 3 }], ["path", { d: "M3 20a6 6 0 0 1 12 0M15 14.5a5 5 0 0 1 6 4.5" }], ["circle", { cx: 17, cy: 9, r: 2.5 }]],
  leave: [["path", { d: "M10 17l-5-5 5-5M5 12h11M14 4h5v16h-5" }]],
  qa: [["circle", { cx: 12, cy: 12, r: 9 }], ["path", { d: "M9.5 9.5a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .9-1 1.6V14M12 17.5v.01" }]],
  groups: [["circle", { cx: 6.5, cy: 7, r: 2.5 }], ["circle", { cx: 17.5, cy: 7, r: 2.5 }], ["path", { d: "M2 15a4.5 4.5 0 0 1 9 0M13 15a4.5 4.5 0 0 1 9 0M2 20h20" }]],
  more: [["circle", { cx: 5, cy: 12, r: 1.5 }], ["circle", { cx: 12, cy: 12, r: 1.5 }], ["circle", { cx: 19, cy: 12, r: 1.5 }]],
  wait: [["circle", { cx: 12, cy: 12, r: 9 }], ["path", { d: "M12 7v5l3 2" }]],
};

const NS = "http://www.w3.org/2000/svg";

export function svgIcon(name) {
  const svg = document.createElementNS(NS, "svg");
  for (const [k, v] of Object.entries({ viewBox: "0 0 24 24", width: "1em", height: "1em", fill: "none", stroke: "currentColor",
    "stroke-width": "2", "stroke-linecap": "round", "stroke-linejoin": "round", "aria-hidden": "true", focusable: "false", class: "icon" })) svg.setAttribute(k, v);
  for (const [tag, attrs] of shapes[name] || []) {
    const n = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
    svg.append(n);
  }
  return svg;
}
