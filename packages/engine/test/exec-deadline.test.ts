import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { KILL_GRACE_AFTER_ABORT_MS } from "../src/exec.js";
import { createEngine, type DockerEngine, EXEC_KILL_BUDGET_MS, type ExecOptions } from "../src/index.js";
import { FAKE_PID, FakeExecDaemon } from "./fake-exec-daemon.js";

const ID = "c".repeat(64);

function opts(extra: Partial<ExecOptions> = {}): ExecOptions {
  return { cmd: ["server"], maxOutputBytes: 1000, timeoutMs: 20_000, ...extra };
}

describe("exec timing against a scripted daemon", () => {
  let fake: FakeExecDaemon;
  let engine: DockerEngine;
  beforeEach(async () => {
    fake = new FakeExecDaemon();
    await fake.start();
    engine = createEngine({ socketPath: fake.socketPath, env: {} });
  });
  afterEach(async () => {
    await engine.close();
    await fake.stop();
  });

  it("output that ends before the process: waits for the exit until the timeout, then kills", async () => {
    fake.output = "after-marker";
    const started = performance.now();
    const res = await engine.exec(ID, opts({ timeoutMs: 1500 }), AbortSignal.timeout(20_000));
    expect(res).toMatchObject({ stdout: "started\n", timedOut: true, killed: true, exitCode: 137 });
    expect(res.note).toBeUndefined();
    expect(performance.now() - started).toBeGreaterThanOrEqual(1400);
    expect(fake.helperCmds).toHaveLength(1);
    expect(fake.helperCmds[0]?.at(-1)).toBe(String(FAKE_PID));
    expect(fake.running).toBe(false);
  });

  it("output that ends before the process: a later exit is reported with its code", async () => {
    fake.output = "after-marker";
    fake.exitAfterMs = 1200;
    const res = await engine.exec(ID, opts({ timeoutMs: 10_000 }), AbortSignal.timeout(20_000));
    expect(res).toMatchObject({ stdout: "started\n", timedOut: false, exitCode: 0 });
    expect(fake.helperCmds).toHaveLength(0);
  });

  it("the timeout counts from the command's start, not from the exec create", async () => {
    fake.createDelayMs = 1000;
    fake.exitAfterMs = 300;
    const res = await engine.exec(ID, opts({ timeoutMs: 800 }), AbortSignal.timeout(20_000));
    expect(res).toMatchObject({ stdout: "started\n", timedOut: false, exitCode: 0 });
    expect(fake.helperCmds).toHaveLength(0);
  });

  it("a kill that cannot finish gives up after EXEC_KILL_BUDGET_MS and says so", async () => {
    fake.helperHangs = true;
    const started = performance.now();
    const res = await engine.exec(ID, opts({ timeoutMs: 300 }), AbortSignal.timeout(60_000));
    const elapsed = performance.now() - started;
    expect(res).toMatchObject({ timedOut: true, killed: false, exitCode: null });
    expect(res.note).toMatch(/may still be running/);
    expect(elapsed).toBeGreaterThan(300);
    expect(elapsed).toBeLessThan(300 + EXEC_KILL_BUDGET_MS + 1500);
  }, 20_000);

  it("the caller's signal firing during the kill cuts it short: the call rejects within the grace", async () => {
    fake.helperHangs = true;
    const controller = new AbortController();
    const abortAt = 1000;
    setTimeout(() => controller.abort(new DOMException("deadline", "TimeoutError")), abortAt);
    const started = performance.now();
    const error = await engine.exec(ID, opts({ timeoutMs: 300 }), controller.signal).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(error).toMatchObject({
      code: "TIMEOUT",
      message: expect.stringMatching(/deadline.*Could not confirm the command was killed/),
    });
    expect(elapsed).toBeGreaterThan(abortAt);
    expect(elapsed).toBeLessThan(abortAt + KILL_GRACE_AFTER_ABORT_MS + 1000);
    expect(elapsed).toBeLessThan(300 + EXEC_KILL_BUDGET_MS);
  }, 20_000);

  it("a cancel gives the kill a short grace, and says whether the command was killed", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 500);
    const error = await engine.exec(ID, opts(), controller.signal).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "ABORTED",
      message: expect.stringMatching(/The command was killed\./),
    });
    expect(fake.running).toBe(false);
  });
});
