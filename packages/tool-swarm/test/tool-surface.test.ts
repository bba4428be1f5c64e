import { toolSurface } from "@arktechnwa/docker-mcp-core";
import { describe, expect, it } from "vitest";
import { swarmPlugin } from "../src/index.js";

describe("swarm plugin tool surface", () => {
  it("matches the snapshot (a change to what the model sees shows up in review)", () => {
    const surface = swarmPlugin.manifest.tools.map((tool) => ({
      ...toolSurface(tool),
      levels: tool.levels,
      timeoutClass: tool.timeoutClass,
      effect: tool.effect,
      targetMode: tool.targetMode ?? "all",
    }));
    expect(surface).toMatchSnapshot();
  });
});
