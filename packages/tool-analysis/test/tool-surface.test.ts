import { reviewedToolSurface } from "@arktechnwa/docker-mcp-testkit";
import { describe, expect, it } from "vitest";
import { analysisPlugin } from "../src/index.js";

describe("analysis plugin tool surface", () => {
  it("matches the snapshot (a change to what the model sees shows up in review)", () => {
    expect(reviewedToolSurface(analysisPlugin)).toMatchSnapshot();
  });
});
