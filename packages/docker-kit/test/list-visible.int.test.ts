import type { ResolvedResource, ToolContext } from "@arktechnwa/docker-mcp-core";
import { createEngine, type DockerEngine } from "@arktechnwa/docker-mcp-engine";
import {
  BUSYBOX_IMAGE,
  buildTestImage,
  docker,
  ensureBusyboxImage,
  ensureDaemon,
  type Fixture,
  RUN_ID,
  removeFixtures,
  removeTestImage,
  runFixture,
  TEST_RUN_LABEL,
} from "@arktechnwa/docker-mcp-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listVisibleContainers } from "../src/index.js";

const real = createEngine();
const calls = new Map<string, number>();
/** The real engine, counting the calls made through it. */
const engine = new Proxy(real, {
  get(target, key) {
    const value = target[key as keyof DockerEngine];
    if (typeof value !== "function" || typeof key !== "string") return value;
    return (...args: unknown[]) => {
      calls.set(key, (calls.get(key) ?? 0) + 1);
      return (value as (...a: unknown[]) => unknown).apply(target, args);
    };
  },
});
const tags = [`dkit-a-${RUN_ID}/app:1`, `dkit-b-${RUN_ID}/app:1`];

describe("listVisibleContainers", () => {
  const fixtures: Fixture[] = [];
  let imageId: string;
  beforeAll(async () => {
    await ensureDaemon();
    await ensureBusyboxImage();
    imageId = await buildTestImage(tags, `list-${RUN_ID}`);
    for (let i = 0; i < 4; i++) {
      fixtures.push(await runFixture({ name: `kitlist${i}`, image: i % 2 ? imageId : (tags[0] as string) }));
    }
  }, 120_000);
  afterAll(async () => {
    await removeFixtures();
    await removeTestImage(tags);
    await real.close();
  });

  it("gives every row all names of its image from one image listing, not one lookup per row", async () => {
    const seen: ResolvedResource[] = [];
    const ctx = {
      signal: AbortSignal.timeout(20_000),
      visible: <T>(items: T[], describe: (item: T) => ResolvedResource) => {
        for (const item of items) seen.push(describe(item));
        return { visible: items, hidden: 0 };
      },
    } as unknown as ToolContext;
    calls.clear();
    const { visible } = await listVisibleContainers({ engine }, ctx, {
      all: true,
      filters: { label: [`${TEST_RUN_LABEL}=${RUN_ID}`] },
    });
    expect(visible).toHaveLength(4);
    expect(calls.get("listImages")).toBe(1);
    expect(calls.get("inspectImage") ?? 0).toBe(0);
    for (const resource of seen) {
      expect(resource.images).toEqual(expect.arrayContaining([...tags, imageId]));
      // Created from the bare ID, a row shows (and is judged by) a tag as well.
      expect(tags).toContain(resource.image);
    }
    expect(await docker(["inspect", "-f", "{{.Config.Image}}", fixtures[1]?.id as string])).toBe(imageId);
    expect(seen.some((r) => r.images?.includes(BUSYBOX_IMAGE))).toBe(false);
  });
});
