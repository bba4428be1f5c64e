import { toolSurface } from "@arktechnwa/docker-mcp-core";
import { describe, expect, it } from "vitest";
import { containersPlugin } from "../src/index.js";

describe("containers plugin tool surface", () => {
  it("matches the snapshot (a change to what the model sees shows up in review)", () => {
    const surface = containersPlugin.manifest.tools.map((tool) => ({
      ...toolSurface(tool),
      levels: tool.levels,
      timeoutClass: tool.timeoutClass,
      effect: tool.effect,
      targetMode: tool.targetMode ?? "all",
    }));
    expect(surface).toMatchSnapshot();
  });
});
