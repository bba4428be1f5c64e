import { docker, newRunId, removeFixtures, runFixture } from "@arktechnwa/docker-mcp-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine, type StatsStrategy } from "../src/index.js";
import { deadline, requireDocker } from "./docker-setup.js";

const runId = newRunId();
const engine = createEngine();
const N = 6;

describe("stats on a real daemon", () => {
  let busy: string;
  let idle: string[];
  let stopped: string;
  beforeAll(async () => {
    await requireDocker();
    busy = (await runFixture({ name: "stats-busy", runId, script: "while :; do :; done", memory: "64m" })).id;
    idle = await Promise.all(
      Array.from({ length: N - 1 }, async (_, i) => (await runFixture({ name: `stats-idle${i}`, runId })).id),
    );
    stopped = (await runFixture({ name: "stats-stopped", runId, start: false })).id;
  }, 120_000);
  afterAll(async () => {
    await removeFixtures(runId);
    await engine.close();
  }, 60_000);

  it(`samples ${N} running containers and a stopped one in about one collector tick`, async () => {
    const started = performance.now();
    const samples = await engine.stats([busy, ...idle, stopped], deadline());
    const elapsed = performance.now() - started;
    console.log(`[stats] ${N + 1} containers (strategy stream) in ${elapsed.toFixed(0)} ms`);
    // One tick to subscribe plus one between the two samples (~2.1 s), whatever N is; sampled one
    // container after another it would take ~2 s x ${N + 1} = ~14 s. Room for a loaded CI machine.
    expect(elapsed).toBeLessThan(5000);
    expect(samples).toHaveLength(N + 1);
    const byId = new Map(samples.map((s) => [s.id, s]));
    const hot = byId.get(busy)!;
    expect(hot.running).toBe(true);
    expect(hot.cpuPercent).toBeGreaterThan(20);
    expect(hot.memoryLimitBytes).toBe(64 * 1024 * 1024);
    expect(hot.memoryUsageBytes).toBeGreaterThan(0);
    expect(hot.memoryPercent).toBeGreaterThan(0);
    expect(hot.pids).toBeGreaterThanOrEqual(1);
    expect(hot.name).toBe(`stats-busy-${runId}`);
    for (const id of idle) {
      expect(byId.get(id)?.running).toBe(true);
      expect(byId.get(id)?.cpuPercent).toBeLessThan(5);
    }
    expect(byId.get(stopped)).toMatchObject({ running: false, cpuPercent: 0, memoryUsageBytes: 0, pids: 0 });
  }, 30_000);

  it("a second call soon after needs one frame: the window runs from the previous reading", async () => {
    // The daemon's readings only (no cgroup counter read here): the window comes from CPU history.
    const e = createEngine({ localCpu: false });
    try {
      const first = await e.stats([busy, ...idle], deadline());
      // Two frames of one request: the window is one collector tick (~1 s; stretched under load).
      expect(first.find((s) => s.id === busy)?.cpuWindowMs).toBeGreaterThan(500);
      expect(first.find((s) => s.id === busy)?.cpuWindowMs).toBeLessThan(2500);
      await new Promise((r) => setTimeout(r, 1500));
      const started = performance.now();
      const second = await e.stats([busy, ...idle], deadline());
      const elapsed = performance.now() - started;
      console.log(`[stats] second call with CPU history: ${elapsed.toFixed(0)} ms`);
      // At most one collector tick (the first frame), never the second: ~1 s, where two frames take
      // ~2.1 s. The bound leaves room for a loaded machine; the window below proves one frame was used.
      expect(elapsed).toBeLessThan(2500);
      const hot = second.find((s) => s.id === busy);
      expect(hot?.cpuPercent).toBeGreaterThan(20);
      // From the first call's last frame to this call's first frame: the pause plus up to a tick.
      expect(hot?.cpuWindowMs).toBeGreaterThan(1400);
      expect(hot?.cpuWindowMs).toBeLessThan(4000);
    } finally {
      await e.close();
    }
  }, 30_000);

  it("without CPU history every call waits for two frames", async () => {
    const e = createEngine({ cpuHistoryMaxAgeMs: 0, localCpu: false });
    try {
      await e.stats([busy], deadline());
      const again = await e.stats([busy], deadline());
      expect(again[0]?.cpuWindowMs).toBeLessThan(2500);
      expect(again[0]?.cpuPercent).toBeGreaterThan(20);
    } finally {
      await e.close();
    }
  }, 30_000);

  it("on a local daemon a cold call starts each window at the cgroup counter: one collector tick, not two", async () => {
    const pause = () => new Promise((r) => setTimeout(r, 1500));
    const timed = async (localCpu: boolean) => {
      // A cold engine, and a collector with no reader left (it then answers the first request at once
      // and every other one at its next tick).
      const e = createEngine({ localCpu });
      try {
        await pause();
        const started = performance.now();
        const samples = await e.stats([busy, ...idle], deadline());
        return { ms: performance.now() - started, samples };
      } finally {
        await e.close();
      }
    };
    const daemon = await timed(false);
    const local = await timed(true);
    console.log(
      `[stats] ${N} containers cold: daemon readings ${daemon.ms.toFixed(0)} ms, cgroup start ${local.ms.toFixed(0)} ms`,
    );
    expect(local.ms).toBeLessThan(daemon.ms - 500);
    const hot = local.samples.find((s) => s.id === busy);
    expect(hot?.cpuPercent).toBeGreaterThan(20);
    expect(hot?.cpuPercent).toBeLessThan(105);
    for (const s of local.samples) {
      expect(s.cpuWindowMs).toBeGreaterThanOrEqual(500);
      expect(s.cpuWindowMs).toBeLessThan(2500);
    }
  }, 30_000);

  it("leaves out a container that vanished", async () => {
    const samples = await engine.stats([busy, "f".repeat(64)], deadline());
    expect(samples.map((s) => s.id)).toEqual([busy]);
  }, 30_000);

  it("a mix of running, stopped, vanished and being-removed containers never fails the call", async () => {
    const doomed = await Promise.all(
      [0, 1, 2].map(async (i) => (await runFixture({ name: `stats-doomed${i}`, runId })).id),
    );
    const e = createEngine({ cpuHistoryMaxAgeMs: 0 });
    try {
      const call = e.stats([busy, stopped, "f".repeat(64), ...doomed], deadline());
      // Removed while their streams are being opened or read.
      await new Promise((r) => setTimeout(r, 150));
      await docker(["rm", "--force", ...doomed]);
      const samples = await call;
      const byId = new Map(samples.map((s) => [s.id, s]));
      expect(byId.get(busy)).toMatchObject({ running: true });
      expect(byId.get(busy)?.error).toBeUndefined();
      expect(byId.get(stopped)).toMatchObject({ running: false });
      expect(byId.has("f".repeat(64))).toBe(false);
      // A removed container is left out, idle, or reported with its error: never a failed call.
      for (const id of doomed) {
        const sample = byId.get(id);
        if (sample && sample.running === false) expect(sample.cpuPercent).toBe(0);
      }
      console.log(
        `[stats] removed mid-call: ${doomed.map((id) => JSON.stringify(byId.get(id) ? { running: byId.get(id)?.running, error: byId.get(id)?.error } : "left out")).join(", ")}`,
      );
    } finally {
      await e.close();
    }
  }, 30_000);

  it("measures the three sampling strategies (printed for the record)", async () => {
    const ids = [busy, ...idle];
    const results: string[] = [];
    for (const strategy of ["stream", "one-shot", "precpu"] as StatsStrategy[]) {
      const e = createEngine({ statsStrategy: strategy });
      const times: number[] = [];
      for (let round = 0; round < 3; round++) {
        const started = performance.now();
        const samples = await e.stats(ids, deadline());
        times.push(performance.now() - started);
        expect(samples.find((s) => s.id === busy)?.cpuPercent).toBeGreaterThan(20);
      }
      await e.close();
      results.push(`${strategy}: ${times.map((t) => t.toFixed(0)).join("/")} ms`);
    }
    console.log(`[stats strategies, ${ids.length} running containers] ${results.join("; ")}`);
  }, 60_000);

  it("a deadline ends all streams promptly", async () => {
    const started = performance.now();
    await expect(engine.stats([busy, ...idle], AbortSignal.timeout(100))).rejects.toMatchObject({
      code: "TIMEOUT",
    });
    // Without the deadline the call would resolve after ~2 s; the bound leaves room for a loaded machine.
    expect(performance.now() - started).toBeLessThan(1500);
  });
});
