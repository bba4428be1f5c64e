import { createServer as createNetServer } from "node:net";
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

// A crash corpus: one real container per failure class, on the real daemon, each crashing at once.
// Every one is diagnosed with AI off and must come out with the right class and confidence.

const STACK_TRACE = [
  "server listening on 3000",
  "/app/server.js:12",
  "TypeError: Cannot read properties of undefined (reading 'port')",
  "    at loadConfig (/app/config.js:7:19)",
  "    at Object.<anonymous> (/app/server.js:12:1)",
  "    at node:internal/main/run_main_module:28:49",
  "Node.js v20.11.0",
];

async function freePort(): Promise<number> {
  const srv = createNetServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/** Creates and starts a fixture whose start is expected to fail (the daemon records State.Error). */
async function failingStart(options: Parameters<typeof runFixture>[0]): Promise<Fixture> {
  const created = await runFixture({ ...options, start: false });
  await docker(["start", created.id]).then(
    () => {
      throw new Error(`${created.name} started although it should not`);
    },
    () => undefined,
  );
  return created;
}

async function state(id: string, format: string): Promise<string> {
  return docker(["inspect", "-f", format, id]);
}

const c: Record<string, Fixture> = {};
let app: DockerMcpServer;
let client: Client;

beforeAll(async () => {
  await ensureDaemon();
  await ensureBusyboxImage();
  const port = await freePort();
  const holder = await runFixture({
    name: "diag-port-holder",
    extraArgs: ["--publish", `127.0.0.1:${port}:80`],
  });
  const entries = await Promise.all([
    runFixture({
      name: "diag-oom",
      memory: "16m",
      extraArgs: ["--memory-swap", "16m"],
      cmd: ["tail", "/dev/zero"],
    }).then((f) => ["oom", f] as const),
    failingStart({ name: "diag-127", cmd: ["/no/such/binary"] }).then((f) => ["notfound", f] as const),
    failingStart({ name: "diag-126", cmd: ["/bin"] }).then((f) => ["notexec", f] as const),
    runFixture({
      name: "diag-stack",
      script: `${STACK_TRACE.slice(0, 1)
        .map((l) => `echo '${l}'`)
        .join(";")}; ${STACK_TRACE.slice(1)
        .map((l) => `echo '${l}' >&2`)
        .join(";")}; exit 1`,
    }).then((f) => ["stack", f] as const),
    runFixture({
      name: "diag-health",
      script: "echo serving; exec sleep 3600",
      healthcheck: { cmd: "echo probe failed: no listener on 8080; exit 1", intervalSeconds: 1, retries: 1 },
    }).then((f) => ["health", f] as const),
    runFixture({ name: "diag-loop", restart: "on-failure:50", script: "echo worker starting; exit 3" }).then(
      (f) => ["loop", f] as const,
    ),
    failingStart({ name: "diag-port", extraArgs: ["--publish", `127.0.0.1:${port}:80`] }).then(
      (f) => ["port", f] as const,
    ),
    runFixture({
      name: "diag-env",
      env: { LOG_LEVEL: "debug" },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion, not a template
      script: 'echo booting; : "${DATABASE_URL:?}"',
    }).then((f) => ["env", f] as const),
    runFixture({ name: "diag-killed", script: "exec sleep 3600" }).then((f) => ["killed", f] as const),
    runFixture({ name: "diag-segv", script: 'sh -c "kill -SEGV \\$\\$"; exit $?' }).then(
      (f) => ["segv", f] as const,
    ),
    runFixture({
      name: "diag-disk",
      extraArgs: ["--tmpfs", "/data:size=1m"],
      script: "echo writing the cache; dd if=/dev/zero of=/data/blob bs=1M count=2",
    }).then((f) => ["disk", f] as const),
    runFixture({ name: "diag-perm", extraArgs: ["--user", "65534"], script: "echo x > /state.db" }).then(
      (f) => ["perm", f] as const,
    ),
    runFixture({ name: "diag-file", script: "cat /etc/app/config.json" }).then((f) => ["file", f] as const),
    runFixture({
      name: "diag-module",
      script: `echo "node:internal/modules/cjs/loader:1145" >&2; echo "Error: Cannot find module 'express'" >&2; echo "    at Module._resolveFilename (node:internal/modules/cjs/loader:1145:15)" >&2; exit 1`,
    }).then((f) => ["module", f] as const),
    runFixture({
      name: "diag-dns",
      extraArgs: ["--network", "none"],
      script: "echo starting; wget -q -O- http://orders-db:5432/",
    }).then((f) => ["dns", f] as const),
    runFixture({
      name: "diag-refused",
      extraArgs: ["--network", "none"],
      script: "echo starting; wget -q -O- http://127.0.0.1:5432/",
    }).then((f) => ["refused", f] as const),
  ]);
  for (const [key, fixture] of entries) c[key] = fixture;
  c["holder"] = holder;
  await docker(["kill", c["killed"]!.id]);
  await Promise.all([
    ...["oom", "stack", "env", "killed", "dns", "refused", "segv", "disk", "perm", "file", "module"].map(
      (key) =>
        waitFor(`${key} to exit`, async () => (await state(c[key]!.id, "{{.State.Status}}")) === "exited"),
    ),
    waitFor(
      "the health check to fail",
      async () => (await state(c["health"]!.id, "{{.State.Health.Status}}")) === "unhealthy",
      {
        timeoutMs: 20_000,
      },
    ),
    waitFor(
      "the restart loop to restart twice",
      async () => Number(await state(c["loop"]!.id, "{{.RestartCount}}")) >= 2,
      {
        timeoutMs: 20_000,
      },
    ),
  ]);

  app = createServer({
    plugins: [containersPlugin, analysisPlugin],
    config: resolveConfig({}, undefined, false),
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await app.connect(serverSide);
  client = new Client({ name: "corpus", version: "0" });
  await client.connect(clientSide);
}, 120_000);

afterAll(async () => {
  await client?.close();
  await app?.close();
  await removeFixtures();
});

interface Diagnosis {
  container: string;
  status: string;
  exit_code: number | null;
  last_logs: string;
  synthesis: { analysis: string; suggested_fix: string; confidence: string; source: string; note?: string };
  findings: { class: string; strength: string; summary: string }[];
  evidence: { source: string; found: string }[];
  look_next: string[];
}

async function diagnose(key: string): Promise<Diagnosis> {
  const result = (await client.callTool({
    name: "docker_diagnose",
    arguments: { container: c[key]!.name },
  })) as CallToolResult;
  if (result.isError) throw new Error(`docker_diagnose ${key}: ${JSON.stringify(result.content)}`);
  return result.structuredContent as unknown as Diagnosis;
}

describe("docker_diagnose on a crash corpus (real containers, AI off)", () => {
  it.each([
    ["oom", "oom_killed", "high", "state"],
    ["notfound", "command_not_found", "high", "state"],
    ["notexec", "command_not_executable", "high", "state"],
    ["stack", "app_error", "medium", "logs"],
    ["health", "unhealthy", "high", "health_log"],
    ["port", "port_conflict", "high", "state"],
    ["env", "missing_env", "medium", "logs"],
    ["dns", "dns_failure", "medium", "logs"],
    ["refused", "connection_refused", "medium", "logs"],
    ["segv", "segfault", "high", "state"],
    ["disk", "disk_full", "medium", "logs"],
    ["perm", "permission_denied", "medium", "logs"],
    ["file", "missing_file", "medium", "logs"],
    ["module", "missing_module", "medium", "logs"],
  ])("%s -> %s, %s", async (key, cls, confidence, source) => {
    const d = await diagnose(key);
    expect(d.findings[0]?.class).toBe(cls);
    expect(d.synthesis.confidence).toBe(confidence);
    expect(d.synthesis.source).toBe("rules");
    expect(d.evidence.some((e) => e.source === source)).toBe(true);
  });

  it("restart loop: restart_loop with the count, high", async () => {
    const d = await diagnose("loop");
    const loop = d.findings.find((f) => f.class === "restart_loop");
    expect(loop?.summary).toMatch(/restarted \d+ time/);
    expect(d.synthesis.confidence).toBe("high");
    expect(d.last_logs).toContain("worker starting");
  });

  it("OOM names the 16 MiB limit; 127 names the binary; port names the address", async () => {
    expect((await diagnose("oom")).synthesis.analysis).toContain("16 MiB");
    expect((await diagnose("notfound")).synthesis.analysis).toContain("/no/such/binary");
    expect((await diagnose("port")).synthesis.analysis).toMatch(/127\.0\.0\.1:\d+/);
  });

  it("the stack trace's error line and first frame are in the analysis and last_logs", async () => {
    const d = await diagnose("stack");
    expect(d.exit_code).toBe(1);
    expect(d.synthesis.analysis).toContain("TypeError: Cannot read properties of undefined");
    expect(d.synthesis.analysis).toContain("at loadConfig (/app/config.js:7:19)");
    expect(d.last_logs).toContain("at Object.<anonymous>");
  });

  it("dependency failures name the dependency", async () => {
    expect((await diagnose("dns")).synthesis.analysis).toContain("orders-db");
    expect((await diagnose("refused")).synthesis.analysis).toContain("127.0.0.1");
  });

  it("missing env names the variable and checks the container's environment", async () => {
    const d = await diagnose("env");
    expect(d.synthesis.analysis).toContain("DATABASE_URL");
    expect(d.evidence).toContainEqual({
      source: "inspect",
      found: "Config.Env has no DATABASE_URL (2 variable(s) set)",
    });
  });

  it("137 from docker kill: killed, and the kill event says who unless the daemon's events rolled over", async () => {
    const d = await diagnose("killed");
    expect(d.findings[0]?.class).toBe("killed");
    if (d.evidence.some((e) => e.source === "events" && e.found.startsWith("kill event"))) {
      expect(d.synthesis.confidence).toBe("high");
      expect(d.synthesis.analysis).toContain("docker kill");
    } else {
      expect(d.evidence.some((e) => e.source === "events" && /gone|no events/.test(e.found))).toBe(true);
    }
  });

  it("a healthy running container is inconclusive (low) with what to look at next", async () => {
    const d = await diagnose("holder");
    expect(d.synthesis.confidence).toBe("low");
    expect(d.synthesis.analysis).toMatch(/^Inconclusive/);
    expect(d.look_next.length).toBeGreaterThan(0);
    expect(d.evidence.some((e) => e.source === "stats")).toBe(true);
  });

  it("use_ai without a model says why and keeps the rules' answer", async () => {
    const result = (await client.callTool({
      name: "docker_diagnose",
      arguments: { container: c["oom"]!.name, use_ai: true },
    })) as CallToolResult;
    const d = result.structuredContent as unknown as Diagnosis;
    expect(d.synthesis.source).toBe("rules");
    expect(d.synthesis.note).toMatch(/no MCP sampling.*not enabled/);
  });
});
