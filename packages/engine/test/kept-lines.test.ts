import { describe, expect, it } from "vitest";
import { KeptLines } from "../src/kept-lines.js";

describe("KeptLines", () => {
  it("head mode keeps the first lines and cuts the one that overflows", () => {
    const kept = new KeptLines(12, "head");
    expect(kept.add({ stream: "stdout", text: "aaaa" })).toBe(true); // 5 bytes
    expect(kept.add({ stream: "stdout", text: "bbbb" })).toBe(true); // 10
    expect(kept.add({ stream: "stderr", text: "cccc" })).toBe(false); // would be 15: cut to 1 char
    expect(kept.lines()).toEqual([
      { stream: "stdout", text: "aaaa" },
      { stream: "stdout", text: "bbbb" },
      { stream: "stderr", text: "c" },
    ]);
    expect(kept.truncated).toBe(true);
  });

  it("tail mode keeps the newest lines within the budget over a long stream", () => {
    const kept = new KeptLines(100, "tail");
    for (let i = 0; i < 100_000; i++) kept.add({ stream: "stdout", text: `line ${i}` });
    const lines = kept.lines().map((l) => l.text);
    expect(lines[lines.length - 1]).toBe("line 99999");
    expect(lines.reduce((n, t) => n + t.length + 1, 0)).toBeLessThanOrEqual(100);
    expect(kept.truncated).toBe(true);
  });

  it("tail mode with a line larger than the budget keeps its beginning", () => {
    const kept = new KeptLines(10, "tail");
    kept.add({ stream: "stdout", text: "x".repeat(50) });
    expect(kept.lines()).toEqual([{ stream: "stdout", text: "x".repeat(9) }]);
  });

  it("nothing truncated when everything fits", () => {
    const kept = new KeptLines(100, "tail");
    kept.add({ stream: "stdout", text: "a" });
    expect(kept.truncated).toBe(false);
  });
});
