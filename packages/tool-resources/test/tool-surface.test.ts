import { reviewedToolSurface } from "@arktechnwa/docker-mcp-testkit";
import { describe, expect, it } from "vitest";
import { networksPlugin, systemPlugin, volumesPlugin } from "../src/index.js";

describe("networks, volumes and system plugins' tool surface", () => {
  it("matches the snapshot (a change to what the model sees shows up in review)", () => {
    const plugins = [networksPlugin, volumesPlugin, systemPlugin];
    expect(plugins.flatMap((plugin) => reviewedToolSurface(plugin, { named: true }))).toMatchSnapshot();
  });
});
