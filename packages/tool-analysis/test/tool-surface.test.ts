import { toolSurface } from "@arktechnwa/docker-mcp-core";
import { describe, expect, it } from "vitest";
import { analysisPlugin } from "../src/index.js";

describe("analysis plugin tool surface", () => {
  it("matches the snapshot (a change to what the model sees shows up in review)", () => {
    const surface = analysisPlugin.manifest.tools.map((tool) => ({
      ...toolSurface(tool),
      levels: tool.levels,
      timeoutClass: tool.timeoutClass,
      effect: tool.effect,
      targetMode: tool.targetMode ?? "all",
    }));
    expect(surface).toMatchSnapshot();
  });
});
