import { toolSurface } from "@arktechnwa/docker-mcp-core";
import { describe, expect, it } from "vitest";
import { composePlugin } from "../src/index.js";

describe("compose plugin tool surface", () => {
  it("matches the snapshot (a change to what the model sees shows up in review)", () => {
    const surface = composePlugin.manifest.tools.map((tool) => ({
      ...toolSurface(tool),
      levels: tool.levels,
      timeoutClass: tool.timeoutClass,
      effect: tool.effect,
      targetMode: tool.targetMode ?? "all",
    }));
    expect(surface).toMatchSnapshot();
  });
});
