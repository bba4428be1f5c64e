// docker_log_patterns on a large log: a container writes LOG_PATTERNS_LINES lines (default 12.5 million,
// about 1 GB of log text: 90% info requests, 8% warnings, 2% errors, all with varying numbers, IDs and
// addresses), then the real server (stdio) groups the whole log. Prints the answer time, what was
// read, the patterns found and the server's peak RSS (VmHWM), once with a read deadline long enough to
// read everything and once under the default 30 s deadline (a partial answer, said so).
// Run: pnpm --filter @arktechnwa/docker-mcp run bench:log-patterns (after pnpm build).
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  ensureBusyboxImage,
  ensureDaemon,
  removeFixtures,
  runFixture,
  waitFor,
} from "@arktechnwa/docker-mcp-testkit";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const run = promisify(execFile);
const BIN = fileURLToPath(new URL("../dist/bundle/docker-mcp.js", import.meta.url));
const LINES = Number(process.env.LOG_PATTERNS_LINES ?? 12_500_000);

const GENERATOR = `BEGIN { for (i = 0; i < ${LINES}; i++) { r = i % 100;
  if (r < 90) printf "INFO request id=%08x from 10.0.%d.%d:%d GET /api/items/%d took %dms status 200\\n", i, i % 255, i % 7, 30000 + i % 1000, i, i % 500;
  else if (r < 98) printf "WARN slow query returned %d rows in %d ms on shard %d of the orders table\\n", i, i % 3000, i % 16;
  else printf "ERROR connect ECONNREFUSED 10.1.%d.9:5432 attempt %d while loading the orders page\\n", i % 255, i } }`;

function peakRss(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function measure(container, readTimeoutMs) {
  const dir = mkdtempSync(join(tmpdir(), "docker-mcp-bench-"));
  const file = join(dir, "config.json");
  writeFileSync(
    file,
    JSON.stringify({
      audit: { enabled: false },
      ...(readTimeoutMs ? { neverhang: { timeouts: { read: readTimeoutMs } } } : {}),
    }),
  );
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, "--config", file],
    stderr: "ignore",
  });
  const client = new Client({ name: "bench", version: "0" });
  await client.connect(transport);
  const pid = transport.pid;
  const before = peakRss(pid);
  const t0 = performance.now();
  const result = await client.callTool(
    { name: "docker_log_patterns", arguments: { container, limit: 10 } },
    undefined,
    { timeout: 3_600_000 },
  );
  const seconds = (performance.now() - t0) / 1000;
  const rss = peakRss(pid);
  await client.close();
  if (result.isError) throw new Error(result.content[0]?.text);
  return { seconds, rss, before, out: result.structuredContent };
}

await ensureDaemon();
await ensureBusyboxImage();
try {
  console.log(`Writing ${LINES.toLocaleString("en")} log lines in a container...`);
  const t0 = performance.now();
  const gen = await runFixture({ name: "bench-biglog", cmd: ["awk", GENERATOR] });
  await waitFor(
    "the log writer to finish",
    async () =>
      (await run("docker", ["inspect", "-f", "{{.State.Status}}", gen.id])).stdout.trim() === "exited",
    {
      timeoutMs: 3_600_000,
      intervalMs: 1000,
    },
  );
  console.log(`  written in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

  // What the daemon alone takes to hand over the same log (the floor for any reader of it).
  const r0 = performance.now();
  const raw = await new Promise((resolve, reject) => {
    const child = spawn("docker", ["logs", "--timestamps", gen.id], { stdio: ["ignore", "pipe", "pipe"] });
    let bytes = 0;
    child.stdout.on("data", (c) => (bytes += c.length));
    child.stderr.on("data", (c) => (bytes += c.length));
    child.on("error", reject);
    child.on("close", () => resolve(bytes));
  });
  const rawSeconds = (performance.now() - r0) / 1000;
  console.log(
    `\ndocker logs --timestamps of the same log, to /dev/null: ${rawSeconds.toFixed(1)} s for ${(raw / 1024 ** 3).toFixed(2)} GiB (${(raw / 1024 ** 2 / rawSeconds).toFixed(0)} MiB/s)`,
  );

  for (const [label, timeout] of [
    ["read deadline 15 min (whole log)", 900_000],
    ["default read deadline (30 s)", undefined],
  ]) {
    const { seconds, rss, before, out } = await measure(gen.name, timeout);
    const s = out.scanned;
    console.log(`\ndocker_log_patterns, ${label}:`);
    console.log(`  answer time ${seconds.toFixed(1)} s; complete ${s.complete} (stopped by ${s.stopped_by})`);
    console.log(
      `  read ${s.lines.toLocaleString("en")} lines, ${(s.chars / 1024 ** 3).toFixed(2)} GiB of text (${(s.chars / 1024 ** 2 / seconds).toFixed(0)} MiB/s); ${out.pattern_count} patterns`,
    );
    console.log(`  server peak RSS ${rss.toFixed(0)} MiB (${before.toFixed(0)} MiB before the call)`);
    for (const p of out.patterns.slice(0, 4))
      console.log(`    ${String(p.count).padStart(10)} ${p.level.padEnd(6)} ${p.pattern}`);
  }
} finally {
  await removeFixtures();
}
