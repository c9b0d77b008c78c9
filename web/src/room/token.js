// Join tokens: from the consultation or roundtable join endpoints (with
// the session's CSRF token), or in dev mode from /dev/token for any room.
import { api, APIError } from "../../static/api.js";

// target reads which room the page is for from its address.
export function target(search = location.search) {
  const q = new URLSearchParams(search);
  if (q.get("consultation")) return { kind: "consultation", id: q.get("consultation") };
  if (q.get("roundtable")) return { kind: "roundtable", id: q.get("roundtable") };
  if (q.get("dev") === "1" && q.get("room")) return { kind: "dev", room: q.get("room"), name: q.get("name") || "dev", role: q.get("role") || "" };
  return null;
}

// fetchToken returns {url, token, room, role, lobby, fetchedAt}.
export async function fetchToken(tg) {
  let res;
  if (tg.kind === "consultation") res = await consultationToken(tg.id);
  else if (tg.kind === "roundtable") res = await api("POST", `/roundtables/${encodeURIComponent(tg.id)}/join`);
  else res = await devToken(tg);
  return { role: "", lobby: false, ...res, fetchedAt: Date.now() };
}

// The consultations page fetched a token just before sending us here; use
// it once while it is still fresh (tokens live a minute; a reload asks
// again, so a stale one is never reused).
async function consultationToken(id) {
  const key = `zadankai.join.${id}`;
  const saved = sessionStorage.getItem(key);
  sessionStorage.removeItem(key);
  if (saved) {
    try {
      const tok = JSON.parse(saved);
      if (tok.token && tok.url && (!tok.expires_at || Date.parse(tok.expires_at) > Date.now() + 20_000)) return tok;
    } catch { /* fall through to a fresh one */ }
  }
  return api("POST", `/consultations/${encodeURIComponent(id)}/join`);
}

async function devToken(tg) {
  const q = new URLSearchParams({ room: tg.room, name: tg.name });
  if (tg.role) q.set("role", tg.role);
  let res;
  try {
    res = await fetch(`/dev/token?${q}`);
  } catch {
    throw new APIError(0, null);
  }
  const body = await res.json().catch(() => null);
  if (res.status === 404) throw Object.assign(new APIError(404, body), { code: "dev_only" });
  if (!res.ok) throw new APIError(res.status, body);
  return body;
}

// tokenRole reads the role attribute the control plane put in the token
// (the join response says it too, but dev tokens only carry it inside).
export function tokenClaims(jwt) {
  try {
    const part = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(decodeURIComponent(escape(atob(part))));
  } catch {
    return {};
  }
}
