import { chmodSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BUSYBOX_IMAGE, waitFor } from "@arktechnwa/docker-mcp-testkit";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { type CallToolResult, CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, describe, expect, it } from "vitest";
import { writeConfig } from "./harness.js";
import {
  descendants,
  describeProcs,
  isWatchdog,
  type Proc,
  processTable,
  survivors,
  workers,
} from "./process-tree.js";

// Nothing the server spawns outlives it: checked on the bundled bin (what users install) over stdio
// with the SDK's client, by the server's process tree and the children's process groups in /proc.
// The compose CLI here is a stub on the server's PATH that hangs in `up` with helpers in its group
// (a real compose up that hangs needs a daemon that hangs; the frozen-daemon suite covers that road).

const BUNDLE = fileURLToPath(new URL("../dist/bundle/docker-mcp.js", import.meta.url));
const root = realpathSync(mkdtempSync(join(tmpdir(), "docker-mcp-children-")));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * A PATH on which `docker compose` does not exist and `docker-compose` answers version and config
 * like compose 1.29, then hangs in `up` with two helpers (one in the background), writing its pid to
 * `started`. With `ignoreTerm` the whole group ignores SIGTERM, so only a SIGKILL ends it.
 */
function hangingCompose(name: string, ignoreTerm: boolean) {
  const dir = join(root, name);
  const bin = join(dir, "bin");
  mkdirSync(bin, { recursive: true });
  mkdirSync(join(dir, "project"));
  const started = join(dir, "up.pid");
  const model = join(dir, "model.yml");
  writeFileSync(model, `services:\n  web:\n    image: ${BUSYBOX_IMAGE}\nversion: '2.4'\n`);
  const file = join(dir, "project", "docker-compose.yml");
  writeFileSync(file, `version: "2.4"\nservices:\n  web:\n    image: ${BUSYBOX_IMAGE}\n`);
  writeFileSync(
    join(bin, "docker"),
    `#!/bin/sh\necho "docker: 'compose' is not a docker command." >&2\nexit 1\n`,
  );
  writeFileSync(
    join(bin, "docker-compose"),
    `#!/bin/sh
case " $* " in
  *" version "*) echo 1.29.2; exit 0 ;;
  *" config"*) cat ${model}; exit 0 ;;
esac
${ignoreTerm ? "trap '' TERM" : ""}
sleep 1000 &
echo $$ > ${started}
sleep 1000
`,
  );
  chmodSync(join(bin, "docker"), 0o755);
  chmodSync(join(bin, "docker-compose"), 0o755);
  return { bin, started, file, project: `children${name}` };
}

interface Started {
  client: Client;
  transport: StdioClientTransport;
  pid: number;
  /** The server's own process group: the test runner's too, so never one to check. */
  pgid: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  stderr: () => string;
}

async function startServer(name: string, options: { ignoreTerm: boolean; composeMs?: number }) {
  const stub = hangingCompose(name, options.ignoreTerm);
  const config = writeConfig({
    permissions: { create: true, lifecycle: true },
    compose_safety: { allowed_directories: [root] },
    ...(options.composeMs ? { neverhang: { compose_timeout: options.composeMs } } : {}),
  });
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BUNDLE, "--config", config],
    env: { ...(process.env as Record<string, string>), PATH: `${stub.bin}:${process.env["PATH"] ?? ""}` },
    stderr: "pipe",
  });
  let err = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  const client = new Client({ name: "docker-mcp-children-test", version: "0.0.0" });
  await client.connect(transport);
  const pid = transport.pid as number;
  const self = processTable().find((p) => p.pid === pid) as Proc;
  // The transport forgets its child on close: listen for the exit on the child itself.
  const child = (transport as unknown as { _process: import("node:child_process").ChildProcess })._process;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const server: Started = { client, transport, pid, pgid: self.pgid, exited, stderr: () => err };
  return { server, stub };
}

/** Starts docker_compose_up, waits until the stub hangs in it, and returns the server's children then. */
async function hangInUp(server: Started, stub: ReturnType<typeof hangingCompose>, signal?: AbortSignal) {
  const t0 = Date.now();
  const call = server.client
    .callTool(
      { name: "docker_compose_up", arguments: { file: stub.file, project: stub.project } },
      CallToolResultSchema,
      { timeout: 60_000, ...(signal ? { signal } : {}) },
    )
    .then(
      (r) => ({ result: r as CallToolResult, at: Date.now() }),
      (error: unknown) => ({ error, at: Date.now() }),
    );
  await waitFor("the compose stub to hang in up", () => existsSync(stub.started), { timeoutMs: 20_000 });
  // The stub and both sleeps: in a process group of their own, below the server (beside its watchdog).
  const seen = await waitFor(
    "the stub's helpers to start",
    () => {
      const tree = descendants(server.pid);
      return tree.filter((p) => p.comm === "sleep").length >= 2 ? tree : undefined;
    },
    { timeoutMs: 5_000, intervalMs: 25 },
  );
  const groups = new Set(seen.map((p) => p.pgid));
  expect(groups.has(server.pgid)).toBe(false);
  expect(seen.filter(isWatchdog)).toHaveLength(1);
  // The check below sees them while they run (so it can fail).
  expect(survivors(seen, [server.pgid]).length).toBeGreaterThanOrEqual(3);
  // What does the call's work: all but the watchdog, which lives as long as the server.
  const work = seen.filter((p) => !isWatchdog(p));
  return { seen, work, call, startedAt: t0 };
}

