// Measures, in one run against the local Docker Engine, everything as ratios of things measured in the
// same run (so a busy machine shifts both sides alike):
//  1. reads: docker_ps, docker_inspect and docker_logs tail=100 over MCP (stdio, the real bin) against
//     the raw Engine API call on the same socket and a "thin peer" (thin-peer.mjs: dockerode behind
//     three MCP tools, compact JSON text), p50 per call, and the bytes of each answer;
//  2. docker_stats over all bench containers against `docker stats --no-stream` on the same ones: cold
//     (a fresh server, no CPU history), repeated, and CPU % of a container burning one core against
//     the CLI's;
//  3. docker_logs tail=100 on a large log (BENCH_LOG_MB, default 1024) against `docker logs --tail 100`,
//     with the server's RSS growth;
//  4. the server's cold start until the initialize answer.
// Prints numbers; asserts nothing. Run with `pnpm bench` from the repository root. BENCH_SECTIONS
// (reads,stats,biglog,start) picks sections; BENCH_KEEP_LOG=1 keeps the large-log container for the
// next run (it carries the testkit labels: remove it with the testkit's removeFixtures or by label).
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  ensureBusyboxImage,
  ensureDaemon,
  newRunId,
  removeFixtures,
  runFixture,
  waitFor,
} from "@arktechnwa/docker-mcp-testkit";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const run = promisify(execFile);
const BIN = fileURLToPath(new URL("../dist/bundle/docker-mcp.js", import.meta.url));
const PEER = fileURLToPath(new URL("./thin-peer.mjs", import.meta.url));
const SOCKET = process.env.DOCKER_SOCKET ?? "/var/run/docker.sock";
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);
const CONTAINERS = 20;
const STATS_ROUNDS = 5;
const COLD_STATS_ROUNDS = 3;
const COLD_ROUNDS = 7;
const LOG_MB = Number(process.env.BENCH_LOG_MB ?? 1024);
const SECTIONS = new Set((process.env.BENCH_SECTIONS ?? "reads,stats,biglog,start").split(","));

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const ms = (n) => `${n.toFixed(2)} ms`;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const pad = (s, n) => String(s).padEnd(n);

const keepAlive = new http.Agent({ keepAlive: true });
/** The README's table: one row per measurement, printed at the end. */
const table = [];
const row = (measurement, result, target) => table.push([measurement, result, target]);
function rawGet(path) {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: SOCKET, path, method: "GET", agent: keepAlive }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve(Buffer.concat(chunks)));
    });
    req.on("error", reject);
    req.end();
  });
}

async function connect(args) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [...args],
    stderr: "ignore",
  });
  const client = new Client({ name: "bench", version: "0" });
  const t0 = performance.now();
  await client.connect(transport);
  return { client, pid: transport.pid, startMs: performance.now() - t0 };
}

function configFile(config) {
  const dir = mkdtempSync(join(tmpdir(), "docker-mcp-bench-"));
  const file = join(dir, "config.json");
  writeFileSync(file, JSON.stringify({ audit: { enabled: false }, ...config }));
  return file;
}
const ours = (config = {}, bin = BIN) => connect([bin, "--config", configFile(config)]);
/** Another build of the server (its bundle's docker-mcp.js), measured in the same rounds as this one: an A/B. */
const BASELINE_BIN = process.env.BENCH_BASELINE_BIN;
const peer = () => connect([PEER]);

async function call(client, name, args) {
  const r = await client.callTool({ name, arguments: args }, undefined, { timeout: 600_000 });
  if (r.isError) throw new Error(`${name}: ${r.content?.[0]?.text}`);
  return r;
}
const answerBytes = (r) => Buffer.byteLength(JSON.stringify(r));

