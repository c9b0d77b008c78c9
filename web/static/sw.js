// Service worker of the installed app. It keeps the app shell (styles,
// scripts, icons and the offline page) for a quick start and a friendly
// page without a network, and shows push notifications. It never stores API answers: what a
// member sees about people and plans always comes from the network.
//
// The server writes its build's version into VERSION, so a new release is
// a new worker. The new worker waits (no skipWaiting) until every page
// of the old one is closed: an update applies on the next open and never
// swaps scripts under a call in progress.
const VERSION = "__ZADANKAI_VERSION__";
const CACHE = "zadankai-shell-" + VERSION;
const OFFLINE = "/offline";
const SHELL = [
  OFFLINE, "/assets/app.css", "/assets/favicon.svg", "/assets/icons/icon-192.png", "/assets/icons/maskable-192.png",
  "/assets/api.js", "/assets/i18n.js", "/assets/fill.js", "/assets/layout.js", "/assets/forms.js", "/assets/format.js",
  "/assets/pwa.js", "/assets/home.js", "/manifest.webmanifest",
];
// Never cached, never answered from a cache: personal data and live
// connections.
const NETWORK_ONLY = ["/api/", "/rtc", "/twirp/", "/dev/", "/healthz", "/readyz", "/metrics", "/sw.js"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) =>
    // reload: straight from the server, not an older copy in the HTTP cache.
    cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload", credentials: "same-origin" })))));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith("zadankai-shell-") && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== self.location.origin) return;
  if (NETWORK_ONLY.some((p) => url.pathname.startsWith(p))) return;
  if (req.mode === "navigate") {
    event.respondWith(page(req));
  } else if (url.pathname.startsWith("/assets/") || url.pathname === "/manifest.webmanifest") {
    event.respondWith(asset(req));
  }
});

// page: always the network (every page shows personal data fetched
// live); without one, the offline page.
async function page(req) {
  try {
    return await fetch(req);
  } catch {
    const cache = await caches.open(CACHE);
    return (await cache.match(OFFLINE)) ||
      new Response("offline", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
}

// asset: this version's copy when kept, else the network, keeping what
// it answered (static files only: the room's bundles on first use).
async function asset(req) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(req, { ignoreSearch: true });
  if (kept) return kept;
  const res = await fetch(req);
  if (res.ok && res.type === "basic") await cache.put(req, res.clone());
  return res;
}

self.addEventListener("push", (event) => {
  let msg = {};
  try { msg = event.data ? event.data.json() : {}; } catch { msg = {}; }
  const title = msg.title || "座談会 Zadankai";
  event.waitUntil(self.registration.showNotification(title, {
    body: msg.body || "",
    tag: msg.tag || undefined,
    icon: "/assets/icons/icon-192.png",
    badge: "/assets/icons/maskable-192.png",
    data: { url: sameOrigin(msg.url) },
  }));
});

// sameOrigin keeps a notification's link on this site.
function sameOrigin(link) {
  try {
    const u = new URL(link || "/home", self.location.origin);
    return u.origin === self.location.origin ? u.pathname + u.search : "/home";
  } catch {
    return "/home";
  }
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = event.notification.data?.url || "/home";
  event.waitUntil((async () => {
    const open = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    // A page in a call is never navigated away: a new window opens instead.
    const reuse = open.find((c) => new URL(c.url).pathname === new URL(target, self.location.origin).pathname) ||
      open.find((c) => !new URL(c.url).pathname.startsWith("/room"));
    if (reuse && "navigate" in reuse) {
      await reuse.focus();
      return reuse.url.endsWith(target) ? reuse : reuse.navigate(target);
    }
    return self.clients.openWindow(target);
  })());
});

// The browser may renew a push subscription by itself (Firefox does when
// its push service rotates keys). Without a page open, the worker tells
// the server, naming the old endpoint so the device keeps its place in
// her settings; otherwise her notifications would stop silently.
self.addEventListener("pushsubscriptionchange", (event) => {
  event.waitUntil(resubscribe(event.oldSubscription, event.newSubscription).catch(() => {}));
});

// resubscribe stores sub (or a fresh subscription with the server's key)
// in place of old. A logged-out browser gets 401s and nothing changes.
async function resubscribe(old, sub) {
  const get = (path) => fetch("/api/v1" + path, { credentials: "same-origin" }).then((r) => r.ok ? r.json() : Promise.reject(r.status));
  if (!sub) {
    const { public_key: key } = await get("/push/key");
    sub = await self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: fromBase64URL(key) });
  }
  const { csrf_token: csrf } = await get("/me");
  const res = await fetch("/api/v1/me/devices", {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
    body: JSON.stringify({ ...sub.toJSON(), old_endpoint: old?.endpoint || "" }),
  });
  if (!res.ok) throw new Error("renewing the push subscription: " + res.status);
  return res.json();
}

function fromBase64URL(s) {
  const b = atob(s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4));
  return Uint8Array.from(b, (c) => c.charCodeAt(0));
}
