// Fetch wrapper for pages: JSON in and out, the CSRF header on every
// change, errors thrown as APIError with the API's code and field, and a
// trip back to the landing page when the session has gone.
let csrf = "";

export class APIError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || (status === 0 ? "network" : "");
    this.field = e.field || "";
    this.requestID = (body && body.request_id) || "";
  }
  // body is the error in the API's own shape, for errorText().
  get body() { return { error: { code: this.code, field: this.field } }; }
}

// api sends one request. body is JSON unless raw is given (a Blob sent
// as is with its type, e.g. a photo).
export async function api(method, path, body, raw) {
  const opts = { method, headers: {}, credentials: "same-origin" };
  if (raw) {
    opts.headers["Content-Type"] = raw.type;
    opts.body = raw;
  } else if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  if (method !== "GET") opts.headers["X-CSRF-Token"] = csrf;
  let res;
  try {
    res = await fetch("/api/v1" + path, opts);
  } catch {
    throw new APIError(0, null);
  }
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (res.status === 401 && path !== "/auth/login") toLogin();
  if (!res.ok) throw new APIError(res.status, data);
  return data;
}

// session loads the logged-in account (and its CSRF token); without a
// session the visitor goes back to the landing page.
export async function session() {
  const s = await api("GET", "/me");
  csrf = s.csrf_token;
  return s.member;
}

// toLogin sends a visitor whose session has gone to the landing page,
// which brings her back to this page after she logs in (a link from an
// email keeps its destination).
export function toLogin() {
  const here = location.pathname + location.search + location.hash;
  location.href = here === "/" ? "/" : "/?next=" + encodeURIComponent(here);
}

// safeNext returns where to go after logging in: a page of this site
// given as a path, or "" for anything else (another site, "//host",
// "/\host", a scheme, the API), so the parameter can never send anyone
// elsewhere.
export function safeNext(raw) {
  if (typeof raw !== "string" || raw.length > 2000 || !/^\/(?![/\\])/.test(raw) || /[\\\u0000-\u001f]/.test(raw)) return "";
  let url;
  try { url = new URL(raw, location.origin); } catch { return ""; }
  if (url.origin !== location.origin || url.pathname.startsWith("/api/")) return "";
  return url.pathname + url.search + url.hash;
}

// homeFor is where each role starts.
export function homeFor(role) {
  return { company_admin: "/admin", operator: "/operator", guest_speaker: "/roundtables" }[role] || "/home";
}

export async function logout() {
  try { await api("POST", "/auth/logout"); } catch { /* gone already */ }
  location.href = "/";
}

// el builds an element; string children become text nodes (never HTML).
// Attributes starting with "on" are listeners; false/undefined are left out.
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === undefined || v === null) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
}
