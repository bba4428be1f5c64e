import { describe, expect, it } from "vitest";
import { CpuHistory } from "../src/cpu-history.js";

const reading = (readAtMs: number, total = 1) => ({ cpu: { cpu_usage: { total_usage: total } }, readAtMs });

describe("CpuHistory", () => {
  it("offers a reading only inside [minWindow, maxAge] before the new frame", () => {
    const h = new CpuHistory(10_000, 500);
    h.remember("a", reading(1_000));
    expect(h.before("a", 1_200)).toBeUndefined();
    expect(h.before("a", 1_500)?.readAtMs).toBe(1_000);
    expect(h.before("a", 11_000)?.readAtMs).toBe(1_000);
    expect(h.before("a", 11_001)).toBeUndefined();
    expect(h.before("b", 2_000)).toBeUndefined();
    expect(h.before("a", Number.NaN)).toBeUndefined();
  });

  it("forgets a container and prunes stale readings", () => {
    const h = new CpuHistory(10_000);
    h.remember("a", reading(0));
    h.remember("b", reading(5_000));
    h.forget("b");
    expect(h.size).toBe(1);
    h.prune(20_000);
    expect(h.size).toBe(0);
  });
});
