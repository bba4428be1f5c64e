import { reviewedToolSurface } from "@arktechnwa/docker-mcp-testkit";
import { describe, expect, it } from "vitest";
import { containersPlugin } from "../src/index.js";

describe("containers plugin tool surface", () => {
  it("matches the snapshot (a change to what the model sees shows up in review)", () => {
    expect(reviewedToolSurface(containersPlugin)).toMatchSnapshot();
  });
});
