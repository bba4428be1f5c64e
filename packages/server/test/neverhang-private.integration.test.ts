import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BUSYBOX_IMAGE,
  type PrivateDaemon,
  startPrivateDaemon,
  waitFor,
} from "@arktechnwa/docker-mcp-testkit";
import { CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Connected, call, connect, text, writeConfig } from "./harness.js";
import { logAnswer } from "./log-answer.js";
import { workers } from "./process-tree.js";

// The never-hang promises on a daemon of our own that we freeze (SIGSTOP), thaw and crash.
// Never on the shared daemon.

const READ_MS = 1_500;
const LIFECYCLE_MS = 1_500;
const FOLLOW_MS = 6_000;
const PULL_MS = 1_500;
const COMPOSE_MS = 1_500;
const BUILD_MS = 1_500;
// exec_safety.timeout 1 s: the exec class is raised to it plus 5 s to kill the command.
const EXEC_MS = 6_000;

let daemon: PrivateDaemon;
let server: Connected;
// A compose project and a build context the policy allows, for the compose and build classes.
const work = realpathSync(mkdtempSync(join(tmpdir(), "docker-mcp-neverhang-")));
const composeFile = join(work, "frozen", "docker-compose.yml");
mkdirSync(join(work, "frozen"));
writeFileSync(composeFile, `version: "2.4"\nservices:\n  app:\n    image: ${BUSYBOX_IMAGE}\n`);
mkdirSync(join(work, "context"));
writeFileSync(join(work, "context", "Dockerfile"), `FROM ${BUSYBOX_IMAGE}\nRUN true\n`);
/** One call per timeout class while the daemon is frozen: the breaker opens on the last of them. */
const FROZEN_CALLS = 7;

beforeAll(async () => {
  daemon = await startPrivateDaemon();
  await daemon.docker([
    "run",
    "--detach",
    "--name",
    "ticker",
    // A shell as PID 1 ignores TERM: the restarted daemon stops it after 1 s instead of 10.
    "--stop-timeout",
    "1",
    BUSYBOX_IMAGE,
    "sh",
    "-c",
    'i=0; while :; do echo "tick $i"; i=$((i+1)); sleep 0.1; done',
  ]);
  const config = writeConfig({
    docker: { host: daemon.host },
    permissions: { read: true, lifecycle: true, exec: true, images: true, create: true },
    exec_safety: { timeout: "1s" },
    compose_safety: { allowed_directories: [work] },
    build_safety: { allowed_contexts: [work] },
    neverhang: {
      read_timeout: READ_MS,
      lifecycle_timeout: LIFECYCLE_MS,
      follow_timeout: FOLLOW_MS,
      pull_timeout: PULL_MS,
      exec_timeout: EXEC_MS,
      compose_timeout: COMPOSE_MS,
      build_timeout: BUILD_MS,
      circuit_breaker: {
        failures: FROZEN_CALLS,
        window: 120_000,
        cooldown: 300_000,
        probe_interval: 1_000,
      },
    },
  });
  server = await connect(["--config", config]);
  // Warm up: the API version is negotiated and the container resolved once while the daemon answers.
  expect((await call(server.client, "docker_ps")).isError).toBeFalsy();
}, 120_000);

afterAll(async () => {
  await server?.close();
  await daemon?.stop();
  rmSync(work, { recursive: true, force: true });
}, 60_000);

const health = async () => {
  const r = await call(server.client, "docker_health");
  // An error answer has no structured content: say what it was instead of failing on a missing field.
  if (r.isError || !r.structuredContent) throw new Error(`docker_health failed: ${text(r)}`);
  return r.structuredContent as {
    answering: boolean;
    breaker: { state: string; recent_failures: number; probing: boolean };
  };
};

