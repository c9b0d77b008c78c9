// Fetch wrapper for pages: JSON in and out, the CSRF header on changes,
// errors thrown with the API's code and field.
let csrf = "";

export class APIError extends Error {
  constructor(status, body) {
    super((body && body.error && body.error.message) || `HTTP ${status}`);
    this.status = status;
    this.code = body && body.error && body.error.code;
    this.field = body && body.error && body.error.field;
  }
}

export async function api(method, path, body) {
  const opts = { method, headers: {} };
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  if (method !== "GET") opts.headers["X-CSRF-Token"] = csrf;
  const res = await fetch("/api/v1" + path, opts);
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) throw new APIError(res.status, data);
  return data;
}

// me loads the session (and its CSRF token) or sends the visitor home.
export async function me() {
  try {
    const s = await api("GET", "/me");
    csrf = s.csrf_token;
    return s.member;
  } catch (e) {
    if (e.status === 401) location.href = "/";
    throw e;
  }
}

export async function logout() {
  await api("POST", "/auth/logout").catch(() => {});
  location.href = "/";
}

// el builds an element; text children become text nodes (never HTML).
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== false && v !== undefined) e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c);
  return e;
}
