// Leak and backpressure loops for following logs. Prints numbers; asserts nothing.
//  1. 200 docker_logs follow + cancel cycles through a real SDK client (in-process, so the server's own
//     heap and open file descriptors can be read): fds and heap before and after.
//  2. A client that never reads its stdout while a container writes 100 MB of logs under follow: the
//     server's peak RSS (VmHWM).
// Run: node packages/server/bench/neverhang.mjs (after pnpm build), against the local Docker Engine.
import { spawn } from "node:child_process";
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
import { containersPlugin } from "@arktechnwa/docker-mcp-tool-containers";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { createServer, resolveConfig } from "../dist/index.js";

const BIN = fileURLToPath(new URL("../dist/bundle/docker-mcp.js", import.meta.url));
const CYCLES = Number(process.env.BENCH_FOLLOW_CYCLES ?? 200);
const LOG_MB = Number(process.env.BENCH_LOG_MB ?? 100);
const runId = newRunId();
const fds = (pid = "self") => readdirSync(`/proc/${pid}/fd`).length;
const status = (pid, key) =>
  Number(new RegExp(`${key}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function followCancelCycles(ticker) {
  const app = createServer({
    plugins: [containersPlugin],
    config: resolveConfig({ permissions: { read: true }, audit: { enabled: false } }),
    stderr: process.stderr,
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await app.connect(serverSide);
  const client = new Client({ name: "bench", version: "0" });
  await client.connect(clientSide);
  const cycle = async () => {
    const controller = new AbortController();
    let got = 0;
    await client
      .callTool(
        { name: "docker_logs", arguments: { container: ticker.name, follow: true, duration: 60 } },
        CallToolResultSchema,
        {
          signal: controller.signal,
          timeout: 60_000,
          onprogress: () => {
            if (++got === 1) controller.abort();
          },
        },
      )
      .catch(() => {});
  };
  // Warm up (module loading, API negotiation, first connections), then measure.
  for (let i = 0; i < 10; i++) await cycle();
  await sleep(500);
  global.gc?.();
  const before = { fds: fds(), heap: process.memoryUsage().heapUsed };
  const t0 = Date.now();
  const steps = [];
  for (let i = 0; i < CYCLES; i++) {
    await cycle();
    // Over more than 200 cycles, the heap every 200 tells growth that keeps on from a plateau.
    if (CYCLES > 200 && (i + 1) % 200 === 0 && i + 1 < CYCLES) {
      global.gc?.();
      steps.push(`${i + 1}: ${mb(process.memoryUsage().heapUsed)}`);
    }
  }
  if (steps.length > 0) console.log(`heap after cycles ${steps.join(", ")}`);
  await sleep(1_000);
  global.gc?.();
  const after = { fds: fds(), heap: process.memoryUsage().heapUsed };
  console.log(
    `follow+cancel x${CYCLES} in ${((Date.now() - t0) / 1000).toFixed(1)} s: open fds ${before.fds} -> ${after.fds}, heap ${mb(before.heap)} -> ${mb(after.heap)}${global.gc ? "" : " (run with --expose-gc for a steadier heap figure)"}`,
  );
  await client.close();
  await app.close();
}

async function neverReadingClient() {
  const writer = await runFixture({
    name: "bench-flood",
    runId,
    // Starts writing after the follow is open: LOG_MB of 100-byte lines, then idles.
    script: `sleep 3; yes 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' | head -c ${LOG_MB * 1000 * 1000}; sleep 3600`,
  });
  const dir = mkdtempSync(join(tmpdir(), "docker-mcp-bench-"));
  const config = join(dir, "config.json");
  writeFileSync(config, JSON.stringify({ permissions: { read: true }, audit: { enabled: false } }));
  // BENCH_SERVER_NODE_FLAGS: node flags for the server (e.g. to try V8 heap settings).
  const flags = (process.env.BENCH_SERVER_NODE_FLAGS ?? "").split(" ").filter(Boolean);
  const child = spawn(process.execPath, [...flags, BIN, "--config", config], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const send = (message) => child.stdin.write(`${JSON.stringify(message)}\n`);
  send({
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "bench", version: "0" } },
  });
  send({ jsonrpc: "2.0", method: "notifications/initialized" });
  send({
    jsonrpc: "2.0",
    id: 2,
    method: "tools/call",
    params: {
      name: "docker_logs",
      arguments: { container: writer.name, follow: true, duration: 40 },
      _meta: { progressToken: "flood" },
    },
  });
  // Never read stdout: the pipe fills and stays full.
  child.stdout.pause();
  await sleep(2_000);
  const idle = status(child.pid, "VmRSS");
  const started = Date.now();
  let peak = 0;
  let bytes = 0;
  while (Date.now() - started < 45_000) {
    await sleep(500);
    peak = Math.max(peak, status(child.pid, "VmRSS"));
    if (child.exitCode !== null) break;
  }
  const hwm = status(child.pid, "VmHWM");
  // Now read: the answer arrives, with what it followed.
  child.stdout.resume();
  let text = "";
  child.stdout.on("data", (d) => {
    text += d.toString();
    bytes += d.length;
  });
  const t0 = Date.now();
  while (!/"id":2/.test(text) && Date.now() - t0 < 30_000) await sleep(100);
  const answer = text.split("\n").find((l) => /"id":2/.test(l));
  const follow = answer ? JSON.parse(answer).result?.structuredContent?.follow : undefined;
  console.log(
    `never-reading client, ${LOG_MB} MB of logs under follow: server RSS ${idle.toFixed(0)} MB before the flood, peak ${peak.toFixed(0)} MB (VmHWM ${hwm.toFixed(0)} MB); ` +
      `after reading: ${bytes} bytes of stdout, follow ${JSON.stringify(follow ?? null)}`,
  );
  child.stdin.end();
  child.kill("SIGTERM");
}

await ensureDaemon();
await ensureBusyboxImage();
try {
  const ticker = await runFixture({
    name: "bench-ticker",
    runId,
    script: 'i=0; while :; do echo "tick $i"; i=$((i+1)); sleep 0.05; done',
  });
  await followCancelCycles(ticker);
  await neverReadingClient();
} finally {
  await removeFixtures(runId);
}
