import {
  ensureBusyboxImage,
  ensureDaemon,
  type Fixture,
  newRunId,
  removeFixtures,
  runFixture,
} from "@arktechnwa/docker-mcp-testkit";
import { CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Connected, call, connect, text, writeConfig } from "./harness.js";
import { logAnswer } from "./log-answer.js";

// docker_logs follow, docker_stats streaming and docker_health with the real SDK client over stdio,
// against the real bin and the real daemon.

const runId = newRunId();
const SECRET = "s3cr3t-follow-value-42";
let server: Connected;
let ticker: Fixture;
let short: Fixture;
// Two containers labeled as one compose project (docker_compose_logs reads a project by its labels;
// the real docker-compose runs in the tool-compose tests).
const PROJECT = `dmfollow${runId}`.toLowerCase();
const composeLabels = (service: string) => ({
  "com.docker.compose.project": PROJECT,
  "com.docker.compose.service": service,
  "com.docker.compose.container-number": "1",
  "com.docker.compose.oneoff": "False",
});

interface FollowOut {
  lines: { stream: string; text: string }[];
  line_count: number;
  follow: {
    stopped_by: string;
    reason: string;
    followed_ms: number;
    lines_seen: number;
    lines_dropped: number;
  };
}

beforeAll(async () => {
  await ensureDaemon();
  await ensureBusyboxImage();
  [ticker, short] = await Promise.all([
    // A line every 100 ms, and the container's own secret in every tenth.
    runFixture({
      name: "follow-ticker",
      runId,
      env: { API_TOKEN: SECRET },
      script:
        'i=0; while :; do echo "tick $i"; if [ $((i % 10)) -eq 0 ]; then echo "token=$API_TOKEN" >&2; fi; i=$((i+1)); sleep 0.1; done',
    }),
    // Prints a little, then stops on its own.
    runFixture({ name: "follow-short", runId, script: "sleep 1; echo one; echo two; sleep 1; echo three" }),
    ...["web", "worker"].map((service) =>
      runFixture({
        name: `follow-${service}`,
        runId,
        labels: composeLabels(service),
        script: `i=0; while :; do echo "${service}-line-$i"; i=$((i+1)); sleep 0.1; done`,
      }),
    ),
  ]);
  const config = writeConfig({ permissions: { read: true } });
  server = await connect(["--config", config]);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await removeFixtures(runId);
});

