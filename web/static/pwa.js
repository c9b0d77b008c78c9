// The installed app: registers the service worker, offers the browser's
// install prompt once at a calm moment, and subscribes this device to
// push notifications when she asks on her profile page.
import { api, el } from "/assets/api.js";
import { tx } from "/assets/forms.js";

const DAYS = "zdk-visit-days"; // on how many days she opened the app
const LAST_DAY = "zdk-last-day";
const OFFERED = "zdk-install-offered";
const DEVICE = "zdk-push-device"; // this device's subscription id, to mark it in the list

let deferred = null; // the browser's install prompt, kept for later

// setup runs on every page that loads it; a page in a call (/room) never
// shows the install offer.
export function setup() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("/sw.js").catch((e) => console.warn("service worker", e));
  const today = new Date().toDateString();
  let days = Number(localStorage.getItem(DAYS) || 0);
  if (localStorage.getItem(LAST_DAY) !== today) {
    days += 1;
    localStorage.setItem(DAYS, String(days));
    localStorage.setItem(LAST_DAY, today);
  }
  addEventListener("beforeinstallprompt", (e) => {
    e.preventDefault();
    deferred = e;
    calmly(() => offerInstall(days));
  });
}

// calmly runs fn once the page has been still for a while: no typing,
// no taps, nothing loading.
function calmly(fn) {
  let timer = null;
  const wait = () => { clearTimeout(timer); timer = setTimeout(done, 8000); };
  const events = ["pointerdown", "keydown", "scroll"];
  const done = () => { events.forEach((ev) => removeEventListener(ev, wait)); fn(); };
  events.forEach((ev) => addEventListener(ev, wait, { passive: true }));
  wait();
}

// offerInstall shows the offer once ever, never on the first day she
// uses the app nor in a call.
// The outcome is kept in <html data-install-offer> for the browser tests.
function offerInstall(days) {
  const outcome = (v) => { document.documentElement.dataset.installOffer = v; };
  const main = document.querySelector("main");
  if (!deferred || !main || location.pathname.startsWith("/room")) return outcome("not_here");
  if (days < 2) return outcome("first_day");
  if (localStorage.getItem(OFFERED)) return outcome("offered_before");
  localStorage.setItem(OFFERED, "1");
  outcome("shown");
  const close = () => box.remove();
  const box = el("aside", { class: "install-offer", role: "region", "aria-labelledby": "install-title" },
    el("p", { id: "install-title" }, tx("install_offer")),
    el("button", { type: "button", onclick: async () => { close(); deferred.prompt(); await deferred.userChoice.catch(() => null); deferred = null; } }, tx("install_yes")),
    el("button", { type: "button", class: "link", onclick: close }, tx("install_later")));
  main.prepend(box);
}

// pushSupported says whether this browser can get push notifications.
export function pushSupported() {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

// subscribeDevice asks for permission, subscribes with the server's key
// and stores the subscription; it resolves to the stored device.
export async function subscribeDevice() {
  if (await Notification.requestPermission() !== "granted") throw Object.assign(new Error("denied"), { key: "push_denied" });
  const { public_key: key } = await api("GET", "/push/key");
  const reg = await navigator.serviceWorker.ready;
  let sub = await reg.pushManager.getSubscription();
  if (!sub) sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: fromBase64URL(key) });
  const device = await api("POST", "/me/devices", sub.toJSON());
  localStorage.setItem(DEVICE, device.id);
  return device;
}

// thisDevice is the id of this browser's stored subscription, if any.
export function thisDevice() { return localStorage.getItem(DEVICE); }

// forgetDevice unsubscribes this browser when its record was removed.
export async function forgetDevice(id) {
  if (id !== thisDevice()) return;
  localStorage.removeItem(DEVICE);
  const reg = await navigator.serviceWorker.getRegistration();
  const sub = await reg?.pushManager.getSubscription();
  await sub?.unsubscribe();
}

function fromBase64URL(s) {
  const b = atob(s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4));
  return Uint8Array.from(b, (c) => c.charCodeAt(0));
}
