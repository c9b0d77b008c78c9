// A second engine for the browser tests: Debian's Firefox ESR driven over
// WebDriver BiDi by puppeteer-core (Playwright's patched Firefox cannot be
// had here, and no tool may download a browser). Same ground rules as
// launchBrowser in harness.mjs: headless, a fresh profile, a synthetic
// camera and microphone without prompts, and nothing that calls home.
//
// puppeteer-core is pinned at 24.27.0: from 24.28 its setViewport also
// sends emulation.setScreenOrientationOverride, which Firefox 140 (Debian
// 12's firefox-esr before 153) does not know.
import puppeteer from "puppeteer-core";
import { ip } from "./harness.mjs";

export const firefoxPath = process.env.FIREFOX || "/usr/bin/firefox-esr";

// Preferences on top of puppeteer-core's own test profile (which already
// turns off updates, Normandy, safe browsing lists and data reporting).
// The machine has no network but the namespace address, so anything
// left on would only hang or fill the log.
const prefs = {
  // Fake devices: a generated video and a tone, no permission prompt.
  "media.navigator.streams.fake": true,
  "media.navigator.permission.disabled": true,
  // Firefox holds enumerateDevices (and so the device check) until the
  // page has focus; several pages at once cannot all have it.
  "media.devices.unfocused.enabled": true,
  // The namespace address is plain HTTP; camera and microphone need a
  // secure context, so Firefox treats this host as one.
  "dom.securecontext.allowlist": ip,
  // Host candidates with the real address, not mDNS .local names (the
  // SFU cannot resolve those, and mDNS would go out on the network).
  "media.peerconnection.ice.obfuscate_host_addresses": false,
  // Remote audio and video play without a click.
  "media.autoplay.default": 0,
  "media.autoplay.blocking_policy": 0,
  // No calls home.
  "app.update.enabled": false,
  "app.update.auto": false,
  "app.normandy.enabled": false,
  "app.shield.optoutstudies.enabled": false,
  "browser.discovery.enabled": false,
  "browser.newtabpage.activity-stream.feeds.telemetry": false,
  "browser.newtabpage.activity-stream.telemetry": false,
  "browser.ping-centre.telemetry": false,
  "browser.region.network.url": "",
  "browser.region.update.enabled": false,
  "browser.safebrowsing.provider.google4.updateURL": "",
  "browser.safebrowsing.provider.google.updateURL": "",
  "browser.safebrowsing.provider.mozilla.updateURL": "",
  "browser.safebrowsing.update.enabled": false,
  "browser.search.geoip.url": "",
  "captivedetect.canonicalURL": "",
  "datareporting.policy.dataSubmissionEnabled": false,
  "dom.push.connection.enabled": false,
  "dom.push.enabled": false,
  "extensions.blocklist.enabled": false,
  "extensions.systemAddon.update.enabled": false,
  "media.gmp-gmpopenh264.enabled": false,
  "media.gmp-manager.url": "",
  "messaging-system.rsexperimentloader.enabled": false,
  "network.captive-portal-service.enabled": false,
  "network.connectivity-service.enabled": false,
  "network.dns.disablePrefetch": true,
  "network.predictor.enabled": false,
  "network.prefetch-next": false,
  "network.trr.mode": 5,
  "security.OCSP.enabled": 0,
  "services.settings.server": "data:,#remote-settings-dummy/v1", // Firefox's own tests' stand-in: no lookup at all
  "security.remote_settings.crlite_filters.enabled": false,
  "services.sync.enabled": false,
  "toolkit.telemetry.enabled": false,
  "toolkit.telemetry.server": "",
  "toolkit.telemetry.unified": false,
  "toolkit.telemetry.archive.enabled": false,
};

// launchFirefox starts Firefox ESR headless with a fresh temporary
// profile (puppeteer-core makes and removes it). newPage() opens a window
// with its own cookie jar (a BiDi user context), for several signed-in
// people at once; a window each, because Firefox throttles background
// tabs. closePages() closes every window opened so far (their people
// leave the room).
export async function launchFirefox() {
  const browser = await puppeteer.launch({
    browser: "firefox", executablePath: firefoxPath, headless: true,
    // Release builds ignore services.settings.server (below) unless told
    // so; without it Firefox looks up its Remote Settings host.
    env: { ...process.env, MOZ_REMOTE_SETTINGS_DEVTOOLS: "1" },
    extraPrefsFirefox: prefs,
    // A busy 2-core machine has taken 31 s to start Firefox (the default
    // gives up at 30).
    timeout: 90_000, protocolTimeout: 90_000,
  });
  let contexts = [];
  return {
    browser,
    newPage: async (viewport = { width: 360, height: 780 }) => {
      const ctx = await browser.createBrowserContext();
      contexts.push(ctx);
      const page = await ctx.newPage({ type: "window" });
      await page.setViewport(viewport);
      return page;
    },
    closePages: async () => {
      const open = contexts;
      contexts = [];
      await Promise.all(open.map((c) => c.close().catch(() => {})));
    },
    close: () => browser.close(),
  };
}
