import { docker, newRunId, removeFixtures, runFixture } from "@arktechnwa/docker-mcp-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine, type ExecOptions } from "../src/index.js";
import { deadline, requireDocker } from "./docker-setup.js";

const runId = newRunId();
const engine = createEngine();

function opts(cmd: string[], extra: Partial<ExecOptions> = {}): ExecOptions {
  return { cmd, maxOutputBytes: 64 * 1024, timeoutMs: 20_000, ...extra };
}

/** Processes in the container, as `ps -o pid,args` lines (via the CLI, independent of the engine). */
async function processes(id: string): Promise<string> {
  return docker(["exec", id, "ps", "-o", "pid,args"]);
}

describe("exec on a real daemon", () => {
  let box: string;
  beforeAll(async () => {
    await requireDocker();
    box = (await runFixture({ name: "exec-box", runId })).id;
  }, 120_000);
  afterAll(async () => {
    await removeFixtures(runId);
    await engine.close();
  }, 60_000);

  it("reports exit codes and keeps stderr apart from stdout", async () => {
    const ok = await engine.exec(box, opts(["sh", "-c", "echo out; echo err >&2; echo out2"]), deadline());
    expect(ok).toMatchObject({ exitCode: 0, stdout: "out\nout2\n", stderr: "err\n", timedOut: false });
    expect(ok.stdoutDroppedBytes).toBe(0);
    const three = await engine.exec(box, opts(["sh", "-c", "exit 3"]), deadline());
    expect(three.exitCode).toBe(3);
    const missing = await engine.exec(box, opts(["no-such-command"]), deadline());
    expect(missing.exitCode).toBe(127);
    expect(missing.stderr).toMatch(/not found/);
    expect(missing.stdout).toBe("");
  });

  it("passes env, workdir and user", async () => {
    const res = await engine.exec(
      box,
      opts(["sh", "-c", 'echo "$FOO"; pwd; id -u'], { env: ["FOO=bar baz"], workdir: "/bin", user: "1234" }),
      deadline(),
    );
    expect(res).toMatchObject({ exitCode: 0, stdout: "bar baz\n/bin\n1234\n" });
    // A bad workdir fails in the runtime: reported, not mistaken for a missing shell.
    const bad = await engine.exec(box, opts(["true"], { workdir: "/nonexistent" }), deadline());
    expect(bad.exitCode).toBe(126);
    expect(bad.stdout + bad.stderr).toMatch(/chdir|no such file/);
    const timed = await engine.exec(box, opts(["sleep", "305"], { timeoutMs: 500 }), deadline());
    expect(timed).toMatchObject({ timedOut: true, killed: true });
    expect(timed.note).toBeUndefined();
  });

  it("runs exactly the argv it was given: a leading '-' is not an option of the PID wrapper", async () => {
    // Through `sh -c '...; exec "$@"'` this would be `exec -a x echo pwned`, which runs echo.
    const res = await engine.exec(box, opts(["-a", "x", "echo", "pwned"]), deadline());
    // The runtime's own error ("exec: "-a": executable file not found") is all there is.
    expect(res.stdout + res.stderr).not.toContain("pwned");
    expect(res.stdout + res.stderr).toMatch(/"-a".*not found/);
    expect(res.exitCode).not.toBe(0);
    const dashes = await engine.exec(box, opts(["--", "echo", "pwned"]), deadline());
    expect(dashes.stdout + dashes.stderr).not.toContain("pwned");
    expect(dashes.exitCode).not.toBe(0);
  });

  it("caps each stream, counts the rest and lets the command finish", async () => {
    const res = await engine.exec(
      box,
      opts(["sh", "-c", "yes abcdefghi | head -c 1000000; yes E | head -c 5000 >&2"], {
        maxOutputBytes: 1000,
      }),
      deadline(),
    );
    expect(res.exitCode).toBe(0);
    expect(res.stdout).toHaveLength(1000);
    expect(res.stdoutDroppedBytes).toBe(999_000);
    expect(res.stderr).toHaveLength(1000);
    expect(res.stderrDroppedBytes).toBe(4000);
  });

  it("binary output, output without newline and multibyte text across frames never break", async () => {
    const binary = await engine.exec(box, opts(["head", "-c", "100000", "/dev/urandom"]), deadline());
    expect(binary.exitCode).toBe(0);
    expect(typeof binary.stdout).toBe("string");
    expect(binary.stdoutDroppedBytes).toBe(100_000 - 64 * 1024);
    const plain = await engine.exec(box, opts(["printf", "abc"]), deadline());
    expect(plain.stdout).toBe("abc");
    const utf = await engine.exec(
      box,
      opts(["sh", "-c", "yes 'é日🎉' | head -c 200000"], { maxOutputBytes: 100_001 }),
      deadline(),
    );
    expect(utf.stdout).not.toContain("\ufffd");
    expect(utf.stdout.startsWith("é日🎉\né日🎉\n")).toBe(true);
    expect(Buffer.byteLength(utf.stdout)).toBeLessThanOrEqual(100_001);
  });

  it("a `sleep 300` that times out is killed and gone from the container", async () => {
    const started = performance.now();
    const res = await engine.exec(box, opts(["sleep", "300"], { timeoutMs: 2000 }), deadline());
    const elapsed = performance.now() - started;
    console.log(`[exec timeout 2000 ms] returned after ${elapsed.toFixed(0)} ms, killed=${res.killed}`);
    expect(res).toMatchObject({ timedOut: true, killed: true });
    expect(res.exitCode).toBe(137);
    // 2 s of timeout plus the kill (~0.3 s); an unkilled sleep would run until the 20 s deadline.
    expect(elapsed).toBeLessThan(8000);
    expect(await processes(box)).not.toMatch(/sleep 300/);
  }, 20_000);

  it("a command that closes its output and keeps running is still timed out and killed", async () => {
    // dockerd 20.10 keeps the stream open until the process exits; daemons that end it at EOF are
    // covered by test/exec-deadline.test.ts.
    const started = performance.now();
    const res = await engine.exec(
      box,
      opts(["sh", "-c", "exec >&- 2>&-; sleep 306"], { timeoutMs: 2000 }),
      deadline(),
    );
    expect(res).toMatchObject({ timedOut: true, killed: true, exitCode: 137 });
    expect(res.note).toBeUndefined();
    expect(performance.now() - started).toBeGreaterThanOrEqual(1900);
    expect(await processes(box)).not.toMatch(/sleep 306/);
  }, 20_000);

  it("a timeout kills the children of the command too", async () => {
    const res = await engine.exec(
      box,
      opts(["sh", "-c", "sleep 301 & sleep 302 & wait"], { timeoutMs: 1000 }),
      deadline(),
    );
    expect(res).toMatchObject({ timedOut: true, killed: true });
    const ps = await processes(box);
    expect(ps).not.toMatch(/sleep 301/);
    expect(ps).not.toMatch(/sleep 302/);
  }, 20_000);

  it("a cancelled exec kills the process and rejects with ABORTED", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1000);
    const started = performance.now();
    const error = await engine.exec(box, opts(["sleep", "303"]), controller.signal).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "ABORTED",
      message: expect.stringMatching(/cancelled.*The command was killed\./),
    });
    expect(performance.now() - started).toBeLessThan(3000);
    expect(await processes(box)).not.toMatch(/sleep 303/);
  }, 20_000);

  it("works in an image without sh, and still kills on timeout (host PID fallback)", async () => {
    const { id } = await runFixture({ name: "exec-nosh", runId });
    await docker(["exec", id, "rm", "/bin/sh"]);
    const res = await engine.exec(id, opts(["echo", "hi"]), deadline());
    expect(res).toMatchObject({ exitCode: 0, stdout: "hi\n" });
    const timed = await engine.exec(id, opts(["sleep", "304"], { timeoutMs: 1000 }), deadline());
    expect(timed).toMatchObject({ timedOut: true, killed: true });
    expect(await processes(id)).not.toMatch(/sleep 304/);
  }, 20_000);

  it("exec in a TTY container is still demultiplexed", async () => {
    const { id } = await runFixture({ name: "exec-tty", runId, tty: true });
    const res = await engine.exec(id, opts(["sh", "-c", "echo a; echo b >&2"]), deadline());
    expect(res).toMatchObject({ stdout: "a\n", stderr: "b\n", exitCode: 0 });
  });

  it("a stopped container is CONFLICT", async () => {
    const { id } = await runFixture({ name: "exec-stopped", runId, start: false });
    await expect(engine.exec(id, opts(["true"]), deadline())).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/not running.*Start/),
    });
  });
});
