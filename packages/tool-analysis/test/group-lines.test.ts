import { describe, expect, it } from "vitest";
import { LineGrouper } from "../src/group-lines.js";
import { lineLevel, normalizeLine } from "../src/normalize-line.js";

describe("normalizeLine", () => {
  it.each([
    ["2026-11-25T12:00:00.123Z GET /users/42 200 12ms", "<time> GET /users/<num> <num> <num>ms"],
    ["connected to 10.0.3.7:5432 in 3.5s", "connected to <ip> in <num>s"],
    ["request 3f2b8c1e-1a2b-4c3d-9e8f-0123456789ab done", "request <uuid> done"],
    ["container 4f1c2d3e4a5b6c7d8e9f started", "container <hex> started"],
    ["request id=0001e240 done, commit 3fa9c1d", "request id=<hex> done, commit <hex>"],
    ["sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "sha<num>:<hex>"],
    ["pointer 0xdeadbeef freed", "pointer <hex> freed"],
    ["[12:01:02] worker 7 idle", "[<time>] worker <num> idle"],
    [
      '127.0.0.1 - - [25/Nov/2026:12:00:00 +0000] "GET / HTTP/1.1" 200 612',
      '<ip> - - [<time> +<num>] "GET / HTTP/<num>" <num> <num>',
    ],
    ["listening on [::1]:8080 and fe80::1", "listening on [<ip>]:<num> and <ip>"],
  ])("%s", (line, expected) => {
    expect(normalizeLine(line)).toBe(expected);
  });

  it("keeps words that merely contain hex letters", () => {
    expect(normalizeLine("database accepted a faced deadbeef")).toBe("database accepted a faced deadbeef");
  });

  it("cuts long lines before normalizing", () => {
    expect(normalizeLine("x".repeat(10_000)).length).toBe(512);
  });
});

describe("lineLevel", () => {
  it.each([
    ["ERROR db down", "error"],
    ['{"level":"warn","msg":"slow"}', "warn"],
    ["time=1 level=info msg=ok", "info"],
    ["[FATAL] out of disk", "fatal"],
    ["E1125 12:00:00.000 1 main.go:10] failed", "error"],
    ["TypeError: x is not a function", "error"],
    ["GET / 200", "unknown"],
    ["Debug: cache warm", "debug"],
  ])("%s -> %s", (line, level) => {
    expect(lineLevel(line)).toBe(level);
  });
});

describe("LineGrouper", () => {
  it("groups, counts, keeps first/last seen and puts errors first", () => {
    const g = new LineGrouper();
    for (let i = 0; i < 100; i++)
      g.add(`2026-11-25T12:00:${String(i % 60).padStart(2, "0")}Z GET /item/${i} 200`, "stdout", true);
    g.add("2026-11-25T12:01:00Z ERROR connect ECONNREFUSED 10.0.0.1:5432", "stderr", true);
    g.add("2026-11-25T12:01:05Z ERROR connect ECONNREFUSED 10.0.0.2:5432", "stderr", true);
    const top = g.top(10);
    expect(top[0]).toMatchObject({
      pattern: "ERROR connect ECONNREFUSED <ip>",
      count: 2,
      level: "error",
      first_seen: "2026-11-25T12:01:00Z",
      last_seen: "2026-11-25T12:01:05Z",
      sample: "ERROR connect ECONNREFUSED 10.0.0.1:5432",
      stream: "stderr",
    });
    expect(top[1]).toMatchObject({ pattern: "GET /item/<num> <num>", count: 100 });
    expect(g.lines).toBe(102);
    expect(g.firstSeen).toBe("2026-11-25T12:00:00Z");
  });

  it("shows each group masked before it is normalized, merging groups masking makes equal", () => {
    const secrets = ["Sup3r-Secret-alpha", "Sup3r-Secret-bravo"];
    const masked: boolean[] = [];
    const g = new LineGrouper(100, (text, cut) => {
      masked.push(cut);
      return secrets.reduce((t, s) => t.replaceAll(s, "[REDACTED]"), text);
    });
    g.add("login with Sup3r-Secret-alpha ok", "stdout", false);
    g.add("login with Sup3r-Secret-alpha ok", "stdout", false);
    g.add("login with Sup3r-Secret-bravo ok", "stdout", false, true);
    expect(masked).toEqual([false, true]);
    expect(g.top(10)).toEqual([
      {
        pattern: "login with [REDACTED] ok",
        count: 3,
        level: "unknown",
        sample: "login with [REDACTED] ok",
        stream: "stdout",
      },
    ]);
    expect(JSON.stringify(g.top(10))).not.toContain("Sup");
  });

  it("bounds the number of groups, counts what did not fit, and keeps room for errors", () => {
    const g = new LineGrouper(5);
    for (const w of ["alpha", "beta", "gamma", "delta", "epsilon"]) g.add(`${w} happened`, "stdout", false);
    expect(g.patternCount).toBe(4);
    expect(g.ungrouped).toBe(1);
    g.add("ERROR late failure", "stderr", false);
    g.add("ERROR another late failure", "stderr", false);
    expect(g.patternCount).toBe(5);
    expect(g.ungrouped).toBe(2);
    expect(g.top(1)[0]?.pattern).toBe("ERROR late failure");
  });
});
