import { execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { groupAlive, ProcessRegistry, runProcess, SpawnError, WATCHDOG_NAME } from "../src/index.js";

/** Live processes of a group, straight from ps (so the test does not trust the code it tests). */
function groupMembers(pgid: number): string[] {
  const out = execFileSync("ps", ["-e", "-o", "pgid=,pid=,stat=,args="], { encoding: "utf8" });
  return (
    out
      .split("\n")
      .map((l) => l.trim().split(/\s+/))
      // A zombie (Z) has ended and only waits to be reaped: nothing of it runs.
      .filter((f) => f[0] === String(pgid) && !f[2]?.startsWith("Z"))
      .map((f) => f.join(" "))
  );
}

describe("runProcess", () => {
  it("runs argv without a shell and returns exit code, output and lines as they come", async () => {
    const lines: string[] = [];
    const result = await runProcess({
      argv: ["sh", "-c", 'echo "one $0"; echo two >&2; printf "a\\rb\\n" >&2; exit 3', "$HOME;x"],
      onStderrLine: (line) => lines.push(line),
      registry: new ProcessRegistry(),
    });
    expect(result.exitCode).toBe(3);
    // "$HOME;x" reached the program as one literal argument: nothing expanded it.
    expect(result.stdout).toBe("one $HOME;x\n");
    expect(result.stderr).toBe("two\na\rb\n");
    expect(lines).toEqual(["two", "a", "b"]);
    expect(result.killed).toBeUndefined();
    expect(result.groupGone).toBe(true);
  });

  it("says what to install when the program is missing", async () => {
    const error = await runProcess({ argv: ["docker-mcp-no-such-program"] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpawnError);
    expect((error as SpawnError).code).toBe("ENOENT");
    expect((error as Error).message).toMatch(/not installed/);
  });

  it("kills the whole group at its deadline, helpers included", async () => {
    const t0 = Date.now();
    const result = await runProcess({
      argv: ["sh", "-c", "sleep 100 & sleep 100 & wait"],
      timeoutMs: 300,
      killGraceMs: 500,
    });
    expect(result.killed).toBe("timeout");
    expect(result.groupGone).toBe(true);
    expect(groupAlive(result.pid)).toBe(false);
    expect(groupMembers(result.pid)).toEqual([]);
    expect(Date.now() - t0).toBeLessThan(2_000);
  });

  it("follows TERM with KILL when the group ignores TERM", async () => {
    const t0 = Date.now();
    const result = await runProcess({
      argv: ["sh", "-c", "trap '' TERM; sleep 100 & sleep 100 & wait; wait"],
      timeoutMs: 200,
      killGraceMs: 400,
    });
    expect(result.killed).toBe("timeout");
    expect(result.exitSignal).toBe("SIGKILL");
    expect(result.groupGone).toBe(true);
    expect(groupMembers(result.pid)).toEqual([]);
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(550);
    expect(took).toBeLessThan(2_500);
  });

  it("kills the group when the caller's signal fires", async () => {
    const controller = new AbortController();
    const registry = new ProcessRegistry();
    const running = runProcess({
      argv: ["sh", "-c", "sleep 100 & wait"],
      signal: controller.signal,
      registry,
    });
    await new Promise((r) => setTimeout(r, 150));
    expect(registry.list().map((p) => p.argv[0])).toEqual(["sh"]);
    controller.abort();
    const result = await running;
    expect(result.killed).toBe("aborted");
    expect(result.groupGone).toBe(true);
    expect(groupMembers(result.pid)).toEqual([]);
    expect(registry.size).toBe(0);
  });

  it("ends helpers a program left behind when it exits on its own", async () => {
    const t0 = Date.now();
    const result = await runProcess({ argv: ["sh", "-c", "sleep 100 & echo started"] });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe("started\n");
    expect(result.killed).toBeUndefined();
    expect(result.groupGone).toBe(true);
    expect(groupMembers(result.pid)).toEqual([]);
    expect(Date.now() - t0).toBeLessThan(3_000);
  });

  it("keeps at most maxOutputBytes per stream and counts the rest", async () => {
    const result = await runProcess({
      argv: ["sh", "-c", "i=0; while [ $i -lt 100 ]; do echo 0123456789; i=$((i+1)); done"],
      maxOutputBytes: 25,
    });
    expect(result.stdout).toBe("0123456789\n0123456789\n012");
    expect(result.stdoutDroppedBytes).toBe(1100 - 25);
  });

  it("killAll ends every registered group", async () => {
    const registry = new ProcessRegistry();
    const runs = [1, 2].map(() => runProcess({ argv: ["sh", "-c", "sleep 100 & wait"], registry }));
    await new Promise((r) => setTimeout(r, 150));
    expect(registry.size).toBe(2);
    await registry.killAll("test", 500);
    const results = await Promise.all(runs);
    for (const r of results) expect(groupMembers(r.pid)).toEqual([]);
    expect(registry.size).toBe(0);
  });

  it("leaves nothing behind when the Node process exits while a child runs", async () => {
    const script = fileURLToPath(new URL("./fixtures/exit-while-running.mjs", import.meta.url));
    const dist = fileURLToPath(new URL("../dist/index.js", import.meta.url));
    const child = spawn(process.execPath, [script, dist], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    const code = await new Promise<number | null>((r) => child.on("close", r));
    expect(code).toBe(0);
    const pgid = Number(out.trim());
    expect(pgid).toBeGreaterThan(1);
    // The exit hook sent KILL synchronously; give the kernel a moment to reap.
    await new Promise((r) => setTimeout(r, 200));
    expect(groupMembers(pgid)).toEqual([]);
  });

  it("leaves nothing behind when the Node process is killed with SIGKILL (its watchdog kills the groups)", async () => {
    const script = fileURLToPath(new URL("./fixtures/killed-while-running.mjs", import.meta.url));
    const dist = fileURLToPath(new URL("../dist/index.js", import.meta.url));
    const child = spawn(process.execPath, [script, dist], { stdio: ["ignore", "pipe", "inherit"] });
    const closed = new Promise<NodeJS.Signals | null>((r) => child.on("close", (_code, signal) => r(signal)));
    let out = "";
    await new Promise<void>((resolve) =>
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
        if (out.includes("\n")) resolve();
      }),
    );
    const pgid = Number(out.trim());
    expect(pgid).toBeGreaterThan(1);
    expect(groupMembers(pgid).length).toBeGreaterThanOrEqual(3);
    const watchdogs = () =>
      readdirSync("/proc")
        .filter((name) => /^\d+$/.test(name))
        .filter((name) => {
          try {
            return readFileSync(`/proc/${name}/cmdline`, "utf8").includes(WATCHDOG_NAME);
          } catch {
            return false;
          }
        })
        .map(Number);
    const ours = watchdogs().filter((pid) => {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === child.pid;
    });
    expect(ours).toHaveLength(1);
    child.kill("SIGKILL");
    expect(await closed).toBe("SIGKILL");
    const t0 = Date.now();
    while (groupMembers(pgid).length > 0 && Date.now() - t0 < 2_000)
      await new Promise((r) => setTimeout(r, 20));
    expect(groupMembers(pgid)).toEqual([]);
    // The watchdog ended too.
    while (watchdogs().includes(ours[0] as number) && Date.now() - t0 < 2_000)
      await new Promise((r) => setTimeout(r, 20));
    expect(watchdogs()).not.toContain(ours[0]);
  });
});
