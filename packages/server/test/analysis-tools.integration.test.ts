import {
  docker,
  ensureBusyboxImage,
  ensureDaemon,
  type Fixture,
  removeFixtures,
  runFixture,
  waitFor,
} from "@arktechnwa/docker-mcp-testkit";
import { analysisPlugin } from "@arktechnwa/docker-mcp-tool-analysis";
import { containersPlugin } from "@arktechnwa/docker-mcp-tool-containers";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type DockerMcpServer, resolveConfig } from "../src/index.js";

// docker_log_patterns and docker_anomalies on real containers.

const c: Record<string, Fixture> = {};
const apps: { app: DockerMcpServer; client: Client }[] = [];

async function connect(doc: unknown = {}) {
  const app = createServer({
    plugins: [containersPlugin, analysisPlugin],
    config: resolveConfig(doc, undefined, false),
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await app.connect(serverSide);
  const client = new Client({ name: "analysis-tools", version: "0" });
  await client.connect(clientSide);
  apps.push({ app, client });
  return client;
}

async function callOk(client: Client, name: string, args: Record<string, unknown>) {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (result.isError) throw new Error(`${name}: ${JSON.stringify(result.content)}`);
  // biome-ignore lint/suspicious/noExplicitAny: assertions read the answer as loose JSON
  return result.structuredContent as Record<string, any>;
}

const status = (id: string) => docker(["inspect", "-f", "{{.State.Status}}", id]);

beforeAll(async () => {
  await ensureDaemon();
  await ensureBusyboxImage();
  const fixtures = await Promise.all([
    runFixture({
      name: "pat-mixed",
      script: [
        'i=0; while [ $i -lt 40 ]; do echo "GET /api/items/$i 200 in $((i * 3))ms from 10.0.0.$((i % 9))"; i=$((i+1)); done',
        'echo "ERROR db timeout after 5s (conn 3f2b8c1e-1a2b-4c3d-9e8f-0123456789ab)" >&2',
        'echo "WARN cache miss ratio 0.42"',
        'echo "ERROR db timeout after 12s (conn 9a2b8c1e-1a2b-4c3d-9e8f-0123456789cd)" >&2',
        "exec sleep 3600",
      ].join("; "),
    }),
    // About 300,000 lines: more than a 3 s read deadline lets the daemon deliver here.
    runFixture({
      name: "pat-big",
      cmd: [
        "awk",
        'BEGIN { for (i = 0; i < 300000; i++) printf "INFO tick %d of the scheduler at slot %d\\n", i, i % 97 }',
      ],
    }),
    runFixture({
      name: "an-mem",
      memory: "24m",
      extraArgs: ["--shm-size", "64m"],
      script: "head -c 23000000 /dev/zero > /dev/shm/fill; exec sleep 3600",
    }),
    runFixture({ name: "an-cpu", extraArgs: ["--cpus", "0.1"], script: "while :; do :; done" }),
    runFixture({ name: "an-pids", script: "while :; do sleep 1000 & sleep 0.1; done" }),
    runFixture({ name: "an-exit", script: "echo failing; exit 3" }),
    runFixture({ name: "an-loop", restart: "on-failure:50", script: "exit 1" }),
    runFixture({
      name: "an-unhealthy",
      script: "exec sleep 3600",
      healthcheck: { cmd: "exit 1", intervalSeconds: 1, retries: 1 },
    }),
    runFixture({ name: "an-ok", script: "exec sleep 3600" }),
    runFixture({
      name: "pat-secret",
      env: { DB_PASSWORD: "Sup3r-Secret-Value-42" },
      script: 'for i in 1 2 3; do echo "login $i with $DB_PASSWORD ok"; done; exec sleep 3600',
    }),
  ]);
  for (const f of fixtures) c[f.name.replace(/-[^-]+$/, "")] = f;
  await Promise.all([
    waitFor("pat-big to finish", async () => (await status(c["pat-big"]!.id)) === "exited", {
      timeoutMs: 60_000,
    }),
    waitFor("an-exit to exit", async () => (await status(c["an-exit"]!.id)) === "exited"),
    waitFor("pat-mixed to log", async () => (await docker(["logs", c["pat-mixed"]!.id])).includes("WARN")),
    waitFor(
      "an-loop to restart 3 times",
      async () => Number(await docker(["inspect", "-f", "{{.RestartCount}}", c["an-loop"]!.id])) >= 3,
      {
        timeoutMs: 20_000,
      },
    ),
    waitFor(
      "an-unhealthy to be unhealthy",
      async () =>
        (await docker(["inspect", "-f", "{{.State.Health.Status}}", c["an-unhealthy"]!.id])) === "unhealthy",
      {
        timeoutMs: 20_000,
      },
    ),
  ]);
}, 120_000);

afterAll(async () => {
  for (const { app, client } of apps) {
    await client.close();
    await app.close();
  }
  await removeFixtures();
});

describe("docker_log_patterns", () => {
  it("groups similar lines, errors first, with counts, first/last seen and a sample", async () => {
    const client = await connect();
    const out = await callOk(client, "docker_log_patterns", { container: c["pat-mixed"]!.name });
    const patterns = out.patterns as {
      pattern: string;
      count: number;
      level: string;
      first_seen?: string;
      last_seen?: string;
      sample: string;
      stream: string;
    }[];
    expect(patterns[0]).toMatchObject({
      pattern: "ERROR db timeout after <num>s (conn <uuid>)",
      count: 2,
      level: "error",
      stream: "stderr",
    });
    expect(patterns[0]?.sample).toContain("after 5s");
    expect(Date.parse(patterns[0]!.last_seen!)).toBeGreaterThanOrEqual(Date.parse(patterns[0]!.first_seen!));
    expect(patterns[1]).toMatchObject({ level: "warn", count: 1 });
    expect(patterns).toContainEqual(
      expect.objectContaining({ pattern: "GET /api/items/<num> <num> in <num>ms from <ip>", count: 40 }),
    );
    expect(out.scanned).toMatchObject({ lines: 43, complete: true, stopped_by: "end" });
    expect(out.pattern_count).toBe(3);
  });

  it("masks secrets before normalizing, so no piece of one survives in a pattern", async () => {
    const client = await connect();
    await waitFor("pat-secret to log", async () =>
      (await docker(["logs", c["pat-secret"]!.id])).includes("login 3"),
    );
    const out = await callOk(client, "docker_log_patterns", { container: c["pat-secret"]!.name });
    const text = JSON.stringify(out);
    expect(text).not.toContain("Secret-Value");
    expect(text).not.toContain("Sup3r");
    expect(out.patterns[0]).toMatchObject({ pattern: "login <num> with [REDACTED] ok", count: 3 });
  });

  it("honors tail", async () => {
    const client = await connect();
    const out = await callOk(client, "docker_log_patterns", { container: c["pat-mixed"]!.name, tail: 2 });
    expect(out.scanned).toMatchObject({ lines: 2, complete: true });
  });

  it("answers before the call's deadline with what it read, and says it is partial", async () => {
    const client = await connect({ neverhang: { timeouts: { read: 3000 } } });
    const started = Date.now();
    const out = await callOk(client, "docker_log_patterns", { container: c["pat-big"]!.name });
    expect(Date.now() - started).toBeLessThan(3000);
    const scanned = out.scanned as { lines: number; complete: boolean; stopped_by: string };
    if (scanned.complete) {
      // A fast daemon read everything in time: then it must be all of it.
      expect(scanned.lines).toBe(300_000);
    } else {
      expect(scanned.stopped_by).toBe("deadline");
      expect(scanned.lines).toBeGreaterThan(0);
      expect(scanned.lines).toBeLessThan(300_000);
    }
    expect((out.patterns as { pattern: string }[])[0]?.pattern).toBe(
      "INFO tick <num> of the scheduler at slot <num>",
    );
  });

  it("refuses a time it cannot read with what to write instead", async () => {
    const client = await connect();
    const result = (await client.callTool({
      name: "docker_log_patterns",
      arguments: { container: c["pat-mixed"]!.name, since: "yesterday-ish" },
    })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/RFC 3339/);
  });
});

describe("docker_anomalies", () => {
  it("finds each kind on the containers that have it, with numbers, and nothing on a healthy one", async () => {
    const client = await connect();
    const out = await callOk(client, "docker_anomalies", {});
    const anomalies = out.anomalies as {
      container: string;
      kind: string;
      summary: string;
      numbers: Record<string, number>;
    }[];
    const of = (key: string) => anomalies.filter((a) => a.container === c[key]!.name).map((a) => a.kind);
    expect(of("an-mem")).toContain("memory_near_limit");
    expect(anomalies.find((a) => a.container === c["an-mem"]!.name)?.numbers["memory_limit_bytes"]).toBe(
      24 * 1024 * 1024,
    );
    expect(of("an-cpu")).toContain("cpu_throttled");
    expect(of("an-pids")).toContain("pids_growing");
    expect(of("an-exit")).toEqual(["exited_nonzero"]);
    expect(of("an-loop")).toContain("restarting");
    expect(of("an-unhealthy")).toContain("unhealthy");
    expect(of("an-ok")).toEqual([]);
    expect(out.checked).toMatchObject({ hidden: 0 });
    expect((out.checked as { sample_gap_ms: number }).sample_gap_ms).toBeGreaterThanOrEqual(2000);
  });

  it("hides what the policy hides", async () => {
    const client = await connect({ permissions: { blacklist_containers: ["an-*"] } });
    const out = await callOk(client, "docker_anomalies", {});
    const names = (out.anomalies as { container: string }[]).map((a) => a.container);
    expect(names.some((n) => n.startsWith("an-"))).toBe(false);
    expect((out.checked as { hidden: number }).hidden).toBeGreaterThanOrEqual(7);
  });
});
