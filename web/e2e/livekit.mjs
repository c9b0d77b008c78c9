// A LiveKit cluster for the browser tests: two LiveKit server v1.13.3
// nodes sharing a Redis, all on the namespace scripts/e2e.sh prepared
// (Redis on its loopback). The binary is the one CI installs with
// `go install github.com/livekit/livekit-server/cmd/server@v1.13.3`
// ($ZADANKAI_LIVEKIT_SERVER, else $(go env GOPATH)/bin/server); Redis is
// Debian's redis-server.
import { spawn, execFileSync } from "node:child_process";
import { createServer, connect } from "node:net";
import { createSocket } from "node:dgram";
import { createWriteStream, existsSync } from "node:fs";
import { join } from "node:path";
import { ip, outDir } from "./harness.mjs";

export const key = "lkkey";
export const secret = "e2e-livekit-secret-e2e-livekit-secret";

// binaries returns {livekit, redis}, or {missing} saying what to install.
export function binaries() {
  let livekit = process.env.ZADANKAI_LIVEKIT_SERVER;
  if (!livekit) {
    try {
      livekit = join(execFileSync("go", ["env", "GOPATH"]).toString().trim().split(":")[0], "bin", "server");
    } catch { livekit = ""; }
  }
  if (!livekit || !existsSync(livekit)) {
    return { missing: "LiveKit server absent: go install github.com/livekit/livekit-server/cmd/server@v1.13.3 (or set ZADANKAI_LIVEKIT_SERVER)" };
  }
  const redis = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].find(existsSync);
  if (!redis) return { missing: "redis-server absent: apt-get install redis-server" };
  return { livekit, redis };
}

function freePort(kind, host) {
  return new Promise((resolve, reject) => {
    if (kind === "udp") {
      const s = createSocket("udp4");
      s.once("error", reject);
      s.bind(0, host, () => { const { port } = s.address(); s.close(() => resolve(port)); });
      return;
    }
    const s = createServer();
    s.once("error", reject);
    s.listen(0, host, () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// nodePorts picks the ports of one node, so that its address is known
// before the control plane (whose address its webhooks need) starts.
export async function nodePorts() {
  return { port: await freePort("tcp", ip), udp: await freePort("udp", ip), tcp: await freePort("tcp", ip) };
}

// spawnLogged runs a command, its output in a file of outDir, and
// resolves to {stop, logs()} once ready() resolves true.
async function spawnLogged(name, cmd, args, ready) {
  const file = createWriteStream(join(outDir, `${name}.log`));
  let log = "";
  const proc = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
  for (const s of [proc.stdout, proc.stderr]) s.on("data", (d) => { log += d; file.write(d); });
  let exited = false;
  proc.once("exit", () => { exited = true; });
  const stop = async () => {
    if (!exited) { proc.kill("SIGTERM"); await new Promise((r) => proc.once("exit", r)); }
    file.end();
  };
  const end = Date.now() + 60_000;
  while (!(await ready().catch(() => false))) {
    if (exited || Date.now() > end) { await stop(); throw new Error(`${name} did not start:\n${log.slice(-3000)}`); }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { stop, logs: () => log };
}

// startBalancer is the load balancer in front of the cluster: one
// address (media.url) whose TCP connections go to the nodes of ports in
// turn. It resolves to {url, signals, stop}; signals lists, in order,
// the node index each signal connection (GET /rtc…) went to.
export async function startBalancer(ports) {
  let next = 0;
  const signals = [];
  const open = new Set();
  const srv = createServer((c) => {
    const i = next++ % ports.length;
    const up = connect(ports[i].port, ip);
    c.once("data", (d) => { if (d.toString("latin1").startsWith("GET /rtc")) signals.push(i); });
    c.pipe(up);
    up.pipe(c);
    const close = () => { c.destroy(); up.destroy(); open.delete(c); };
    for (const s of [c, up]) { s.on("error", close); s.on("close", close); }
    open.add(c);
  });
  await new Promise((resolve) => srv.listen(0, ip, resolve));
  return {
    url: `ws://${ip}:${srv.address().port}`, signals,
    stop: () => { for (const c of open) c.destroy(); return new Promise((r) => srv.close(r)); },
  };
}

// startCluster runs Redis and the nodes of ports ([a, b], from
// nodePorts), in regions a and b, posting their webhooks to hookURL; it
// resolves to {urls: [ws://a, ws://b], stop}. A room is placed on the
// node nearest to the one its first participant reached. more adds API
// keys (key → secret) the nodes accept, e.g. the dev mode's.
export async function startCluster(bins, ports, hookURL, more = {}) {
  const keys = Object.entries({ [key]: secret, ...more }).map(([k, v]) => `${k}: ${v}`).join(", ");
  const redisPort = await freePort("tcp", "127.0.0.1");
  const procs = [await spawnLogged("redis", bins.redis, ["--bind", "127.0.0.1", "--port", String(redisPort), "--save", "", "--appendonly", "no"],
    () => new Promise((resolve) => { const c = connect(redisPort, "127.0.0.1", () => { c.end(); resolve(true); }); c.once("error", () => resolve(false)); }))];
  const urls = [];
  try {
    for (const [i, p] of ports.entries()) {
      const region = "ab"[i];
      const cfg = `port: ${p.port}
bind_addresses: ["${ip}"]
rtc: {udp_port: ${p.udp}, tcp_port: ${p.tcp}, use_external_ip: false, node_ip: "${ip}", ips: {includes: ["${ip}/32"]}}
redis: {address: "127.0.0.1:${redisPort}"}
region: ${region}
node_selector: {kind: regionaware, regions: [{name: a, lat: 0, lon: 0}, {name: b, lat: 0, lon: 90}]}
keys: {${keys}}
webhook: {api_key: ${key}, urls: ["${hookURL}"]}
room: {empty_timeout: 30, departure_timeout: 5}
logging: {level: warn}
`;
      const base = `http://${ip}:${p.port}`;
      procs.push(await spawnLogged(`livekit-${region}`, bins.livekit, ["--config-body", cfg], async () => (await fetch(base)).ok));
      urls.push(`ws://${ip}:${p.port}`);
    }
  } catch (e) {
    for (const p of procs.reverse()) await p.stop();
    throw e;
  }
  return { urls, logs: () => procs.map((p) => p.logs().slice(-2000)).join("\n"), stop: async () => { for (const p of procs.reverse()) await p.stop(); } };
}
