import { describe, expect, it } from "vitest";
import { formatUptime, StartTimes, uptimeRange } from "../src/uptime.js";

const H = 3_600_000;
const D = 24 * H;

describe("formatUptime", () => {
  it.each([
    [3 * D + 12 * H, "3d 12h"],
    [3 * D + 30_000, "3d"],
    [5 * H + 3 * 60_000 + 9_000, "5h 3m"],
    [12 * 60_000 + 5_000, "12m 5s"],
    [45_000, "45s"],
    [400, "0s"],
    [-5, "0s"],
  ])("%d ms is %s", (ms, text) => {
    expect(formatUptime(ms)).toBe(text);
  });
});

describe("uptimeRange", () => {
  it.each([
    ["Up Less than a second", 0, 999],
    ["Up 1 second", 1000, 1999],
    ["Up 42 seconds", 42_000, 42_999],
    ["Up About a minute", 60_000, 119_999],
    ["Up 7 minutes", 7 * 60_000, 8 * 60_000 - 1],
    ["Up About an hour (healthy)", H, 1.5 * H - 1],
    ["Up 12 hours", 11.5 * H, 12.5 * H - 1],
    ["Up 3 days (unhealthy)", 3 * D, 4 * D - 1],
    ["Up 2 weeks (Paused)", 14 * D, 21 * D - 1],
  ])("%s holds %d..%d ms", (status, lo, hi) => {
    const range = uptimeRange(status);
    expect(range).toBeDefined();
    const [min, max] = range as [number, number];
    expect(min).toBeLessThanOrEqual(lo);
    expect(max).toBeGreaterThan(hi);
  });

  it("knows nothing of stopped containers", () => {
    expect(uptimeRange("Exited (0) 3 hours ago")).toBeUndefined();
    expect(uptimeRange("Created")).toBeUndefined();
  });
});

describe("StartTimes", () => {
  const signal = new AbortController().signal;

  it("inspects a container once per start, and again after a restart", async () => {
    let now = 10 * D;
    let startedAt = now - (3 * D + 12 * H);
    const inspected: string[] = [];
    const inspect = async (id: string) => {
      inspected.push(id);
      return { State: { StartedAt: new Date(startedAt).toISOString() } };
    };
    const times = new StartTimes();
    const rows = [{ id: "a", state: "running", status: "Up 3 days" }];
    expect((await times.uptimes(rows, inspect, signal, () => now)).get("a")).toBe("3d 12h");
    now += H;
    expect((await times.uptimes(rows, inspect, signal, () => now)).get("a")).toBe("3d 13h");
    expect(inspected).toEqual(["a"]);
    // Restarted: the listing now says seconds, the cache says days; it is inspected again.
    startedAt = now - 5_000;
    const restarted = [{ id: "a", state: "running", status: "Up 5 seconds" }];
    expect((await times.uptimes(restarted, inspect, signal, () => now)).get("a")).toBe("5s");
    expect(inspected).toEqual(["a", "a"]);
  });

  it("starts no inspect past its time budget: the rest keep the status text until a later call", async () => {
    let now = 10 * D;
    const inspected: string[] = [];
    const times = new StartTimes(100);
    const rows = ["a", "b", "c", "d", "e", "f"].map((id) => ({ id, state: "running", status: "Up 2 hours" }));
    const inspect = async (id: string) => {
      inspected.push(id);
      await Promise.resolve();
      now += 60; // each inspect takes 60 ms
      return { State: { StartedAt: new Date(now - 2 * H).toISOString() } };
    };
    const first = await times.uptimes(rows, inspect, signal, () => now);
    // Two inspects (at 0 and 60 ms) start within the 100 ms budget; then it is spent.
    expect(inspected).toEqual(["a", "b"]);
    expect(first.size).toBe(2);
    const second = await times.uptimes(rows, inspect, signal, () => now);
    expect(second.size).toBe(4);
    const third = await times.uptimes(rows, inspect, signal, () => now);
    expect(third.size).toBe(6);
    expect(inspected).toEqual(["a", "b", "c", "d", "e", "f"]);
  });

  it("stopped containers have no uptime and cost no inspect; a failed inspect leaves the row out", async () => {
    const inspected: string[] = [];
    const times = new StartTimes();
    const out = await times.uptimes(
      [
        { id: "x", state: "exited", status: "Exited (0) 3 hours ago" },
        { id: "gone", state: "running", status: "Up 2 hours" },
      ],
      async (id) => {
        inspected.push(id);
        throw new Error("No such container");
      },
      signal,
    );
    expect(inspected).toEqual(["gone"]);
    expect(out.size).toBe(0);
  });
});
