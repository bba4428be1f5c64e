import {
  docker,
  ensureBusyboxImage,
  ensureDaemon,
  type Fixture,
  fixtureName,
  removeFixtures,
  runFixture,
  waitFor,
} from "@arktechnwa/docker-mcp-testkit";
import { CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Connected, call, connect, text, writeConfig } from "./harness.js";

// The answers the design document shows, field by field, on the real daemon.

let server: Connected;
let web: Fixture;
let healthy: Fixture;
let vault: Fixture;
const vaultName = fixtureName("doc-vault");

beforeAll(async () => {
  await ensureDaemon();
  await ensureBusyboxImage();
  [web, healthy, vault] = await Promise.all([
    runFixture({ name: "doc-web", extraArgs: ["--publish", "127.0.0.1::80"] }),
    runFixture({ name: "doc-healthy", healthcheck: { cmd: "true", intervalSeconds: 1 } }),
    runFixture({ name: "doc-vault" }),
  ]);
  // The blacklist pattern is the container's exact name: the worst case for a denial by ID prefix.
  const config = writeConfig({
    permissions: { read: true, lifecycle: true, exec: true, blacklist_containers: [vaultName] },
  });
  server = await connect(["--config", config]);
  await waitFor(
    "the health check to pass",
    async () =>
      (await docker(["inspect", "-f", "{{.State.Health.Status}}", healthy.id])).trim() === "healthy",
    { timeoutMs: 20_000 },
  );
}, 60_000);

afterAll(async () => {
  await server?.close();
  await removeFixtures();
});

/** "3d 12h" -> seconds. */
function seconds(uptime: string): number {
  const size: Record<string, number> = { d: 86_400, h: 3_600, m: 60, s: 1 };
  return uptime
    .split(" ")
    .reduce((sum, part) => sum + Number(part.slice(0, -1)) * (size[part.slice(-1)] ?? 0), 0);
}

describe("docker_ps answers the document's fields", () => {
  type Row = {
    id: string;
    name: string;
    image: string;
    status: string;
    status_icon: string;
    uptime: string | null;
    ports: string[];
    health: string | null;
  };

  it("id, name, image, status, status_icon, uptime (3d 12h form), ports, health (null without a check)", async () => {
    const r = await call(server.client, "docker_ps", { filter: { name: "doc-" } });
    expect(r.isError).toBeFalsy();
    const rows = (r.structuredContent as { containers: Row[]; summary: string }).containers;
    const w = rows.find((c) => c.name === web.name);
    const h = rows.find((c) => c.name === healthy.name);
    expect(w).toMatchObject({
      id: web.id.slice(0, 12),
      status: "running",
      status_icon: "✓",
      health: null,
      ports: [expect.stringMatching(/^127\.0\.0\.1:\d+->80\/tcp$/)],
    });
    expect(w?.image).toMatch(/busybox/);
    expect(h).toMatchObject({ status: "running", status_icon: "✓", health: "healthy" });
    // The uptime is the container's real one (from its start time), not the status text's rounding.
    for (const [row, fixture] of [
      [w, web],
      [h, healthy],
    ] as const) {
      expect(row?.uptime).toMatch(/^\d+[dhms]( \d+[hms])?$/);
      const started = Date.parse(
        (await docker(["inspect", "-f", "{{.State.StartedAt}}", fixture.id])).trim(),
      );
      const real = (Date.now() - started) / 1000;
      expect(Math.abs(seconds(row?.uptime as string) - real)).toBeLessThan(3);
    }
    expect(rows.map((c) => c.name)).not.toContain(vaultName);
    expect((r.structuredContent as { summary: string }).summary).toMatch(/^\d+ running container/);
  });
});

