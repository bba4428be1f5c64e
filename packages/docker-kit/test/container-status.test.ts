import { describe, expect, it } from "vitest";
import { formatPorts, healthFromStatus, statusIcon, uptimeFromStatus } from "../src/index.js";

describe("uptimeFromStatus", () => {
  it.each([
    ["Up 3 days", "3d"],
    ["Up 12 hours (healthy)", "12h"],
    ["Up About an hour", "1h"],
    ["Up About a minute", "1m"],
    ["Up 45 seconds", "45s"],
    ["Up 1 second", "1s"],
    ["Up Less than a second", "0s"],
    ["Up 2 weeks (Paused)", "2w"],
    ["Exited (0) 3 minutes ago", undefined],
    ["Created", undefined],
  ])("%s -> %s", (status, expected) => {
    expect(uptimeFromStatus(status)).toBe(expected);
  });
});

describe("healthFromStatus and statusIcon", () => {
  it("reads health from the status column", () => {
    expect(healthFromStatus("Up 3 minutes (healthy)")).toBe("healthy");
    expect(healthFromStatus("Up 3 minutes (unhealthy)")).toBe("unhealthy");
    expect(healthFromStatus("Up 3 seconds (health: starting)")).toBe("starting");
    expect(healthFromStatus("Up 3 minutes")).toBeUndefined();
  });
  it("marks unhealthy running containers apart", () => {
    expect(statusIcon("running")).toBe("✓");
    expect(statusIcon("running", "healthy")).toBe("✓");
    expect(statusIcon("running", "unhealthy")).toBe("⚠");
    expect(statusIcon("exited")).toBe("✗");
    expect(statusIcon("paused")).toBe("⏸");
    expect(statusIcon("weird")).toBe("?");
  });
});

describe("formatPorts", () => {
  it("prints ports like the docker CLI, IPv6 in brackets, deduplicated", () => {
    expect(
      formatPorts([
        { ip: "0.0.0.0", privatePort: 80, publicPort: 8080, type: "tcp" },
        { ip: "::", privatePort: 80, publicPort: 8080, type: "tcp" },
        { privatePort: 443, type: "tcp" },
        { ip: "0.0.0.0", privatePort: 80, publicPort: 8080, type: "tcp" },
      ]),
    ).toEqual(["0.0.0.0:8080->80/tcp", "443/tcp", "[::]:8080->80/tcp"]);
  });
});
