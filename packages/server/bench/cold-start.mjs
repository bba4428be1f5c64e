// Cold start of the bundled bin until its `initialize` answer, against the floor of `node -e 0`, in
// the same run with the two alternating (so a busy machine shifts both sides alike). The clock runs
// from spawn until the answer's line arrives on stdout (bin) or the process exits (`node -e 0`); the
// request is written at spawn, as a client does. Prints numbers; asserts nothing.
// COLD_ROUNDS (default 21) sets the rounds; COLD_BIN another bin to measure (default the bundle).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const BIN = process.env.COLD_BIN ?? fileURLToPath(new URL("../dist/bundle/docker-mcp.js", import.meta.url));
const ROUNDS = Number(process.env.COLD_ROUNDS ?? 21);

const INITIALIZE = `${JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "cold-start", version: "0" },
  },
})}\n`;

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

/** Milliseconds from spawn to the process's exit. */
function floor() {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, ["-e", "0"], { stdio: "ignore" });
    child.on("error", reject);
    child.on("exit", () => resolve(performance.now() - start));
  });
}

/** Milliseconds from spawn to the `initialize` answer on stdout; then the server is ended. */
function initialize() {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [BIN], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`no initialize answer within 10 s; stderr: ${err.slice(0, 500)}`));
    }, 10_000);
    child.on("error", reject);
    child.stderr.on("data", (chunk) => {
      err += chunk;
    });
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const line = out.split("\n").find((l) => l.includes('"id":1'));
      if (!line) return;
      const elapsed = performance.now() - start;
      clearTimeout(timer);
      if (!line.includes('"serverInfo"'))
        reject(new Error(`not an initialize answer: ${line.slice(0, 300)}`));
      child.on("exit", () => resolve(elapsed));
      child.stdin.end();
      child.kill("SIGTERM");
    });
    child.stdin.write(INITIALIZE);
  });
}

if (!existsSync(BIN)) {
  console.error(`${BIN} does not exist: run pnpm run build first.`);
  process.exit(1);
}
// One unmeasured round of each warms the file cache for both.
await floor();
await initialize();
const floors = [];
const starts = [];
for (let i = 0; i < ROUNDS; i++) {
  floors.push(await floor());
  starts.push(await initialize());
}
const f = quantile(floors, 0.5);
const s = quantile(starts, 0.5);
const ms = (n) => `${n.toFixed(1)} ms`;
console.log(`cold start to the initialize answer (${ROUNDS} alternating rounds, p50 / min / max)`);
console.log(`  node -e 0                 ${ms(f)} / ${ms(Math.min(...floors))} / ${ms(Math.max(...floors))}`);
console.log(`  docker-mcp (bundle)       ${ms(s)} / ${ms(Math.min(...starts))} / ${ms(Math.max(...starts))}`);
console.log(`  above the node floor: ${ms(s - f)} (p50 difference)`);
