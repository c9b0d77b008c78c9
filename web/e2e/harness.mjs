// Shared set-up for the browser tests: start `zadankai serve` and launch
// Debian's Chromium with fake media devices, both on the namespace
// address that scripts/e2e.sh prepared (WebRTC skips loopback-only hosts).
import { spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { createWriteStream, mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { chromium } from "playwright-core";

export const ip = process.env.ZADANKAI_E2E_IP || "127.0.0.1";
export const outDir = process.env.ZADANKAI_E2E_OUT || join(process.cwd(), "..", "..", "test-output", "e2e");
mkdirSync(outDir, { recursive: true });

// Playwright 1.65.1 passes its own --disable-features list and Chromium
// keeps only the last one, so ours repeats Playwright's and adds
// WebRtcHideLocalIpsWithMdns (no mDNS .local candidates, no multicast).
const disabledFeatures = [
  "AvoidUnnecessaryBeforeUnloadCheckSync", "DestroyProfileOnBrowserClose", "HttpsUpgrades",
  "HttpsFirstBalancedModeAutoEnable", "LensOverlay", "MediaRouter", "PaintHolding", "ThirdPartyStoragePartitioning",
  "AvoidCorsURLLoaderRestartOnRedirect", "TcpPortRandomizationWin", "OptimizationHints", "NetworkTimeServiceQuerying",
  "AimEnabled", "PreconnectToSearch", "msForceBrowserSignIn", "msEdgeUpdateLaunchServicesPreferredVersion",
  "WebRtcHideLocalIpsWithMdns",
];

let serverCount = 0;

// freeUDPPort asks the kernel for a UDP port nobody uses right now.
function freeUDPPort() {
  return new Promise((resolve, reject) => {
    const sock = createSocket("udp4");
    sock.once("error", reject);
    sock.bind(0, ip, () => { const { port } = sock.address(); sock.close(() => resolve(port)); });
  });
}

// startServer runs the binary with demo data on a free port and resolves
// to {url, stop, logs()} once it prints its address.
export async function startServer(extraArgs = []) {
  const bin = process.env.ZADANKAI_BIN;
  if (!bin) throw new Error("ZADANKAI_BIN is not set; run the browser tests through scripts/e2e.sh");
  const dataDir = mkdtempSync(join(tmpdir(), "zdk-e2e-data-"));
  // One shared media port, as in production (its socket gets large
  // buffers; per-connection ephemeral sockets drop bursts on a busy machine).
  const udpPort = await freeUDPPort();
  const args = ["serve", "--dev", "--demo", "--bind", ip, "--node-ip", ip, "--port", "0", "--udp-port", String(udpPort), "--tcp-port", "0",
    "--data-dir", dataDir, "--log-level", process.env.ZADANKAI_E2E_LOG_LEVEL || "info", ...extraArgs];
  const proc = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ZADANKAI_RTC_ALLOW_LOOPBACK: "false" } });
  // The whole server log goes to a file per test file, for a failure's
  // post-mortem (the report shows only its tail).
  const file = createWriteStream(join(outDir, `server-${basename(process.argv[1] || "run", ".mjs")}-${serverCount++}.log`));
  let log = "";
  proc.stdout.on("data", (d) => { log += d; file.write(d); });
  proc.stderr.on("data", (d) => file.write(d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("server did not start in 60 s:\n" + log)), 60_000);
    proc.stderr.on("data", (d) => {
      log += d;
      const m = /msg="zadankai listening" url=(http:\/\/\S+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1],
          logs: () => log,
          stop: async () => {
            proc.kill("SIGTERM");
            await new Promise((r) => proc.once("exit", r));
            file.end();
            rmSync(dataDir, { recursive: true, force: true });
          },
        });
      }
    });
    proc.once("exit", (code) => reject(new Error(`server exited with ${code}:\n${log}`)));
  });
}

// launchBrowser starts Chromium headless, off the network, with a fresh
// profile, a synthetic camera and microphone and no permission prompts.
// origin is the server's URL: camera and microphone need a secure
// context, which a plain-HTTP namespace address is not unless Chromium is
// told to treat it as one.
function chromiumArgs(origin) {
  return [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
    "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
    ...(origin ? [`--unsafely-treat-insecure-origin-as-secure=${origin}`] : []),
    "--autoplay-policy=no-user-gesture-required",
    `--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE ${ip}`,
    "--disable-features=" + disabledFeatures.join(","),
  ];
}

export async function launchBrowser(origin) {
  const profile = mkdtempSync(join(tmpdir(), "zdk-e2e-profile-"));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: chromiumArgs(origin),
    viewport: { width: 360, height: 780 },
  });
  return {
    ctx,
    close: async () => { await ctx.close(); rmSync(profile, { recursive: true, force: true }); },
  };
}

// launchIsolated starts one Chromium (same flags; Playwright gives it a
// fresh temporary profile) in which each newContext() is a separate
// cookie jar, for several signed-in people at once.
export async function launchIsolated(origin) {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", headless: true, args: chromiumArgs(origin) });
  return {
    browser,
    newContext: (viewport = { width: 360, height: 780 }) => browser.newContext({ viewport }),
    close: () => browser.close(),
  };
}

// apiLogin signs a page in through the API from inside the page (its
// cookie jar keeps the session) and returns {member, csrf}.
export async function apiLogin(page, url, email, password = "zadankai-demo") {
  await page.goto(url + "/healthz");
  return page.evaluate(async ([email, password]) => {
    const res = await fetch("/api/v1/auth/login", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ email, password }) });
    if (!res.ok) throw new Error(`login ${email}: ${res.status} ${await res.text()}`);
    const me = await (await fetch("/api/v1/me")).json();
    return { member: me.member, csrf: me.csrf_token };
  }, [email, password]);
}

// apiCall sends one API request from a signed-in page.
export async function apiCall(page, csrf, method, path, body) {
  return page.evaluate(async ([method, path, body, csrf]) => {
    const res = await fetch("/api/v1" + path, { method, headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }, [method, path, body, csrf]);
}

// login signs a page in through the landing page's form.
export async function login(page, url, email, password = "zadankai-demo") {
  await page.goto(url + "/");
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', password);
  await page.click('#login-form button[type="submit"]');
}

export async function screenshot(page, name) {
  await page.screenshot({ path: join(outDir, name + ".png"), fullPage: true });
}

// watchCSP collects every Content-Security-Policy violation in the pages
// of ctx (a browser context) into the list it returns, which tests assert
// stays empty: the policy allows no inline script or style, so a
// violation is something of ours that it broke.
export async function watchCSP(ctx, into = []) {
  await ctx.addInitScript(() => document.addEventListener("securitypolicyviolation", (e) =>
    console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} in ${e.sourceFile}:${e.lineNumber}`)));
  const watchPage = (p) => p.on("console", (m) => {
    if (/Content.Security.Policy|CSP violation/i.test(m.text())) into.push(`${p.url()}: ${m.text()}`);
  });
  ctx.pages().forEach(watchPage);
  ctx.on("page", watchPage);
  return into;
}
