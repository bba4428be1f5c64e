import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createEngine, type DockerEngine, type ExecOptions } from "../src/index.js";
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
});