async function until<T>(
  what: string,
  probe: () => Promise<T>,
  ok: (v: T) => boolean,
  ms: number,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > end) throw new Error(`${what}: still ${JSON.stringify(value)} after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("a frozen daemon (SIGSTOP), then thawed (SIGCONT)", () => {
  it("every timeout class answers within its deadline + 1 s with a clear error; the breaker opens; the probe closes it after SIGCONT", async () => {
    process.kill(daemon.pid, "SIGSTOP");
    try {
      const cases: [string, string, Record<string, unknown>, number][] = [
        ["read", "docker_ps", {}, READ_MS],
        ["lifecycle", "docker_restart", { containers: ["ticker"] }, LIFECYCLE_MS],
        ["exec", "docker_exec", { container: "ticker", command: ["true"] }, EXEC_MS],
        ["follow", "docker_logs", { container: "ticker", follow: true, duration: 30 }, FOLLOW_MS],
        ["pull", "docker_pull", { image: "127.0.0.1:5999/nothing:1" }, PULL_MS],
        ["compose", "docker_compose_up", { file: composeFile, project: "frozen" }, COMPOSE_MS],
        ["build", "docker_build", { context: join(work, "context"), tag: "frozen/build:1" }, BUILD_MS],
      ];
      expect(cases).toHaveLength(FROZEN_CALLS);
      const timings: string[] = [];
      for (const [cls, tool, args, deadline] of cases) {
        const t0 = Date.now();
        const r = await call(server.client, tool, args);
        const took = Date.now() - t0;
        timings.push(`${cls} ${took} ms (deadline ${deadline})`);
        expect(r.isError, `${tool}: ${text(r)}`).toBe(true);
        // The deadline of its own class answered (the breaker opens only after the last of these).
        expect(text(r)).toMatch(/did not finish within its .* deadline/);
        expect(text(r)).toContain(`timeout class "${cls}"`);
        expect(took, `${tool} took ${took} ms`).toBeLessThan(deadline + 1_000);
        expect(took, `${tool} took ${took} ms`).toBeGreaterThanOrEqual(deadline - 50);
      }
      console.log(`[neverhang] frozen daemon: ${timings.join("; ")}`);
      // Whatever the calls started (the compose CLI) was killed with them: the server has no child left.
      await waitFor("the server's children to end", () => workers(server.pid as number).length === 0, {
        timeoutMs: 5_000,
      });
      // Each deadline counts once /_ping fails too (2 s): the breaker opens after the configured seven.
      const open = await until("the breaker to open", health, (h) => h.breaker.state === "open", 10_000);
      expect(open.answering).toBe(false);
      expect(open.breaker.probing).toBe(true);
      const t0 = performance.now();
      const refused = await call(server.client, "docker_ps");
      const fast = performance.now() - t0;
      expect(refused.isError).toBe(true);
      expect(text(refused)).toMatch(/circuit breaker.*pings it every 1 s/);
      // Answered at once (over stdio, a round trip of the MCP client included).
      expect(fast).toBeLessThan(100);
    } finally {
      process.kill(daemon.pid, "SIGCONT");
    }
    const t1 = Date.now();
    const closed = await until(
      "the probe to close the breaker",
      health,
      (h) => h.breaker.state === "closed",
      10_000,
    );
    console.log(`[neverhang] breaker closed ${Date.now() - t1} ms after SIGCONT`);
    expect(closed.answering).toBe(true);
    const ps = await call(server.client, "docker_ps");
    expect(ps.isError, text(ps)).toBeFalsy();
    expect(text(ps)).toContain("ticker");
  }, 90_000);
});

describe("a daemon killed and restarted in the middle of a follow", () => {
  it("ends the follow cleanly with the lines it had; the server answers again once the daemon is back, without a restart", async () => {
    const progress: string[] = [];
    let restarting: Promise<number> | undefined;
    const result = await server.client.callTool(
      { name: "docker_logs", arguments: { container: "ticker", follow: true, duration: 30 } },
      CallToolResultSchema,
      {
        timeout: 30_000,
        onprogress: (p) => {
          progress.push(p.message ?? "");
          const ticks = progress
            .join("\n")
            .split("\n")
            .filter((l) => l.startsWith("tick")).length;
          if (!restarting && ticks >= 5) {
            const t0 = Date.now();
            // SIGKILL of dockerd's group (a crash), then a new dockerd on the same directories.
            restarting = daemon.restart().then(() => Date.now() - t0);
          }
        },
      },
    );
    expect(restarting).toBeDefined();
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    const out = logAnswer(result) as unknown as {
      lines: { text: string }[];
      follow: { stopped_by: string; reason: string; followed_ms: number; lines_seen: number };
    };
    expect(out.follow.stopped_by).toBe("connection_lost");
    expect(out.follow.reason).toMatch(/connection to the Docker daemon broke/);
    expect(out.follow.followed_ms).toBeLessThan(10_000);
    const ticks = out.lines.filter((l) => l.text.startsWith("tick")).map((l) => Number(l.text.slice(5)));
    expect(ticks.length).toBeGreaterThanOrEqual(5);
    // What it had: every line seen, in order, none lost before the break.
    for (let i = 1; i < ticks.length; i++) expect(ticks[i]).toBe((ticks[i - 1] as number) + 1);
    expect(out.follow.lines_seen).toBe(out.lines.length);

    const restartMs = await (restarting as Promise<number>);
    const t1 = Date.now();
    // The same server process: the breaker (if a failed call opened it) closes by its probe.
    const back = await until(
      "the restarted daemon to answer",
      health,
      (h) => h.answering && h.breaker.state === "closed",
      20_000,
    );
    expect(back.answering).toBe(true);
    const ps = await call(server.client, "docker_ps", { all: true });
    expect(ps.isError, text(ps)).toBeFalsy();
    expect(text(ps)).toContain("ticker");
    // And a new follow on the restarted daemon works.
    await daemon.docker(["start", "ticker"]);
    const again = await call(server.client, "docker_logs", {
      container: "ticker",
      follow: true,
      duration: 3,
      max_lines: 3,
    });
    expect(again.isError, text(again)).toBeFalsy();
    expect((again.structuredContent as { follow: { stopped_by: string } }).follow.stopped_by).toBe(
      "max_lines",
    );
    console.log(
      `[neverhang] follow across a daemon crash and restart: ${out.follow.stopped_by} after ${out.follow.followed_ms} ms with ${out.lines.length} lines; dockerd back in ${restartMs} ms; server answering ${Date.now() - t1} ms later`,
    );
  }, 90_000);
});

describe("a daemon killed in the middle of a follow", () => {
  it("ends the follow cleanly with the lines it had", async () => {
    const progress: string[] = [];
    let crashing: Promise<void> | undefined;
    const result = await server.client.callTool(
      { name: "docker_logs", arguments: { container: "ticker", follow: true, duration: 30 } },
      CallToolResultSchema,
      {
        timeout: 30_000,
        onprogress: (p) => {
          progress.push(p.message ?? "");
          if (
            !crashing &&
            progress
              .join("\n")
              .split("\n")
              .filter((l) => l.startsWith("tick")).length >= 5
          )
            crashing = daemon.crash();
        },
      },
    );
    expect(crashing).toBeDefined();
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    const out = logAnswer(result) as unknown as {
      lines: { text: string }[];
      follow: { stopped_by: string; reason: string; followed_ms: number };
    };
    expect(out.follow.stopped_by).toBe("connection_lost");
    expect(out.follow.reason).toMatch(/connection to the Docker daemon broke/);
    expect(out.follow.followed_ms).toBeLessThan(10_000);
    expect(out.lines.filter((l) => l.text.startsWith("tick")).length).toBeGreaterThanOrEqual(5);
    console.log(
      `[neverhang] follow across a daemon crash: ${out.follow.stopped_by}, ${out.lines.length} lines`,
    );
    await crashing;
    // The server still answers, with a clear error, rather than hanging.
    const t0 = Date.now();
    const ps = await call(server.client, "docker_ps");
    expect(ps.isError).toBe(true);
    expect(Date.now() - t0).toBeLessThan(READ_MS + 1_000);
  }, 60_000);
});
