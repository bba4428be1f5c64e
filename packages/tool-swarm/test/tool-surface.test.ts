import { reviewedToolSurface } from "@arktechnwa/docker-mcp-testkit";
import { describe, expect, it } from "vitest";
import { swarmPlugin } from "../src/index.js";

describe("swarm plugin tool surface", () => {
  it("matches the snapshot (a change to what the model sees shows up in review)", () => {
    expect(reviewedToolSurface(swarmPlugin)).toMatchSnapshot();
  });
});
