import { toolSurface } from "@arktechnwa/docker-mcp-core";
import { describe, expect, it } from "vitest";
import { networksPlugin, systemPlugin, volumesPlugin } from "../src/index.js";

describe("networks, volumes and system plugins' tool surface", () => {
  it("matches the snapshot (a change to what the model sees shows up in review)", () => {
    const surface = [networksPlugin, volumesPlugin, systemPlugin].flatMap((plugin) =>
      plugin.manifest.tools.map((tool) => ({
        plugin: plugin.manifest.name,
        ...toolSurface(tool),
        levels: tool.levels,
        timeoutClass: tool.timeoutClass,
        effect: tool.effect,
        targetMode: tool.targetMode ?? "all",
      })),
    );
    expect(surface).toMatchSnapshot();
  });
});
