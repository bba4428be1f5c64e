import { describe, expect, it } from "vitest";
import { LocalCpu, systemUsageNs } from "../src/local-cpu.js";

describe("LocalCpu", () => {
  it("counts the host's CPU time as the daemon does: the first seven fields of /proc/stat's cpu line", () => {
    const stat = "cpu  100 1 50 1000 4 0 3 7 0 0\ncpu0 50 0 25 500 2 0 1 3 0 0\n";
    // (100 + 1 + 50 + 1000 + 4 + 0 + 3) ticks of 10 ms; steal and guest are not counted.
    expect(systemUsageNs(stat)).toBe(1158 * 10_000_000);
    expect(systemUsageNs("intr 1 2 3\n")).toBeUndefined();
    expect(systemUsageNs("cpu 1 2\n")).toBeUndefined();
  });

  it("finds no counter for a container that is not on this machine, and never reads a path built from other text", async () => {
    const local = new LocalCpu();
    const found = await local.read(["0".repeat(64), "../../etc/passwd", "abc"]);
    expect(found.size).toBe(0);
  });
});
