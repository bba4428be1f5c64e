import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { followStopText, followWindow, LineFollower } from "../src/index.js";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function follower(options: Partial<ConstructorParameters<typeof LineFollower>[0]> = {}) {
  const sent: string[] = [];
  const f = new LineFollower({
    durationMs: 10_000,
    maxBytes: 1_000_000,
    progress: (message) => sent.push(message),
    now: () => Date.now(),
    ...options,
  });
  return { f, sent };
}

describe("LineFollower", () => {
  it("keeps exactly the newest lines within the cap, with stream, source, time and any text, across many lines", () => {
    const maxBytes = 5_000;
    const { f } = follower({ maxBytes });
    const all: { stream: "stdout" | "stderr"; text: string; source?: string; time?: string }[] = [];
    for (let i = 0; i < 20_000; i++) {
      const line = {
        stream: i % 3 === 0 ? ("stderr" as const) : ("stdout" as const),
        // Empty, short, multibyte and long lines (longer than the cap once in a while).
        text: i % 997 === 0 ? "é".repeat(3_000) : i % 7 === 0 ? "" : `línea ${i} ✓ ${"x".repeat(i % 50)}`,
        ...(i % 2 === 0 ? { source: `svc-${i % 5}` } : {}),
        ...(i % 4 === 0 ? { time: `2026-01-01T00:00:${String(i % 60).padStart(2, "0")}.123456789Z` } : {}),
      };
      all.push(line);
      f.add(line);
    }
    const summary = f.finish();
    // What the cap keeps: the newest lines whose sizes (text with its source, and a newline) fit.
    const size = (l: (typeof all)[number]) =>
      Buffer.byteLength(l.source ? `${l.source} | ${l.text}` : l.text) + 1;
    let bytes = 0;
    let from = all.length;
    while (from > 0 && bytes + size(all[from - 1] as (typeof all)[number]) <= maxBytes) {
      bytes += size(all[from - 1] as (typeof all)[number]);
      from--;
    }
    expect(summary.lines).toEqual(all.slice(from));
    expect(summary.dropped).toBe(from);
    expect(summary.seen).toBe(all.length);
  });

  it("sends the lines as progress in chunks every flush, with their source, and keeps them for the answer", () => {
    const { f, sent } = follower();
    f.add({ stream: "stdout", text: "one", source: "web" });
    f.add({ stream: "stderr", text: "two", source: "db" });
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(250);
    expect(sent).toEqual(["web | one\ndb | two"]);
    f.add({ stream: "stdout", text: "three" });
    vi.advanceTimersByTime(250);
    expect(sent).toEqual(["web | one\ndb | two", "three"]);
    // Nothing new: no empty message.
    vi.advanceTimersByTime(1_000);
    expect(sent).toHaveLength(2);
    const summary = f.finish();
    expect(summary.lines.map((l) => l.text)).toEqual(["one", "two", "three"]);
    expect(summary.seen).toBe(3);
  });

  it("ends after its duration and then refuses more lines", () => {
    const { f } = follower({ durationMs: 2_000 });
    expect(f.add({ stream: "stdout", text: "a" })).toBe(true);
    vi.advanceTimersByTime(2_000);
    expect(f.reason).toBe("duration");
    expect(f.stop.aborted).toBe(true);
    expect(f.add({ stream: "stdout", text: "late" })).toBe(false);
    expect(f.finish().lines.map((l) => l.text)).toEqual(["a"]);
  });

  it("ends at max_lines: the line that reaches it is kept, the reader is told to stop", () => {
    const { f } = follower({ maxLines: 2 });
    expect(f.add({ stream: "stdout", text: "a" })).toBe(true);
    expect(f.add({ stream: "stdout", text: "b" })).toBe(false);
    expect(f.reason).toBe("max_lines");
    expect(f.finish().seen).toBe(2);
  });

  it("keeps the newest lines within maxBytes and counts the dropped ones", () => {
    const { f } = follower({ maxBytes: 10 });
    for (const text of ["1111", "2222", "3333"]) f.add({ stream: "stdout", text });
    const summary = f.finish();
    expect(summary.lines.map((l) => l.text)).toEqual(["2222", "3333"]);
    expect(summary.dropped).toBe(1);
  });

  it("a chunk holds at most maxProgressChars; the rest is counted and waits for the answer", () => {
    const { f, sent } = follower({ maxProgressChars: 12 });
    for (const text of ["aaaaa", "bbbbb", "ccccc"]) f.add({ stream: "stdout", text });
    vi.advanceTimersByTime(250);
    expect(sent).toEqual(["aaaaa\nbbbbb\n(+1 more line in the final answer)"]);
    expect(f.finish().notSent).toBe(1);
  });

  it("end() stops both timers: a follow cut short by a cancel (no finish) leaves nothing running", () => {
    const { f, sent } = follower();
    expect(vi.getTimerCount()).toBe(2);
    f.add({ stream: "stdout", text: "pending" });
    f.end("deadline_margin");
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(60_000);
    expect(sent).toEqual([]);
    // finish() still sends what was pending.
    f.finish();
    expect(sent).toEqual(["pending"]);
  });
});

describe("followWindow and followStopText", () => {
  it("caps the duration at the call's deadline minus the margin and says so", () => {
    const now = 1_000_000;
    const window = followWindow({ deadline: now + 30_000 }, 60, 10, now);
    expect(window).toEqual({ durationMs: 27_000, capped: true, maxSeconds: 27 });
    expect(followStopText("duration", window)).toMatch(/the most this call allows/);
    expect(followWindow({ deadline: now + 30_000 }, undefined, 10, now).durationMs).toBe(10_000);
  });

  it("says whether one container or all of several stopped", () => {
    const window = { durationMs: 10_000, capped: false, maxSeconds: 27 };
    expect(followStopText("container_stopped", window)).toBe("the container stopped, so its log ended");
    expect(followStopText("container_stopped", window, undefined, 3)).toBe(
      "all 3 containers stopped, so their logs ended",
    );
    expect(followStopText("container_stopped", window, undefined, 0)).toBe("no container to follow");
  });
});
