// Measures, in one run against the local Docker Engine:
//  1. docker_ps over MCP (stdio, the real bin) against a raw GET /containers/json on the same socket;
//  2. docker_stats over 20 containers against `docker stats --no-stream` on the same containers;
//  3. the server's cold start until the initialize answer.
// Prints numbers; asserts nothing. Run with `pnpm bench` from the repository root.
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
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
} from "@arktechnwa/docker-mcp-testkit";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const run = promisify(execFile);
const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const SOCKET = process.env.DOCKER_SOCKET ?? "/var/run/docker.sock";
const PS_ROUNDS = Number(process.env.BENCH_PS_ROUNDS ?? 300);
const STATS_CONTAINERS = 20;
const STATS_ROUNDS = 5;
const COLD_ROUNDS = 7;

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const ms = (n) => `${n.toFixed(2)} ms`;

function rawGet(path) {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: SOCKET, path, method: "GET", agent: keepAlive }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
    });
    req.on("error", reject);
    req.end();
  });
}
const keepAlive = new http.Agent({ keepAlive: true });

async function connect(config) {
  const dir = mkdtempSync(join(tmpdir(), "docker-mcp-bench-"));
  const file = join(dir, "config.json");
  writeFileSync(file, JSON.stringify({ audit: { enabled: false }, ...config }));
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, "--config", file],
    stderr: "ignore",
  });
  const client = new Client({ name: "bench", version: "0" });
  const t0 = performance.now();
  await client.connect(transport);
  return { client, startMs: performance.now() - t0 };
}

async function benchPs() {
  const { client } = await connect({});
  const version = (await rawGet("/version")).ApiVersion;
  const path = `/v${version}/containers/json`;
  for (let i = 0; i < 30; i++) {
    await rawGet(path);
    await client.callTool({ name: "docker_ps", arguments: {} });
  }
  const raw = [];
  const mcp = [];
  // Interleave so both see the same daemon conditions.
  for (let i = 0; i < PS_ROUNDS; i++) {
    let t = performance.now();
    await rawGet(path);
    raw.push(performance.now() - t);
    t = performance.now();
    await client.callTool({ name: "docker_ps", arguments: {} });
    mcp.push(performance.now() - t);
  }
  await client.close();
  const count = (await rawGet(path)).length;
  console.log(`docker_ps (${count} running containers, ${PS_ROUNDS} rounds)`);
  console.log(`  raw GET /containers/json  p50 ${ms(quantile(raw, 0.5))}  p95 ${ms(quantile(raw, 0.95))}`);
  console.log(`  MCP docker_ps (stdio)     p50 ${ms(quantile(mcp, 0.5))}  p95 ${ms(quantile(mcp, 0.95))}`);
  console.log(`  overhead p50 ${ms(quantile(mcp, 0.5) - quantile(raw, 0.5))} (target < 5 ms)`);
}

async function benchStats(prefix) {
  const names = Array.from({ length: STATS_CONTAINERS }, (_, i) => `${prefix}-${i}`);
  // Only the bench containers are visible, so docker_stats samples exactly the same set as the CLI.
  const { client } = await connect({ permissions: { whitelist_containers: [`${prefix}-*`] } });
  const mcp = [];
  const cli = [];
  // The first call has no earlier CPU reading and waits two collector ticks; later ones need one.
  const coldStart = performance.now();
  await client.callTool({ name: "docker_stats", arguments: {} });
  const cold = performance.now() - coldStart;
  for (let i = 0; i < STATS_ROUNDS; i++) {
    let t = performance.now();
    const r = await client.callTool({ name: "docker_stats", arguments: {} });
    mcp.push(performance.now() - t);
    if (r.structuredContent.stats.length !== STATS_CONTAINERS)
      throw new Error(`docker_stats saw ${r.structuredContent.stats.length} containers`);
    t = performance.now();
    await run("docker", ["stats", "--no-stream", ...names]);
    cli.push(performance.now() - t);
  }
  await client.close();
  const m = quantile(mcp, 0.5);
  const c = quantile(cli, 0.5);
  console.log(`docker_stats over ${STATS_CONTAINERS} containers (${STATS_ROUNDS} rounds, medians)`);
  console.log(`  docker stats --no-stream  ${ms(c)}`);
  console.log(`  MCP docker_stats          ${ms(m)}  (first call, no CPU history yet: ${ms(cold)})`);
  console.log(`  ratio ${(m / c).toFixed(2)} (target <= 0.6); first call ${(cold / c).toFixed(2)}`);
}

async function benchColdStart() {
  const starts = [];
  for (let i = 0; i < COLD_ROUNDS; i++) {
    const { client, startMs } = await connect({});
    starts.push(startMs);
    await client.close();
  }
  console.log(`cold start to the initialize answer (${COLD_ROUNDS} rounds)`);
  console.log(
    `  p50 ${ms(quantile(starts, 0.5))}  min ${ms(Math.min(...starts))}  max ${ms(Math.max(...starts))}`,
  );
}

await ensureDaemon();
await ensureBusyboxImage();
const runId = newRunId();
const prefix = `bench-${runId}`;
await Promise.all(
  Array.from({ length: STATS_CONTAINERS }, (_, i) =>
    runFixture({ name: `${prefix}-${i}`, exactName: true, runId }),
  ),
);
try {
  await benchPs();
  await benchStats(prefix);
  await benchColdStart();
} finally {
  await removeFixtures(runId);
  keepAlive.destroy();
}
