import { reviewedToolSurface } from "@arktechnwa/docker-mcp-testkit";
import { describe, expect, it } from "vitest";
import { composePlugin } from "../src/index.js";

describe("compose plugin tool surface", () => {
  it("matches the snapshot (a change to what the model sees shows up in review)", () => {
    expect(reviewedToolSurface(composePlugin)).toMatchSnapshot();
  });
});
