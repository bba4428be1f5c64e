import { docker, newRunId, removeFixtures, runFixture, waitFor } from "@arktechnwa/docker-mcp-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine, GREP_MAX_LINE_CHARS, parseTime } from "../src/index.js";
import { deadline, requireDocker } from "./docker-setup.js";

const runId = newRunId();
const engine = createEngine();

async function waitExited(id: string): Promise<void> {
  await waitFor(
    "container to exit",
    async () => (await docker(["inspect", "--format", "{{.State.Status}}", id])) === "exited",
    {
      timeoutMs: 120_000,
      intervalMs: 200,
    },
  );
}

describe("readLogs on a real daemon", () => {
  let mixed: string;
  beforeAll(async () => {
    await requireDocker();
    mixed = (
      await runFixture({
        name: "logs-mixed",
        runId,
        script:
          "for i in 1 2 3 4 5; do echo out$i; echo err$i >&2; done; " +
          "printf '\\033[31mred\\033[0m \\342\\200\\256evil\\342\\200\\254 \\342\\200\\213zw\\n'; " +
          "printf 'bad \\377\\376 bytes\\n'; printf 'caf\\303\\251 \\346\\227\\245\\346\\234\\254\\n'; printf 'partial'",
      })
    ).id;
    // A partial line reaches the log only when the stream closes, so let the container exit.
    await waitExited(mixed);
  }, 120_000);
  afterAll(async () => {
    await removeFixtures(runId);
    await engine.close();
  }, 60_000);

  it("demultiplexes stdout and stderr, keeps the partial last line, decodes, and returns text as written", async () => {
    const res = await engine.readLogs(mixed, false, { maxBytes: 100_000 }, deadline());
    expect(res.truncated).toBe(false);
    expect(res.bytesRead).toBeGreaterThan(0);
    const out = res.lines.filter((l) => l.stream === "stdout").map((l) => l.text);
    const err = res.lines.filter((l) => l.stream === "stderr").map((l) => l.text);
    expect(out.slice(0, 5)).toEqual(["out1", "out2", "out3", "out4", "out5"]);
    expect(err).toEqual(["err1", "err2", "err3", "err4", "err5"]);
    // Without a normalizer the engine changes nothing but the decoding.
    expect(out).toContain("\u001b[31mred\u001b[0m \u202eevil\u202c \u200bzw");
    expect(out).toContain("bad \ufffd\ufffd bytes");
    expect(out).toContain("café 日本");
    expect(out[out.length - 1]).toBe("partial");
  });

  it("passes tail to the daemon and keeps the newest lines", async () => {
    // stdout and stderr are copied to the log by separate goroutines: only the count and the very
    // last line are deterministic.
    const res = await engine.readLogs(mixed, false, { maxBytes: 100_000, tail: 2 }, deadline());
    expect(res.lines).toHaveLength(2);
    expect(res.lines[1]?.text).toBe("partial");
    const small = await engine.readLogs(mixed, false, { maxBytes: 12, tail: 100 }, deadline());
    expect(small.truncated).toBe(true);
    expect(small.lines.map((l) => l.text)).toEqual(["partial"]);
  });

  it("greps while streaming (substring and regex)", async () => {
    const sub = await engine.readLogs(mixed, false, { maxBytes: 100_000, grep: "err" }, deadline());
    expect(sub.lines.map((l) => l.text)).toEqual(["err1", "err2", "err3", "err4", "err5"]);
    const re = await engine.readLogs(mixed, false, { maxBytes: 100_000, grepRegex: /^out[24]$/ }, deadline());
    expect(re.lines.map((l) => l.text)).toEqual(["out2", "out4"]);
    // grep runs on normalized lines, so escapes and invisible characters cannot hide a line from it.
    expect(
      (await engine.readLogs(mixed, false, { maxBytes: 100_000, grep: "red evil zw" }, deadline())).lines,
    ).toHaveLength(0);
    const normalizeLine = (line: string) =>
      line.replace(/\u001b\[[0-9;]*m|[\u200b-\u200f\u202a-\u202e]/g, "");
    const evil = await engine.readLogs(
      mixed,
      false,
      { maxBytes: 100_000, grep: "red evil zw", normalizeLine },
      deadline(),
    );
    expect(evil.lines.map((l) => l.text)).toEqual(["red evil zw"]);
  });

  it("grepRegex takes any { test } matcher, gives it at most 64 KiB of a line and never touches lastIndex", async () => {
    const { id } = await runFixture({
      name: "logs-long",
      runId,
      script: "head -c 200000 /dev/zero | tr '\\0' x; echo; echo short; echo xshort",
    });
    await waitExited(id);
    const seen: number[] = [];
    // Frozen: assigning lastIndex (or anything) to it would throw.
    const matcher = Object.freeze({
      test(line: string): boolean {
        seen.push(line.length);
        return line.startsWith("x");
      },
    });
    const res = await engine.readLogs(id, false, { maxBytes: 300_000, grepRegex: matcher }, deadline());
    expect(seen).toEqual([GREP_MAX_LINE_CHARS, 5, 6]);
    // The matcher decides on the first 64 KiB; the kept line is whole.
    expect(res.lines.map((l) => l.text.length)).toEqual([200_000, 6]);
  });

  it("timestamps, since and until", async () => {
    const { id } = await runFixture({
      name: "logs-time",
      runId,
      script: "echo early; sleep 2; echo late; sleep 3600",
    });
    await waitFor("late line", async () => (await docker(["logs", id])).includes("late"), {
      timeoutMs: 20_000,
    });
    const stamped = await engine.readLogs(id, false, { maxBytes: 10_000, timestamps: true }, deadline());
    expect(stamped.lines).toHaveLength(2);
    const [early, late] = stamped.lines.map((l) => l.text);
    expect(early).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d+Z early$/);
    const earlyAt = parseTime(early!.split(" ")[0]!, Date.now());
    const lateAt = parseTime(late!.split(" ")[0]!, Date.now());
    expect(lateAt - earlyAt).toBeGreaterThan(1.5);
    const middle = (earlyAt + lateAt) / 2;
    const since = await engine.readLogs(id, false, { maxBytes: 10_000, since: middle }, deadline());
    expect(since.lines.map((l) => l.text)).toEqual(["late"]);
    const until = await engine.readLogs(id, false, { maxBytes: 10_000, until: middle }, deadline());
    expect(until.lines.map((l) => l.text)).toEqual(["early"]);
    const relative = await engine.readLogs(
      id,
      false,
      { maxBytes: 10_000, since: parseTime("1h", Date.now()) },
      deadline(),
    );
    expect(relative.lines).toHaveLength(2);
  }, 30_000);

  it("reads a TTY container's raw log", async () => {
    const { id } = await runFixture({
      name: "logs-tty",
      runId,
      tty: true,
      script: "echo one; echo two >&2; printf 'three'",
    });
    await waitExited(id);
    const res = await engine.readLogs(id, true, { maxBytes: 10_000 }, deadline());
    expect(res.lines).toEqual([
      { stream: "stdout", text: "one" },
      { stream: "stdout", text: "two" },
      { stream: "stdout", text: "three" },
    ]);
  }, 30_000);

  it("stops at maxBytes on a 50 MB log without holding it in memory", async () => {
    const size = 50 * 1024 * 1024;
    const { id } = await runFixture({
      name: "logs-big",
      runId,
      script: `yes 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' | head -c ${size}; echo; echo END`,
    });
    await waitExited(id);
    const before = process.memoryUsage().rss;
    const started = performance.now();
    const res = await engine.readLogs(id, false, { maxBytes: 64 * 1024 }, deadline(60_000));
    const elapsed = performance.now() - started;
    const growth = process.memoryUsage().rss - before;
    console.log(
      `[logs 50MB, maxBytes 64KiB] ${elapsed.toFixed(0)} ms, bytesRead ${res.bytesRead}, ` +
        `kept ${res.lines.length} lines, rss growth ${(growth / 1048576).toFixed(1)} MiB`,
    );
    expect(res.truncated).toBe(true);
    const kept = res.lines.reduce((n, l) => n + Buffer.byteLength(l.text) + 1, 0);
    expect(kept).toBeLessThanOrEqual(64 * 1024);
    expect(kept).toBeGreaterThan(60 * 1024);
    expect(res.bytesRead).toBeLessThan(size / 4);
    expect(growth).toBeLessThan(20 * 1024 * 1024);

    // tail: the daemon seeks from the end (cheap even for 50 MB); the newest lines within the budget win.
    const tail = await engine.readLogs(id, false, { maxBytes: 64 * 1024, tail: 5000 }, deadline(60_000));
    expect(tail.truncated).toBe(true);
    expect(tail.bytesRead).toBeLessThan(size / 20);
    expect(tail.lines[tail.lines.length - 1]?.text).toBe("END");
    expect(tail.lines.reduce((n, l) => n + Buffer.byteLength(l.text) + 1, 0)).toBeLessThanOrEqual(64 * 1024);

    // grep: only matching lines count toward the budget, reading continues past non-matching ones.
    const grep = await engine.readLogs(
      id,
      false,
      { maxBytes: 64 * 1024, tail: 5000, grep: "END" },
      deadline(60_000),
    );
    expect(grep.lines.map((l) => l.text)).toEqual(["END"]);
    expect(grep.truncated).toBe(false);
  }, 240_000);
});