describe("docker_logs follow", () => {
  it("sends new lines as progress while it runs, and cancel ends it within 200 ms", async () => {
    const progress: { at: number; message: string }[] = [];
    const controller = new AbortController();
    let cancelledAt = 0;
    const running = server.client
      .callTool(
        { name: "docker_logs", arguments: { container: ticker.name, follow: true, duration: 60 } },
        CallToolResultSchema,
        {
          signal: controller.signal,
          timeout: 90_000,
          onprogress: (p) => {
            progress.push({ at: Date.now(), message: p.message ?? "" });
            const ticks = progress.flatMap((m) => m.message.split("\n")).filter((l) => /^tick \d+$/.test(l));
            if (ticks.length >= 15 && !cancelledAt) {
              cancelledAt = Date.now();
              controller.abort();
            }
          },
        },
      )
      .catch((error: unknown) => error);
    const outcome = await running;
    expect(String(outcome)).toMatch(/abort/i);
    expect(cancelledAt).toBeGreaterThan(0);
    const ticks = progress.flatMap((m) => m.message.split("\n")).filter((l) => /^tick \d+$/.test(l));
    // The lines came in several chunks, in order, while the call ran.
    expect(progress.filter((m) => /tick/.test(m.message)).length).toBeGreaterThanOrEqual(3);
    const numbers = ticks.map((l) => Number(l.split(" ")[1]));
    for (let i = 1; i < numbers.length; i++) expect(numbers[i]).toBe((numbers[i - 1] as number) + 1);
    // Masked with the call's masker before it left as progress.
    const all = progress.map((m) => m.message).join("\n");
    expect(all).not.toContain(SECRET);
    expect(all).toMatch(/token=\S*\*|token=\[/);
    // The server's audit line for the call says "cancelled" within 200 ms of the client's cancel.
    const line = await waitForAudit(
      /"tool":"docker_logs".*"outcome":"cancelled"|"outcome":"cancelled".*"tool":"docker_logs"/,
    );
    expect(line.at - cancelledAt).toBeLessThan(200);
  });

  it("ends after its duration with what it saw, capped and explained", async () => {
    const progress: string[] = [];
    const t0 = Date.now();
    const r = await server.client.callTool(
      { name: "docker_logs", arguments: { container: ticker.name, follow: true, duration: 2 } },
      CallToolResultSchema,
      { onprogress: (p) => progress.push(p.message ?? ""), timeout: 30_000 },
    );
    const elapsed = Date.now() - t0;
    expect(r.isError).toBeFalsy();
    const out = logAnswer(r) as unknown as FollowOut;
    expect(out.follow.stopped_by).toBe("duration");
    expect(out.follow.reason).toMatch(/2 s/);
    expect(elapsed).toBeGreaterThan(1_900);
    expect(elapsed).toBeLessThan(5_000);
    const ticks = out.lines.filter((l) => /^tick \d+$/.test(l.text));
    expect(ticks.length).toBeGreaterThanOrEqual(10);
    expect(out.follow.lines_seen).toBe(out.lines.length);
    expect(out.follow.lines_dropped).toBe(0);
    // Every line sent as progress is in the answer, in the same order.
    const sent = progress.flatMap((m) => m.split("\n")).filter((l) => /^tick \d+$/.test(l));
    expect(sent.length).toBeGreaterThan(0);
    expect(out.lines.map((l) => l.text).filter((t) => /^tick/.test(t))).toEqual(sent);
    expect(JSON.stringify(out)).not.toContain(SECRET);
    expect(text(r as Parameters<typeof text>[0])).toMatch(/followed for the 2 s asked/);
  });

  it("stops after max_lines, counting only the lines grep keeps", async () => {
    const r = await call(server.client, "docker_logs", {
      container: ticker.name,
      follow: true,
      duration: 30,
      grep: "/^tick \\d*5$/",
      max_lines: 3,
    });
    expect(r.isError).toBeFalsy();
    const out = logAnswer(r) as unknown as FollowOut;
    expect(out.follow.stopped_by).toBe("max_lines");
    expect(out.lines).toHaveLength(3);
    for (const l of out.lines) expect(l.text).toMatch(/^tick \d*5$/);
    expect(out.follow.followed_ms).toBeLessThan(10_000);
  });

  it("grep runs on the masked line: the secret cannot be matched", async () => {
    const r = await call(server.client, "docker_logs", {
      container: ticker.name,
      follow: true,
      duration: 2,
      grep: SECRET,
    });
    expect(r.isError).toBeFalsy();
    expect((logAnswer(r) as unknown as FollowOut).lines).toEqual([]);
  });

  it("ends when the container stops, with every line it wrote", async () => {
    const r = await call(server.client, "docker_logs", {
      container: short.name,
      follow: true,
      tail: "all",
      duration: 30,
    });
    expect(r.isError).toBeFalsy();
    const out = logAnswer(r) as unknown as FollowOut;
    expect(out.follow.stopped_by).toBe("container_stopped");
    expect(out.lines.map((l) => l.text)).toEqual(["one", "two", "three"]);
    expect(out.follow.followed_ms).toBeLessThan(15_000);
  });

  it("a duration beyond the follow class is shortened to what the call allows, and says so", async () => {
    const config = writeConfig({ permissions: { read: true }, neverhang: { follow_timeout: 5000 } });
    const small = await connect(["--config", config]);
    try {
      const t0 = Date.now();
      const r = await call(small.client, "docker_logs", {
        container: ticker.name,
        follow: true,
        duration: 600,
      });
      expect(r.isError).toBeFalsy();
      const out = logAnswer(r) as unknown as FollowOut & { follow: { duration_s: number } };
      expect(out.follow.stopped_by).toBe("duration");
      expect(out.follow.duration_s).toBeLessThanOrEqual(2);
      expect(out.follow.reason).toMatch(/neverhang\.follow_timeout/);
      expect(Date.now() - t0).toBeLessThan(5_000);
    } finally {
      await small.close();
    }
  });
});

describe("docker_compose_logs follow", () => {
  it("sends both services' new lines as progress while it runs, and cancel ends it within 200 ms", async () => {
    const progress: { at: number; message: string }[] = [];
    const controller = new AbortController();
    let cancelledAt = 0;
    const t0 = Date.now();
    const lines = () => progress.flatMap((m) => m.message.split("\n"));
    const outcome = await server.client
      .callTool(
        { name: "docker_compose_logs", arguments: { project: PROJECT, tail: 0, follow: true, duration: 60 } },
        CallToolResultSchema,
        {
          signal: controller.signal,
          timeout: 90_000,
          onprogress: (p) => {
            progress.push({ at: Date.now() - t0, message: p.message ?? "" });
            const all = lines();
            const web = all.filter((l) => /^web \| web-line-\d+$/.test(l)).length;
            const worker = all.filter((l) => /^worker \| worker-line-\d+$/.test(l)).length;
            if (web >= 10 && worker >= 10 && !cancelledAt) {
              cancelledAt = Date.now();
              controller.abort();
            }
          },
        },
      )
      .catch((error: unknown) => error);
    expect(String(outcome)).toMatch(/abort/i);
    expect(cancelledAt).toBeGreaterThan(0);
    // Several chunks while the call ran, each service's lines in order and none twice.
    expect(progress.filter((m) => /-line-/.test(m.message)).length).toBeGreaterThanOrEqual(3);
    for (const service of ["web", "worker"]) {
      const numbers = lines().flatMap((l) => {
        const m = new RegExp(`^${service} \\| ${service}-line-(\\d+)$`).exec(l);
        return m ? [Number(m[1])] : [];
      });
      for (let i = 1; i < numbers.length; i++) expect(numbers[i]).toBe((numbers[i - 1] as number) + 1);
    }
    const line = await waitForAudit(
      /"tool":"docker_compose_logs".*"outcome":"cancelled"|"outcome":"cancelled".*"tool":"docker_compose_logs"/,
    );
    expect(line.at - cancelledAt).toBeLessThan(200);
    console.log(
      `[neverhang] compose follow over stdio: ${lines().length} lines in ${progress.length} progress messages, cancelled answer ${line.at - cancelledAt} ms after the client's cancel`,
    );
  });
});

describe("docker_health", () => {
  it("says the daemon answers, how fast, its versions and the breaker's state", async () => {
    const r = await call(server.client, "docker_health");
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toMatchObject({
      answering: true,
      api_version: expect.stringMatching(/^1\.\d+$/),
      engine_version: expect.stringMatching(/^\d+\.\d+/),
      breaker: { state: "closed", recent_failures: 0, failure_threshold: 3, retry_in_ms: 0, probing: false },
    });
    expect((r.structuredContent as { latency_ms: number }).latency_ms).toBeLessThan(2_000);
    expect(text(r)).toMatch(/answers in \d+ ms.*circuit breaker closed/);
  });
});

/** Waits for an audit line on the server's stderr and returns when its chunk arrived. */
async function waitForAudit(pattern: RegExp): Promise<{ at: number; line: string }> {
  const until = Date.now() + 5_000;
  for (;;) {
    for (const chunk of server.stderrChunks()) {
      const line = chunk.text.split("\n").find((l) => l.startsWith("docker-mcp audit") && pattern.test(l));
      if (line) return { at: chunk.at, line };
    }
    if (Date.now() > until) throw new Error(`no audit line matching ${pattern}:\n${server.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