/** Nothing of what ran below the server is left (its watchdog ends as soon as the server is gone). */
async function expectNothingLeft(server: Started, seen: Proc[]) {
  const until = Date.now() + 2_000;
  while (survivors(seen, [server.pgid]).length > 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const left = survivors(seen, [server.pgid]);
  expect(left, `left behind: ${describeProcs(left)}`).toEqual([]);
}

describe("no child process outlives the server (bundled bin over stdio)", () => {
  it("when the client disconnects (closes stdin) in the middle of a compose up: the server ends it and exits by itself", async () => {
    const { server, stub } = await startServer("stdin", { ignoreTerm: false });
    const { seen, call } = await hangInUp(server, stub);
    const t0 = Date.now();
    // The SDK's close: stdin ends; SIGTERM only if the server has not exited 2 s later.
    await server.client.close();
    const exit = await server.exited;
    await call;
    console.log(
      `[neverhang] stdin closed mid compose up: server exited (code ${exit.code}) ${exit.at - t0} ms later; ${seen.length} children were running`,
    );
    expect(exit.code).toBe(0);
    expect(exit.at - t0, "exited on its own, before the client's SIGTERM").toBeLessThan(2_000);
    await expectNothingLeft(server, seen);
  });

  it("when the server gets SIGTERM in the middle of a compose up whose helpers ignore TERM", async () => {
    const { server, stub } = await startServer("sigterm", { ignoreTerm: true });
    const { seen, call } = await hangInUp(server, stub);
    const t0 = Date.now();
    process.kill(server.pid, "SIGTERM");
    const exit = await server.exited;
    await call;
    console.log(
      `[neverhang] SIGTERM mid compose up (TERM ignored by the group): server exited ${exit.at - t0} ms later`,
    );
    expect(exit.code).toBe(0);
    // TERM, a 2 s grace, then KILL.
    expect(exit.at - t0).toBeLessThan(5_000);
    await expectNothingLeft(server, seen);
    await server.client.close();
  });

  it("when SIGTERM comes again during that grace: the server exits at once, killing the groups on its way out", async () => {
    const { server, stub } = await startServer("twice", { ignoreTerm: true });
    const { seen, call } = await hangInUp(server, stub);
    const t0 = Date.now();
    process.kill(server.pid, "SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(workers(server.pid).length).toBeGreaterThan(0);
    process.kill(server.pid, "SIGTERM");
    const exit = await server.exited;
    await call;
    expect(exit.code).toBe(0);
    expect(exit.at - t0).toBeLessThan(1_500);
    // The exit hook's SIGKILL is sent before the server is gone; the kernel delivers it right away.
    await waitFor("the groups to be gone", () => survivors(seen, [server.pgid]).length === 0, {
      timeoutMs: 1_000,
      intervalMs: 20,
    });
    await expectNothingLeft(server, seen);
    await server.client.close();
  });

  it("when the server is killed with SIGKILL (no exit hook runs): its watchdog kills the groups", async () => {
    const { server, stub } = await startServer("sigkill", { ignoreTerm: true });
    const { seen, call } = await hangInUp(server, stub);
    const t0 = Date.now();
    process.kill(server.pid, "SIGKILL");
    const exit = await server.exited;
    await call;
    expect(exit.signal).toBe("SIGKILL");
    await expectNothingLeft(server, seen);
    console.log(`[neverhang] SIGKILL mid compose up: nothing left ${Date.now() - t0} ms later`);
    await server.client.close();
  });

  it("when the client cancels the call; the server keeps serving", async () => {
    const { server, stub } = await startServer("cancel", { ignoreTerm: false });
    try {
      const controller = new AbortController();
      const { work, call } = await hangInUp(server, stub, controller.signal);
      controller.abort();
      await call;
      await waitFor("the cancelled compose group to end", () => survivors(work, [server.pgid]).length === 0, {
        timeoutMs: 5_000,
      });
      expect(workers(server.pid)).toEqual([]);
      const ps = await server.client.callTool({ name: "docker_compose_ps", arguments: {} });
      expect(ps.isError).toBeFalsy();
    } finally {
      await server.client.close();
    }
  });

  it("when the compose class deadline passes: the group is killed (TERM ignored, so KILL) and the call answers at the deadline", async () => {
    const COMPOSE_MS = 2_000;
    const { server, stub } = await startServer("deadline", { ignoreTerm: true, composeMs: COMPOSE_MS });
    try {
      // The plugins load after initialize: a first call waits for them, outside the call's deadline.
      expect(
        (await server.client.callTool({ name: "docker_compose_ps", arguments: {} })).isError,
      ).toBeFalsy();
      const { work, call, startedAt } = await hangInUp(server, stub);
      const outcome = await call;
      expect("result" in outcome, String((outcome as { error?: unknown }).error)).toBe(true);
      const result = (outcome as { result: CallToolResult }).result;
      const text = result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
      expect(result.isError).toBe(true);
      expect(text).toMatch(/timeout class "compose"/);
      expect(text).toMatch(/outcome unknown|check/i);
      expect(outcome.at - startedAt).toBeLessThan(COMPOSE_MS + 1_000);
      // TERM at the deadline, KILL 2 s later.
      await waitFor("the compose group to be killed", () => survivors(work, [server.pgid]).length === 0, {
        timeoutMs: 5_000,
        intervalMs: 50,
      });
      console.log(
        `[neverhang] compose deadline ${COMPOSE_MS} ms: answered after ${outcome.at - startedAt} ms`,
      );
      await expectNothingLeft(server, work);
      expect(workers(server.pid)).toEqual([]);
    } finally {
      await server.client.close();
    }
  });
});
