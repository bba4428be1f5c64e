import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mapDaemonError } from "../src/daemon-errors.js";
import { createEngine, type DockerEngine, EngineError } from "../src/index.js";

const GOOD = "a".repeat(64);
const REMOVING = "b".repeat(64);
const MALFORMED = "c".repeat(64);
const STOPPED_MEANWHILE = "d".repeat(64);
const GONE = "e".repeat(64);

function frame(second: number, total: number): string {
  return `${JSON.stringify({
    read: `2026-01-01T00:00:0${second}.000000000Z`,
    name: "/good",
    cpu_stats: { cpu_usage: { total_usage: total }, system_cpu_usage: second * 1_000_000, online_cpus: 1 },
    memory_stats: { usage: 1000, limit: 4000 },
    pids_stats: { current: 1 },
  })}\n`;
}

describe("mapDaemonError", () => {
  it("maps a body that is not JSON to DAEMON, not UNREACHABLE", () => {
    let parseError: unknown;
    try {
      JSON.parse("{not json");
    } catch (error) {
      parseError = error;
    }
    const mapped = mapDaemonError(parseError, "unix:///fake.sock", "read the stats of container abc");
    expect(mapped).toBeInstanceOf(EngineError);
    expect(mapped.code).toBe("DAEMON");
    expect(mapped.message).toMatch(/malformed answer when asked to read the stats of container abc/);
  });

  it("still maps a lost connection to UNREACHABLE", () => {
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    expect(mapDaemonError(reset, "unix:///fake.sock", "list containers").code).toBe("UNREACHABLE");
  });
});

describe("stats when some containers fail", () => {
  const dir = mkdtempSync(join(tmpdir(), "fake-stats-dockerd-"));
  const socketPath = join(dir, "docker.sock");
  let server: Server;
  let engine: DockerEngine;
  let oneShots = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = (req.url ?? "").split("?")[0] ?? "";
      if (path === "/_ping") {
        res.writeHead(200, { "Api-Version": "1.41" });
        res.end("OK");
        return;
      }
      const id = /\/containers\/([0-9a-f]+)\/stats$/.exec(path)?.[1];
      const fail = (status: number, message: string) => {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ message }));
      };
      if (id === GOOD && (req.url ?? "").includes("one-shot=true")) {
        // One reading per request, a tick apart, as dockerd's collector gives them.
        oneShots++;
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(oneShots % 2 === 1 ? frame(1, 1000) : frame(2, 501_000));
      } else if (id === GOOD) {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.write(frame(1, 1000));
        setTimeout(() => res.end(frame(2, 501_000)), 50);
      } else if (id === REMOVING) fail(500, "removal of container is already in progress");
      else if (id === STOPPED_MEANWHILE) fail(409, "container is not running");
      else if (id === MALFORMED) {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end("{this is not a stats frame\n");
      } else fail(404, `No such container: ${id}`);
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    engine = createEngine({ socketPath, env: {} });
  });
  afterAll(async () => {
    await engine.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("returns the good samples, an error sample per failed container, and leaves out the vanished", async () => {
    const samples = await engine.stats(
      [GOOD, REMOVING, MALFORMED, STOPPED_MEANWHILE, GONE],
      AbortSignal.timeout(10_000),
    );
    const byId = new Map(samples.map((s) => [s.id, s]));
    expect(samples.map((s) => s.id).sort()).toEqual([GOOD, REMOVING, MALFORMED, STOPPED_MEANWHILE].sort());
    expect(byId.get(GOOD)).toMatchObject({ name: "good", running: true, cpuPercent: 50, memoryPercent: 25 });
    expect(byId.get(GOOD)?.error).toBeUndefined();
    expect(byId.get(REMOVING)).toMatchObject({
      running: false,
      cpuPercent: 0,
      error: expect.stringMatching(/removal of container is already in progress/),
    });
    expect(byId.get(STOPPED_MEANWHILE)).toMatchObject({
      running: false,
      error: expect.stringMatching(/not running/),
    });
    expect(byId.get(MALFORMED)).toMatchObject({ running: false, error: expect.stringMatching(/malformed/) });
  });

  it("a deadline still fails the whole call", async () => {
    await expect(engine.stats([GOOD, REMOVING], AbortSignal.timeout(1))).rejects.toMatchObject({
      code: "TIMEOUT",
    });
  });
});