describe("docker_stats answers the document's fields", () => {
  const FIELDS = {
    container: expect.any(String),
    cpu: expect.stringMatching(/^\d+(\.\d+)?%$/),
    memory: expect.stringMatching(/^[\d.]+[BKMGT] \/ [\d.]+[BKMGT]$/),
    memory_percent: expect.stringMatching(/^\d+(\.\d+)?%$/),
    network_rx: expect.stringMatching(/^[\d.]+(B|kB|MB|GB|TB)$/),
    network_tx: expect.stringMatching(/^[\d.]+(B|kB|MB|GB|TB)$/),
    disk_read: expect.stringMatching(/^[\d.]+(B|kB|MB|GB|TB)$/),
    disk_write: expect.stringMatching(/^[\d.]+(B|kB|MB|GB|TB)$/),
    cpu_percent: expect.any(Number),
    memory_usage_bytes: expect.any(Number),
  };

  it("stats[] with container, cpu, memory, memory_percent, network and disk, and the numbers alongside", async () => {
    const r = await call(server.client, "docker_stats", { container: web.name });
    expect(r.isError).toBeFalsy();
    const out = r.structuredContent as { stats: Record<string, unknown>[]; samples?: unknown };
    expect(out.stats).toHaveLength(1);
    expect(out.stats[0]).toMatchObject({ ...FIELDS, container: web.name, id: web.id.slice(0, 12) });
    expect(out.samples).toBeUndefined();
  });

  it("no_stream: false samples for the duration, each snapshot sent as progress, with min/avg/max per container", async () => {
    const progress: string[] = [];
    const t0 = Date.now();
    const r = await server.client.callTool(
      { name: "docker_stats", arguments: { container: web.name, no_stream: false, duration: 5 } },
      CallToolResultSchema,
      { onprogress: (p) => progress.push(p.message ?? ""), timeout: 20_000 },
    );
    const elapsed = Date.now() - t0;
    expect(r.isError).toBeFalsy();
    const out = r.structuredContent as {
      stats: Record<string, unknown>[];
      samples: { at: string; stats: Record<string, unknown>[] }[];
      aggregates: Record<string, unknown>[];
      snapshots: number;
    };
    expect(out.snapshots).toBeGreaterThanOrEqual(2);
    expect(out.samples).toHaveLength(out.snapshots);
    for (const sample of out.samples)
      expect(sample.stats[0]).toMatchObject({ ...FIELDS, container: web.name });
    expect(out.samples.at(-1)?.stats).toEqual(out.stats);
    const times = out.samples.map((s) => Date.parse(s.at));
    expect(times.at(-1)! - times[0]!).toBeGreaterThan(500);
    expect(out.aggregates).toEqual([
      expect.objectContaining({
        container: web.name,
        samples: out.snapshots,
        cpu_min: expect.stringMatching(/^[\d.]+%$/),
        cpu_avg: expect.stringMatching(/^[\d.]+%$/),
        cpu_max: expect.stringMatching(/^[\d.]+%$/),
        memory_max: expect.stringMatching(/^[\d.]+[KMG]?i?B?$|^\d/),
      }),
    ]);
    const a = out.aggregates[0] as Record<string, number>;
    expect(a["cpu_percent_min"]).toBeLessThanOrEqual(a["cpu_percent_avg"]!);
    expect(a["cpu_percent_avg"]).toBeLessThanOrEqual(a["cpu_percent_max"]!);
    expect(a["memory_usage_bytes_min"]).toBeLessThanOrEqual(a["memory_usage_bytes_max"]!);
    // One progress message per snapshot, while the call ran.
    expect(progress.filter((m) => /^snapshot \d+: CPU [\d.]+% in all/.test(m))).toHaveLength(out.snapshots);
    // Bounded by the duration asked (5 s; the first snapshot alone can take 2.5 s on a busy machine),
    // not a stream that runs until the deadline.
    expect(elapsed).toBeGreaterThan(3_500);
    expect(elapsed).toBeLessThan(10_000);
  });

  it("duration without no_stream: false is refused with what to do", async () => {
    const r = await call(server.client, "docker_stats", { container: web.name, duration: 3 });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/add no_stream: false/);
  });
});

describe("docker_exec answers the document's fields", () => {
  it("container (its name), command (the argv), exit_code, stdout, stderr", async () => {
    const r = await call(server.client, "docker_exec", {
      container: web.id.slice(0, 12),
      command: "ls -la /",
    });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toMatchObject({
      container: web.name,
      container_id: web.id,
      command: ["ls", "-la", "/"],
      exit_code: 0,
      stdout: expect.stringContaining("bin"),
      stderr: "",
    });
  });
});

describe("isError tells the truth", () => {
  type Item = { container: string; status: string; message: string };
  const results = (r: Awaited<ReturnType<typeof call>>) =>
    (r.structuredContent as { results: Item[] }).results;

  it("a call whose only target is denied is an error, with the per-target result still there", async () => {
    const r = await call(server.client, "docker_stop", { containers: vaultName });
    expect(r.isError).toBe(true);
    expect(results(r)).toEqual([expect.objectContaining({ container: vaultName, status: "denied" })]);
    expect(text(r)).toMatch(/denied/);
    expect((await docker(["inspect", "-f", "{{.State.Status}}", vault.id])).trim()).toBe("running");
  });

  it("a call that acted on nothing (denied and not found) is an error", async () => {
    const r = await call(server.client, "docker_pause", { containers: [vaultName, "doc-no-such-container"] });
    expect(r.isError).toBe(true);
    expect(results(r).map((i) => i.status)).toEqual(["denied", "not_found"]);
  });

  it("a mixed list is not an error, and says what was left out", async () => {
    const r = await call(server.client, "docker_start", { containers: [vaultName, web.name] });
    expect(r.isError).toBeFalsy();
    expect(results(r).map((i) => i.status)).toEqual(["denied", "unchanged"]);
    expect(text(r)).toMatch(/1 denied/);
  });
});

describe("a denial by ID prefix never invents facts", () => {
  it("says the container is protected by the policy, without its name or a pattern that is not one", async () => {
    for (const ref of [vault.id.slice(0, 6), vault.id.slice(0, 12), vault.id]) {
      const single = await call(server.client, "docker_inspect", { container: ref });
      expect(single.isError).toBe(true);
      expect(text(single)).toContain(
        `Container "${ref}" is protected by the policy (permissions.blacklist_containers).`,
      );
      const listed = await call(server.client, "docker_stop", { containers: [ref] });
      expect(listed.isError).toBe(true);
      for (const answer of [single, listed]) {
        const all = JSON.stringify(answer);
        expect(all).not.toContain(vaultName);
        // No pattern is quoted (the old text quoted the prefix as if it were the rule's pattern).
        expect(all).not.toMatch(/pattern \\"/);
        expect(all).not.toContain(`"${ref}\\" matches`);
      }
    }
  });
});
