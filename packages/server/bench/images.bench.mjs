// Measures, in one run against the local Docker Engine:
//  1. docker_images over MCP (stdio, the real bin) against a raw GET /images/json on the same socket;
//  2. docker_pull of one image from a local registry (127.0.0.1:5000) against `docker pull` of the same
//     image, the image removed before every pull so its layer is really fetched each time.
// Prints numbers; asserts nothing. Run with `pnpm bench` from the repository root.
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  BUSYBOX_IMAGE,
  docker,
  ensureBusyboxImage,
  ensureDaemon,
  newRunId,
  pushRegistryImage,
  startLocalRegistry,
  TEST_RUN_LABEL,
} from "@arktechnwa/docker-mcp-testkit";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const run = promisify(execFile);
const BIN = fileURLToPath(new URL("../dist/bundle/docker-mcp.js", import.meta.url));
const SOCKET = process.env.DOCKER_SOCKET ?? "/var/run/docker.sock";
const IMAGES_ROUNDS = Number(process.env.BENCH_IMAGES_ROUNDS ?? 300);
const PULL_ROUNDS = Number(process.env.BENCH_PULL_ROUNDS ?? 6);
const PULL_MIB = Number(process.env.BENCH_PULL_MIB ?? 64);
const LIST_IMAGES = 20;

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const ms = (n) => `${n.toFixed(2)} ms`;
const keepAlive = new http.Agent({ keepAlive: true });

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
  await client.connect(transport);
  return client;
}

async function benchImages() {
  const client = await connect({});
  const version = (await rawGet("/version")).ApiVersion;
  const path = `/v${version}/images/json`;
  for (let i = 0; i < 30; i++) {
    await rawGet(path);
    await client.callTool({ name: "docker_images", arguments: {} });
  }
  const raw = [];
  const mcp = [];
  for (let i = 0; i < IMAGES_ROUNDS; i++) {
    let t = performance.now();
    await rawGet(path);
    raw.push(performance.now() - t);
    t = performance.now();
    await client.callTool({ name: "docker_images", arguments: {} });
    mcp.push(performance.now() - t);
  }
  await client.close();
  const count = (await rawGet(path)).length;
  console.log(`docker_images (${count} images, ${IMAGES_ROUNDS} rounds)`);
  console.log(`  raw GET /images/json      p50 ${ms(quantile(raw, 0.5))}  p95 ${ms(quantile(raw, 0.95))}`);
  console.log(`  MCP docker_images (stdio) p50 ${ms(quantile(mcp, 0.5))}  p95 ${ms(quantile(mcp, 0.95))}`);
  console.log(`  overhead p50 ${ms(quantile(mcp, 0.5) - quantile(raw, 0.5))}`);
}

async function benchPull() {
  const registry = await startLocalRegistry();
  try {
    const image = await pushRegistryImage({
      registry: registry.address,
      name: "bench-pull",
      payloadBytes: PULL_MIB * 1024 * 1024,
    });
    const client = await connect({ permissions: { images: true } });
    const remove = () => run("docker", ["image", "rm", image.reference]).catch(() => {});
    const cli = [];
    const mcp = [];
    const timeCli = async () => {
      await remove();
      const t = performance.now();
      await run("docker", ["pull", "--quiet", image.reference]);
      cli.push(performance.now() - t);
    };
    const timeMcp = async () => {
      await remove();
      const t = performance.now();
      const r = await client.callTool({ name: "docker_pull", arguments: { image: image.reference } });
      mcp.push(performance.now() - t);
      if (r.isError || r.structuredContent.status !== "downloaded")
        throw new Error(`docker_pull did not pull: ${JSON.stringify(r.content)}`);
    };
    // One warm-up each, then alternate which goes first so both see the same conditions.
    await timeCli();
    await timeMcp();
    cli.length = 0;
    mcp.length = 0;
    for (let i = 0; i < PULL_ROUNDS; i++) {
      if (i % 2 === 0) {
        await timeCli();
        await timeMcp();
      } else {
        await timeMcp();
        await timeCli();
      }
    }
    await remove();
    await client.close();
    const c = quantile(cli, 0.5);
    const m = quantile(mcp, 0.5);
    console.log(
      `docker_pull of a ${PULL_MIB} MiB layer from ${registry.address} (${PULL_ROUNDS} rounds, medians)`,
    );
    console.log(`  docker pull               ${ms(c)}`);
    console.log(`  MCP docker_pull (stdio)   ${ms(m)}`);
    console.log(`  ratio ${(m / c).toFixed(2)} (target <= 1.1)`);
  } finally {
    await registry.stop();
  }
}

/** 20 distinct small images (one label each), so the listing has rows to shape. */
async function makeImages(runId) {
  const dir = mkdtempSync(join(tmpdir(), "docker-mcp-bench-images-"));
  for (let i = 0; i < LIST_IMAGES; i += 4) {
    await Promise.all(
      Array.from({ length: Math.min(4, LIST_IMAGES - i) }, async (_, k) => {
        const n = i + k;
        const file = join(dir, `Dockerfile.${n}`);
        writeFileSync(file, `FROM ${BUSYBOX_IMAGE}\nLABEL ${TEST_RUN_LABEL}=${runId} n=${n}\n`);
        await docker([
          "build",
          "--quiet",
          "--file",
          file,
          "--tag",
          `docker-mcp-bench/list-${runId}:${n}`,
          dir,
        ]);
      }),
    );
  }
}

await ensureDaemon();
await ensureBusyboxImage();
const runId = newRunId();
try {
  await makeImages(runId);
  await benchImages();
  await benchPull();
} finally {
  const ids = await docker(["image", "ls", "--quiet", "--filter", `label=${TEST_RUN_LABEL}=${runId}`]).catch(
    () => "",
  );
  if (ids) await docker(["image", "rm", "--force", ...new Set(ids.split("\n"))]).catch(() => {});
  keepAlive.destroy();
}