function rss(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const get = (key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
  return { rss: get("VmRSS"), hwm: get("VmHWM") };
}

/** CPU time (user + system) a process used so far, in ms (clock ticks of 10 ms). */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Interleaves the three sides round by round, so all see the same daemon conditions. */
async function compare(label, sides) {
  for (let i = 0; i < 20; i++) for (const side of sides) await side.run();
  const times = sides.map(() => []);
  const cpuBefore = sides.map((side) => (side.pid ? cpuMs(side.pid) : 0));
  for (let i = 0; i < ROUNDS; i++) {
    // Every other round in reverse order: a side is not always the one right after another.
    const order = [...sides.entries()];
    if (i % 2 === 1) order.reverse();
    for (const [k, side] of order) {
      const t = performance.now();
      await side.run();
      times[k].push(performance.now() - t);
    }
  }
  const cpu = sides.map((side, k) => (side.pid ? (cpuMs(side.pid) - cpuBefore[k]) / ROUNDS : undefined));
  const p50 = times.map((t) => quantile(t, 0.5));
  const bytes = [];
  for (const side of sides) bytes.push(await side.bytes());
  const [raw, thin, mcp] = p50;
  console.log(`${label} (${ROUNDS} rounds, p50 / p95, bytes of one answer)`);
  for (const [k, side] of sides.entries())
    console.log(
      `  ${pad(side.name, 34)} ${pad(ms(p50[k]), 10)} / ${pad(ms(quantile(times[k], 0.95)), 10)} ${pad(kb(bytes[k]), 9)}` +
        (cpu[k] === undefined ? "" : ` server CPU ${ms(cpu[k])} per call`),
    );
  const tool = sides[2].name.split(" ").pop();
  row(
    `\`${tool}\` ${label}: p50 raw API / thin peer / docker-mcp`,
    `${p50.map((t) => t.toFixed(2)).join(" / ")} ms: overhead **${ms(mcp - raw)}**, **${(mcp / thin).toFixed(2)}x** the peer`,
    "<= 1 ms, < 1x",
  );
  row(
    `\`${tool}\` answer bytes: raw JSON / thin peer / docker-mcp`,
    `${bytes.map(kb).join(" / ")}: **${(bytes[2] / bytes[1]).toFixed(2)}x** the peer`,
    "<= 1x",
  );
  if (p50.length > 3) console.log(`  this build vs the baseline build: ${ms(mcp - p50[3])} p50`);
  console.log(
    `  docker-mcp overhead over raw ${ms(mcp - raw)} (target <= 1 ms); vs thin peer ${(mcp / thin).toFixed(2)}x ` +
      `(target < 1); bytes vs thin peer ${(bytes[2] / bytes[1]).toFixed(2)}x, vs raw JSON ${(bytes[2] / bytes[0]).toFixed(2)}x`,
  );
}

async function benchReads(names, logContainer) {
  const config = {
    permissions: { whitelist_containers: [`${names[0].replace(/-\d+$/, "")}-*`, logContainer] },
  };
  const { client, pid } = await ours(config);
  const base = BASELINE_BIN ? await ours(config, BASELINE_BIN) : undefined;
  const baseline = base?.client;
  /** The same call on the baseline build, as a fourth side (only with BENCH_BASELINE_BIN). */
  const onBaseline = (name, tool, args) =>
    baseline
      ? [
          {
            name: `baseline ${name}`,
            pid: base?.pid,
            run: () => call(baseline, tool, args),
            bytes: async () => answerBytes(await call(baseline, tool, args)),
          },
        ]
      : [];
  const { client: thin, pid: thinPid } = await peer();
  const version = JSON.parse(await rawGet("/version")).ApiVersion;
  const v = `/v${version}`;
  const target = names[0];
  const body = async (path) => (await rawGet(path)).length;
  await compare(`list running containers (${names.length + 1} visible)`, [
    {
      name: "raw GET /containers/json",
      run: () => rawGet(`${v}/containers/json`),
      bytes: () => body(`${v}/containers/json`),
    },
    {
      pid: thinPid,
      name: "thin peer list_containers",
      run: () => call(thin, "list_containers", {}),
      bytes: async () => answerBytes(await call(thin, "list_containers", {})),
    },
    {
      pid,
      name: "docker-mcp docker_ps",
      run: () => call(client, "docker_ps", {}),
      bytes: async () => answerBytes(await call(client, "docker_ps", {})),
    },
    ...onBaseline("docker-mcp docker_ps", "docker_ps", {}),
  ]);
  await compare("inspect one container", [
    {
      name: "raw GET /containers/{id}/json",
      run: () => rawGet(`${v}/containers/${target}/json`),
      bytes: () => body(`${v}/containers/${target}/json`),
    },
    {
      pid: thinPid,
      name: "thin peer inspect_container",
      run: () => call(thin, "inspect_container", { id: target }),
      bytes: async () => answerBytes(await call(thin, "inspect_container", { id: target })),
    },
    {
      pid,
      name: "docker-mcp docker_inspect",
      run: () => call(client, "docker_inspect", { container: target }),
      bytes: async () => answerBytes(await call(client, "docker_inspect", { container: target })),
    },
    ...onBaseline("docker-mcp docker_inspect", "docker_inspect", { container: target }),
  ]);
  const logsPath = `${v}/containers/${logContainer}/logs?stdout=1&stderr=1&tail=100`;
  await compare(`logs tail=100 (a ${LOG_MB} MB log)`, [
    { name: "raw GET /containers/{id}/logs", run: () => rawGet(logsPath), bytes: () => body(logsPath) },
    {
      pid: thinPid,
      name: "thin peer container_logs",
      run: () => call(thin, "container_logs", { id: logContainer, tail: 100 }),
      bytes: async () => answerBytes(await call(thin, "container_logs", { id: logContainer, tail: 100 })),
    },
    {
      pid,
      name: "docker-mcp docker_logs",
      run: () => call(client, "docker_logs", { container: logContainer, tail: 100 }),
      bytes: async () =>
        answerBytes(await call(client, "docker_logs", { container: logContainer, tail: 100 })),
    },
    ...onBaseline("docker-mcp docker_logs", "docker_logs", { container: logContainer, tail: 100 }),
  ]);
  await client.close();
  await baseline?.close();
  await thin.close();
}

async function cliStats(names) {
  const t = performance.now();
  const { stdout } = await run("docker", [
    "stats",
    "--no-stream",
    "--format",
    "{{.Name}} {{.CPUPerc}}",
    ...names,
  ]);
  const cpu = new Map(
    stdout
      .trim()
      .split("\n")
      .map((l) => [l.split(" ")[0], Number.parseFloat(l.split(" ")[1])]),
  );
  return { ms: performance.now() - t, cpu };
}

/**
 * Lets the daemon's stats collector go idle, as it is when nothing else reads stats (dockerd 20.10 then
 * takes its first reading a tick after the first request; while a reader is left it keeps ticking, and a
 * request waits only for the rest of the current tick). Every docker_stats call and CLI run below starts
 * from this state, the common one for a call from a model.
 */
const idle = () => new Promise((r) => setTimeout(r, 1500));

async function benchStats(prefix, names, burner) {
  const all = [...names, burner];
  const config = { permissions: { whitelist_containers: [`${prefix}-*`] } };
  const cold = [];
  const coldCli = [];
  const windows = [];
  for (let i = 0; i < COLD_STATS_ROUNDS; i++) {
    const { client } = await ours(config);
    // A started server (its first call done) with no CPU history.
    await call(client, "docker_ps", {});
    await idle();
    const t = performance.now();
    const r = await call(client, "docker_stats", {});
    cold.push(performance.now() - t);
    windows.push(r.structuredContent.stats.find((s) => s.name === burner)?.cpu_window_ms);
    await client.close();
    await idle();
    coldCli.push((await cliStats(all)).ms);
  }
  const { client } = await ours(config);
  await call(client, "docker_stats", {});
  const mcp = [];
  const cli = [];
  const diffs = [];
  for (let i = 0; i < STATS_ROUNDS; i++) {
    await idle();
    const t = performance.now();
    const r = await call(client, "docker_stats", {});
    mcp.push(performance.now() - t);
    if (r.structuredContent.stats.length !== all.length)
      throw new Error(`docker_stats saw ${r.structuredContent.stats.length} containers`);
    await idle();
    cli.push((await cliStats(all)).ms);
  }
  // CPU % over the same tick. The CLI streams (redrawing every 500 ms; its value changes once per
  // collector tick: its CPU % over that tick). A raw one-shot request returns right at a tick T (the
  // CLI's stream keeps the collector ticking); our call starts then, so its window runs from just after
  // T to T+1, and it is compared with the CLI's value for T+1 (its change that comes with our answer).
  const version = JSON.parse(await rawGet("/version")).ApiVersion;
  const changes = [];
  const stream = spawn("docker", ["stats", "--format", "{{.Name}} {{.CPUPerc}}", burner], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  const nextChange = () => new Promise((resolve) => stream.stdout.once("change", resolve));
  let pending = "";
  stream.stdout.on("data", (chunk) => {
    pending += chunk.toString("utf8");
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      const m = new RegExp(`${burner} ([\\d.]+)%`).exec(line);
      if (!m || Number(m[1]) === changes.at(-1)?.cpu) continue;
      changes.push({ at: performance.now(), cpu: Number(m[1]) });
      stream.stdout.emit("change");
    }
  });
  try {
    for (let i = 0; i < 3; i++) await nextChange();
    for (let i = 0; i < STATS_ROUNDS; i++) {
      await rawGet(`/v${version}/containers/${burner}/stats?stream=false&one-shot=true`);
      const r = await call(client, "docker_stats", { container: burner });
      const answered = performance.now();
      const sample = r.structuredContent.stats.find((s) => s.name === burner);
      const forTick = () => changes.find((c) => c.at > answered - 150);
      while (!forTick()) await nextChange();
      diffs.push({ ours: sample?.cpu_percent, cli: forTick().cpu, window: sample?.cpu_window_ms });
      await nextChange();
    }
  } finally {
    stream.kill("SIGKILL");
  }
  await client.close();
  const c = quantile([...cli, ...coldCli], 0.5);
  const m = quantile(mcp, 0.5);
  const k = quantile(cold, 0.5);
  console.log(
    `docker_stats over ${all.length} containers (medians; cold: ${COLD_STATS_ROUNDS} fresh servers, repeated: ${STATS_ROUNDS} calls; each after 1.5 s with no stats reader)`,
  );
  console.log(`  docker stats --no-stream        ${ms(c)}`);
  console.log(
    `  docker_stats cold               ${ms(k)}  ratio ${(k / c).toFixed(2)} (target <= 0.5); CPU window ${windows.join("/")} ms`,
  );
  console.log(`  docker_stats repeated           ${ms(m)}  ratio ${(m / c).toFixed(2)} (target < cold)`);
  const gap = diffs.map((d) => Math.abs(d.ours - d.cli));
  row(
    `\`docker_stats\`, ${all.length} containers, cold vs \`docker stats --no-stream\``,
    `${ms(k)} vs ${ms(c)}: **ratio ${(k / c).toFixed(2)}** (CPU window ${windows.join("/")} ms)`,
    "<= 0.5",
  );
  row(`\`docker_stats\`, repeated call`, `${ms(m)}: **ratio ${(m / c).toFixed(2)}**`, "< cold");
  row(
    "CPU % of a container burning one core, ours / CLI's at the same time",
    `${diffs.map((d) => `${d.ours.toFixed(0)}/${d.cli.toFixed(0)}`).join(", ")} (our windows ${diffs.map((d) => d.window).join("/")} ms): median gap **${quantile(gap, 0.5).toFixed(1)} points**`,
    "a few points",
  );
  console.log(
    `  CPU % of a container burning one core, ours vs CLI: ${diffs.map((d) => `${d.ours.toFixed(1)}/${d.cli.toFixed(1)}`).join(", ")}; ` +
      `median gap ${quantile(gap, 0.5).toFixed(1)} points`,
  );
}

/** A container whose log holds about LOG_MB megabytes, written once (kept with BENCH_KEEP_LOG=1). */
async function bigLogContainer(runId) {
  const name = `bench-biglog-${LOG_MB}mb`;
  const existing = await run("docker", ["inspect", "-f", "{{.State.Status}} {{.LogPath}}", name]).catch(
    () => undefined,
  );
  if (existing?.stdout.startsWith("exited")) return { name, kept: true };
  if (existing) await run("docker", ["rm", "-f", name]);
  const lines = Math.round((LOG_MB * 1024 * 1024) / 84);
  console.log(`writing a ${LOG_MB} MB log (${lines.toLocaleString("en")} lines)...`);
  const t0 = performance.now();
  const generator = `BEGIN { for (i = 0; i < ${lines}; i++) printf "INFO request id=%08x from 10.0.%d.%d GET /api/items/%d took %dms status 200\\n", i, i % 255, i % 7, i, i % 500 }`;
  await runFixture({
    name,
    exactName: true,
    runId: process.env.BENCH_KEEP_LOG ? `${runId}-kept` : runId,
    cmd: ["awk", generator],
  });
  await waitFor(
    "the log writer to finish",
    async () =>
      (await run("docker", ["inspect", "-f", "{{.State.Status}}", name])).stdout.trim() === "exited",
    { timeoutMs: 3_600_000, intervalMs: 2000 },
  );
  console.log(`  written in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return { name, kept: false };
}

async function benchBigLog(name) {
  const { client, pid } = await ours({ permissions: { whitelist_containers: [name] } });
  await call(client, "docker_ps", {});
  const before = rss(pid);
  const mcp = [];
  const cli = [];
  for (let i = 0; i < 7; i++) {
    let t = performance.now();
    const r = await call(client, "docker_logs", { container: name, tail: 100 });
    mcp.push(performance.now() - t);
    if (r.structuredContent.line_count !== 100)
      throw new Error(`docker_logs gave ${r.structuredContent.line_count} lines`);
    t = performance.now();
    await run("docker", ["logs", "--tail", "100", name], { maxBuffer: 1 << 24 });
    cli.push(performance.now() - t);
  }
  const after = rss(pid);
  await client.close();
  const m = quantile(mcp, 0.5);
  const c = quantile(cli, 0.5);
  row(
    `\`docker_logs tail=100\` on a ${LOG_MB} MB log vs \`docker logs --tail 100\``,
    `${ms(m)} vs ${ms(c)}: **ratio ${(m / c).toFixed(2)}**`,
    "<= 1.2",
  );
  row(
    "server RSS growth during those calls",
    `**${(after.hwm - before.rss).toFixed(1)} MB** (${before.rss.toFixed(0)} MB before)`,
    "< 20 MB",
  );
  console.log(`docker_logs tail=100 on a ${LOG_MB} MB log (medians of 7)`);
  console.log(`  docker logs --tail 100          ${ms(c)}`);
  console.log(`  docker_logs tail=100            ${ms(m)}  ratio ${(m / c).toFixed(2)} (target <= 1.2)`);
  console.log(
    `  server RSS ${before.rss.toFixed(1)} MB before, peak ${after.hwm.toFixed(1)} MB: growth ${(after.hwm - before.rss).toFixed(1)} MB (target < 20 MB)`,
  );
}

async function benchColdStart() {
  const starts = [];
  for (let i = 0; i < COLD_ROUNDS; i++) {
    const { client, startMs } = await ours();
    starts.push(startMs);
    await client.close();
  }
  row("cold start to the `initialize` answer, p50", `${ms(quantile(starts, 0.5))}`, "");
  console.log(`cold start to the initialize answer (${COLD_ROUNDS} rounds)`);
  console.log(
    `  p50 ${ms(quantile(starts, 0.5))}  min ${ms(Math.min(...starts))}  max ${ms(Math.max(...starts))}`,
  );
}

/** The first docker_ps of a server inspects every running container once for its start time. */
async function benchFirstPs(prefix) {
  const first = [];
  const later = [];
  for (let i = 0; i < 5; i++) {
    const { client } = await ours({ permissions: { whitelist_containers: [`${prefix}-*`] } });
    let t = performance.now();
    await call(client, "docker_ps", {});
    first.push(performance.now() - t);
    t = performance.now();
    await call(client, "docker_ps", {});
    later.push(performance.now() - t);
    await client.close();
  }
  row(
    `first \`docker_ps\` of a fresh server (${CONTAINERS} start-time inspects) / the next, p50`,
    `${ms(quantile(first, 0.5))} / ${ms(quantile(later, 0.5))}`,
    "",
  );
  console.log(`docker_ps on a fresh server (${CONTAINERS} running containers, 5 servers, p50)`);
  console.log(
    `  first call (inspects each container once) ${ms(quantile(first, 0.5))}; the next ${ms(quantile(later, 0.5))}`,
  );
}

await ensureDaemon();
await ensureBusyboxImage();
const runId = newRunId();
const prefix = `bench-${runId}`;
const names = Array.from({ length: CONTAINERS }, (_, i) => `${prefix}-${i}`);
const burner = `${prefix}-burn`;
let log;
console.log(
  `load average ${(await run("cat", ["/proc/loadavg"])).stdout.trim()}; ${new Date().toISOString()}`,
);
try {
  if (SECTIONS.has("reads") || SECTIONS.has("biglog")) log = await bigLogContainer(runId);
  await Promise.all(names.map((name) => runFixture({ name, exactName: true, runId })));
  if (SECTIONS.has("reads")) await benchReads(names, log.name);
  if (SECTIONS.has("stats")) {
    await runFixture({ name: burner, exactName: true, runId, script: "while :; do :; done" });
    await benchStats(prefix, names, burner);
  }
  if (SECTIONS.has("biglog")) await benchBigLog(log.name);
  if (SECTIONS.has("start")) {
    await benchFirstPs(prefix);
    await benchColdStart();
  }
} finally {
  await removeFixtures(runId);
  keepAlive.destroy();
  if (table.length > 0) {
    const widths = [0, 1, 2].map((i) =>
      Math.max(...[["measurement", "result", "target"], ...table].map((r) => r[i].length)),
    );
    const line = (r) => `| ${r.map((cell, i) => cell.padEnd(widths[i])).join(" | ")} |`;
    console.log("\nREADME table:\n");
    console.log(line(["measurement", "result", "target"]));
    console.log(line(widths.map((w) => "-".repeat(w))));
    for (const r of table) console.log(line(r));
    console.log("");
  }
  console.log(
    `load average ${(await run("cat", ["/proc/loadavg"])).stdout.trim()}; ${new Date().toISOString()}`,
  );
}
