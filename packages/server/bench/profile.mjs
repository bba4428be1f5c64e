// Where a call's CPU time goes in the server: starts the real bin under `node --cpu-prof`, makes
// PROFILE_CALLS calls of docker_ps, docker_inspect and docker_logs tail=100 (one tool per server, so
// each profile holds one tool) over 20 running containers, and prints the server's CPU per call by
// where the code lives (each package of this repository, zod, the MCP SDK, Node's own http/streams,
// the garbage collector), plus the functions with the most self time. Wall time is not CPU time: the
// rest of a call is waiting for the daemon and the stdio hop (bench.mjs measures those).
// Run: pnpm --filter @arktechnwa/docker-mcp exec node bench/profile.mjs (after pnpm run build).
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  ensureBusyboxImage,
  ensureDaemon,
  newRunId,
  removeFixtures,
  runFixture,
} from "@arktechnwa/docker-mcp-testkit";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const CALLS = Number(process.env.PROFILE_CALLS ?? 400);
const TOP = Number(process.env.PROFILE_TOP ?? 12);
const pause = () => new Promise((r) => setTimeout(r, 300));

function category(url) {
  if (!url) return "(native/unknown)";
  const pkg = /\/packages\/([^/]+)\/dist\//.exec(url)?.[1];
  if (pkg) return `repo: ${pkg}`;
  if (url.includes("/zod/")) return "zod";
  if (url.includes("@modelcontextprotocol")) return "MCP SDK";
  if (url.includes("/ajv")) return "ajv";
  if (url.includes("re2js")) return "re2js";
  if (url.startsWith("node:")) {
    const mod = url.slice(5).split("/")[1] ?? url.slice(5);
    return `node: ${/^(http|_http|net|stream|internal\/streams)/.test(mod) ? "http/net/streams" : mod}`;
  }
  return url.replace(/^.*node_modules\//, "dep: ").split("/")[0];
}

function summarize(file, calls, window) {
  const profile = JSON.parse(readFileSync(file, "utf8"));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // The measured calls, by the monotonic clock both processes share (start-up, warm-up and shutdown
  // are left out). Sample i is at startTime + the deltas up to it, and lasted timeDeltas[i+1].
  let at = profile.startTime;
  const stamps = profile.timeDeltas.map((dt) => (at += dt));
  const self = new Map();
  // Sample i lasted timeDeltas[i+1]: attribute each delta to the sampled node.
  for (let i = 0; i < profile.samples.length; i++) {
    if (stamps[i] < window.from || stamps[i] > window.to) continue;
    const dt = profile.timeDeltas[i + 1] ?? 0;
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + dt);
  }
  const byCategory = new Map();
  const byFunction = new Map();
  for (const [id, us] of self) {
    const node = byId.get(id);
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === "(idle)" || functionName === "(program)") continue;
    const cat = functionName.startsWith("(") ? functionName : category(url);
    byCategory.set(cat, (byCategory.get(cat) ?? 0) + us);
    const key = `${functionName || "(anonymous)"} ${url.replace(/^.*\/(packages|node_modules)\//, "")}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  }
  const total = [...byCategory.values()].reduce((a, b) => a + b, 0);
  const per = (us) => `${(us / calls).toFixed(0).padStart(5)} µs`;
  console.log(`  server CPU per call ${per(total)}`);
  for (const [cat, us] of [...byCategory].sort((a, b) => b[1] - a[1]).filter(([, us]) => us / calls >= 5))
    console.log(`    ${cat.padEnd(36)} ${per(us)}`);
  console.log(`  top ${TOP} functions by self time`);
  for (const [fn, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, TOP))
    console.log(`    ${per(us)}  ${fn}`);
}

async function profileTool(label, config, tool, args) {
  const dir = mkdtempSync(join(tmpdir(), "docker-mcp-profile-"));
  const configFile = join(dir, "config.json");
  writeFileSync(configFile, JSON.stringify({ audit: { enabled: false }, ...config }));
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ["--cpu-prof", `--cpu-prof-dir=${dir}`, "--cpu-prof-interval=100", BIN, "--config", configFile],
    stderr: "ignore",
  });
  const client = new Client({ name: "profile", version: "0" });
  await client.connect(transport);
  for (let i = 0; i < 20; i++) await client.callTool({ name: tool, arguments: args });
  await pause();
  const from = Number(process.hrtime.bigint() / 1000n);
  const t = performance.now();
  for (let i = 0; i < CALLS; i++) {
    const r = await client.callTool({ name: tool, arguments: args });
    if (r.isError) throw new Error(`${tool}: ${r.content?.[0]?.text}`);
  }
  const wall = (performance.now() - t) / CALLS;
  const to = Number(process.hrtime.bigint() / 1000n);
  await client.close();
  // The profile is written when the server exits.
  let file;
  for (let i = 0; i < 50 && !file; i++) {
    file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
    if (!file) await new Promise((r) => setTimeout(r, 100));
  }
  console.log(`${label}: ${CALLS} calls, ${wall.toFixed(2)} ms wall per call`);
  summarize(join(dir, file), CALLS, { from, to });
}

await ensureDaemon();
await ensureBusyboxImage();
const runId = newRunId();
const prefix = `profile-${runId}`;
const names = Array.from({ length: 20 }, (_, i) => `${prefix}-${i}`);
try {
  await Promise.all(names.map((name) => runFixture({ name, exactName: true, runId })));
  const logger = `${prefix}-log`;
  await runFixture({
    name: logger,
    exactName: true,
    runId,
    script:
      'i=0; while [ $i -lt 2000 ]; do echo "INFO request id=$i from 10.0.0.1 GET /api/items/$i took 12ms status 200"; i=$((i+1)); done; sleep 3600',
  });
  const config = { permissions: { whitelist_containers: [`${prefix}-*`] } };
  await profileTool("docker_ps", config, "docker_ps", {});
  await profileTool("docker_inspect", config, "docker_inspect", { container: names[0] });
  await profileTool("docker_logs tail=100", config, "docker_logs", { container: logger, tail: 100 });
} finally {
  await removeFixtures(runId);
}
