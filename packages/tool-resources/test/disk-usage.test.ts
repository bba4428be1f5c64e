import type { ImageUsage } from "@arktechnwa/docker-mcp-engine";
import { describe, expect, it } from "vitest";
import { imagesOnDisk } from "../src/disk-usage.js";

const image = (id: string, size: number, sharedSize: number): ImageUsage => ({
  id,
  size,
  sharedSize,
  tags: [id],
  digests: [],
  containers: 0,
  created: 0,
});

describe("imagesOnDisk", () => {
  it("is the daemon's LayersSize when nothing is hidden", () => {
    expect(imagesOnDisk([image("a", 100, 100), image("b", 100, 100)], 0, 100)).toBe(100);
  });

  it("counts a layer two visible images share once, not zero times", () => {
    // Two tags of one base: each image's unique part is 0, the shared base is still on disk.
    expect(imagesOnDisk([image("a", 100, 100), image("b", 100, 100)], 1, 500)).toBe(100);
  });

  it("adds each image's unique bytes to the largest shared part", () => {
    expect(imagesOnDisk([image("a", 150, 100), image("b", 130, 100), image("c", 40, 0)], 2, 900)).toBe(
      50 + 30 + 40 + 100,
    );
  });

  it("is 0 for no visible image", () => {
    expect(imagesOnDisk([], 3, 900)).toBe(0);
  });
});
