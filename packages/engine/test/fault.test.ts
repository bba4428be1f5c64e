import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine, type DockerEngine, EngineError } from "../src/index.js";
import { type FakeBehavior, FakeDaemon } from "./fake-daemon.js";

const ID = "a".repeat(64);
const ABORT_AFTER_MS = 150;
const PROMPT_MS = 200;
/**
 * The first request of the file also negotiates the API version and opens the first socket, which a
 * loaded machine can delay: that call gets more room.
 */
const FIRST_CALL_PROMPT_MS = 1000;
let firstCall = true;

type Call = (engine: DockerEngine, signal: AbortSignal) => Promise<unknown>;

const calls: Record<string, Call> = {
  listContainers: (e, s) => e.listContainers({ all: true }, s),
  resolveContainer: (e, s) => e.resolveContainer("web", s),
  inspectContainer: (e, s) => e.inspectContainer(ID, s),
  readLogs: (e, s) => e.readLogs(ID, false, { maxBytes: 1000, tail: 10 }, s),
  followLogs: (e, s) => e.followLogs(ID, false, { maxLineChars: 1000 }, () => undefined, s),
  stats: (e, s) => e.stats([ID, "b".repeat(64)], s),
  startContainer: (e, s) => e.startContainer(ID, s),
  stopContainer: (e, s) => e.stopContainer(ID, { timeoutSeconds: 1 }, s),
  pauseContainer: (e, s) => e.pauseContainer(ID, s),
  removeContainer: (e, s) => e.removeContainer(ID, { force: true }, s),
  exec: (e, s) => e.exec(ID, { cmd: ["true"], maxOutputBytes: 100, timeoutMs: 60_000 }, s),
  createContainer: (e, s) => e.createContainer({ image: "busybox" }, s),
};

/**
 * Runs `call`, aborts after ABORT_AFTER_MS, returns the error, how long after the abort it came and the
 * latency it is allowed (PROMPT_MS, or FIRST_CALL_PROMPT_MS for the file's first request).
 */
async function abortLatency(call: Call, engine: DockerEngine, reason?: unknown) {
  const limitMs = firstCall ? FIRST_CALL_PROMPT_MS : PROMPT_MS;
  firstCall = false;
  const controller = new AbortController();
  let abortedAt = 0;
  const timer = setTimeout(() => {
    abortedAt = performance.now();
    controller.abort(reason);
  }, ABORT_AFTER_MS);
  const error = await call(engine, controller.signal).then(
    () => undefined,
    (e: unknown) => e,
  );
  clearTimeout(timer);
  return { error, latencyMs: performance.now() - abortedAt, abortedAt, limitMs };
}

for (const behavior of ["silent", "drip-headers", "drip-body", "stall-after-headers"] as FakeBehavior[]) {
  describe(`a daemon that ${behavior === "silent" ? "never answers" : String(behavior)}`, () => {
    const fake = new FakeDaemon(behavior);
    let engine: DockerEngine;
    const latencies: number[] = [];
    beforeAll(async () => {
      await fake.start();
      engine = createEngine({ socketPath: fake.socketPath, env: {} });
    });
    afterAll(async () => {
      console.log(
        `[fault ${behavior}] abort latency ms: max ${Math.max(...latencies).toFixed(1)}, ` +
          `mean ${(latencies.reduce((a, b) => a + b, 0) / latencies.length).toFixed(1)} over ${latencies.length} calls`,
      );
      await engine.close();
      await fake.stop();
    });

    for (const [name, call] of Object.entries(calls)) {
      it(`${name} rejects with ABORTED within ${PROMPT_MS} ms of the abort`, async () => {
        const { error, latencyMs, abortedAt, limitMs } = await abortLatency(call, engine);
        expect(abortedAt).toBeGreaterThan(0);
        expect(error).toBeInstanceOf(EngineError);
        expect((error as EngineError).code).toBe("ABORTED");
        expect(latencyMs).toBeLessThan(limitMs);
        latencies.push(latencyMs);
      });
    }

    it("a deadline (TimeoutError reason) becomes TIMEOUT", async () => {
      const reason = new DOMException("deadline", "TimeoutError");
      const { error, latencyMs, limitMs } = await abortLatency(calls["listContainers"]!, engine, reason);
      expect(error).toMatchObject({ code: "TIMEOUT" });
      expect((error as Error).message).toMatch(/deadline.*check the current state/);
      expect(latencyMs).toBeLessThan(limitMs);
    });

    it("AbortSignal.timeout() becomes TIMEOUT", async () => {
      const started = performance.now();
      const error = await engine.listContainers({}, AbortSignal.timeout(200)).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "TIMEOUT" });
      expect(performance.now() - started).toBeLessThan(200 + PROMPT_MS);
    });

    it("closes every connection of an aborted request (no leaked streams)", async () => {
      const deadline = Date.now() + 2000;
      while (fake.stuckConnections > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(fake.stuckConnections).toBe(0);
      expect(fake.requests).toBeGreaterThan(Object.keys(calls).length);
    });
  });
}

describe("a daemon whose /_ping never answers (API negotiation)", () => {
  const fake = new FakeDaemon("silent", true);
  let engine: DockerEngine;
  beforeAll(async () => {
    await fake.start();
    engine = createEngine({ socketPath: fake.socketPath, env: {} });
  });
  afterAll(async () => {
    await engine.close();
    await fake.stop();
  });

  it("ping is cancellable promptly", async () => {
    const { error, latencyMs, limitMs } = await abortLatency((e, s) => e.ping(s), engine);
    expect(error).toMatchObject({ code: "ABORTED" });
    expect(latencyMs).toBeLessThan(limitMs);
  });

  it("the first call is still cancellable promptly", async () => {
    const { error, latencyMs, limitMs } = await abortLatency(calls["listContainers"]!, engine);
    expect(error).toMatchObject({ code: "ABORTED" });
    expect(latencyMs).toBeLessThan(limitMs);
  });

  it("an already-aborted signal rejects at once", async () => {
    const error = await engine.ping(AbortSignal.abort()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "ABORTED" });
  });
});
