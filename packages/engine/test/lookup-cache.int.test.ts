import { BUSYBOX_IMAGE, docker, newRunId, removeFixtures, runFixture } from "@arktechnwa/docker-mcp-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../src/api-client.js";
import { containersArea } from "../src/areas/containers.js";
import { imagesArea } from "../src/areas/images.js";
import { resolveConnection } from "../src/connection.js";
import { LookupCache } from "../src/lookup-cache.js";
import { deadline, requireDocker } from "./docker-setup.js";

const runId = newRunId();
const api = new ApiClient(resolveConnection({}, process.env));
const cache = new LookupCache(api);
const containers = containersArea(api, { statsStrategy: "one-shot", history: undefined, lookups: cache });
const images = imagesArea(api, cache);
const cached = { cached: true };
const settle = () => new Promise((r) => setTimeout(r, 300));

async function cacheUp(): Promise<void> {
  for (let i = 0; i < 100 && !cache.active; i++) await new Promise((r) => setTimeout(r, 50));
  expect(cache.active).toBe(true);
}

describe("LookupCache: lookups kept current by the daemon's events (real daemon)", () => {
  let web: { id: string; name: string };
  const tag = `docker-mcp-test/lookup-${runId}:t1`;
  beforeAll(async () => {
    await requireDocker();
    web = await runFixture({ name: "lookup-web", runId });
    await cacheUp();
  }, 120_000);
  afterAll(async () => {
    cache.close();
    await docker(["rmi", tag]).catch(() => {});
    await removeFixtures(runId);
    api.close();
  }, 60_000);

  it("answers a repeated read by name or full ID from the cache, never one by ID prefix", async () => {
    const first = await containers.resolveContainer(web.name, deadline(), cached);
    const hits = cache.hits;
    const again = await containers.resolveContainer(web.name, deadline(), cached);
    expect(cache.hits).toBe(hits + 1);
    expect(again).toEqual(first);
    // A copy: changing what was answered does not change what is kept.
    again.names.push("changed");
    expect((await containers.resolveContainer(web.name, deadline(), cached)).names).toEqual([web.name]);
    await containers.resolveContainer(web.id, deadline(), cached);
    const byId = cache.hits;
    expect((await containers.resolveContainer(web.id, deadline(), cached)).id).toBe(web.id);
    expect(cache.hits).toBe(byId + 1);
    const prefix = web.id.slice(0, 12);
    await containers.resolveContainer(prefix, deadline(), cached);
    const beforePrefix = cache.hits;
    await containers.resolveContainer(prefix, deadline(), cached);
    expect(cache.hits).toBe(beforePrefix);
    // Without `cached` (a tool that acts) it always asks the daemon.
    const live = cache.hits;
    await containers.resolveContainer(web.name, deadline());
    expect(cache.hits).toBe(live);
  });

  it("drops a container on its events: a renamed container is not found by its old name, state is current", async () => {
    const other = await runFixture({ name: "lookup-rename", runId });
    expect((await containers.resolveContainer(other.name, deadline(), cached)).state).toBe("running");
    await containers.resolveContainer(other.name, deadline(), cached);
    await docker(["pause", other.name]);
    await settle();
    expect((await containers.resolveContainer(other.name, deadline(), cached)).state).toBe("paused");
    await docker(["unpause", other.name]);
    const renamed = `${other.name}-renamed`;
    await docker(["rename", other.name, renamed]);
    await settle();
    await expect(containers.resolveContainer(other.name, deadline(), cached)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await containers.resolveContainer(renamed, deadline(), cached)).names).toEqual([renamed]);
  });

  it("keeps nothing looked up while an event of its kind arrived (it may predate the change)", async () => {
    const identity = await containers.resolveContainer(web.name, deadline());
    const mark = cache.mark("container");
    await runFixture({ name: "lookup-event", runId, start: false });
    await settle();
    const hits = cache.hits;
    const ref = `${web.name}-not-kept`;
    cache.keepContainer(ref, { ...identity, names: [ref] }, mark);
    expect(cache.container(ref)).toBeUndefined();
    expect(cache.hits).toBe(hits);
  });

  it("gives an image every name it has now: a new tag shows on the next cached read", async () => {
    const image = await images.inspectImage(BUSYBOX_IMAGE, deadline());
    await images.inspectImage(image.id, deadline(), cached);
    const hits = cache.hits;
    expect((await images.inspectImage(image.id, deadline(), cached)).tags).toEqual(image.tags);
    expect(cache.hits).toBe(hits + 1);
    const listing = await images.listImages(deadline(), cached);
    expect((await images.listImages(deadline(), cached)).map((i) => i.id)).toEqual(listing.map((i) => i.id));
    await docker(["tag", BUSYBOX_IMAGE, tag]);
    await settle();
    expect((await images.inspectImage(image.id, deadline(), cached)).tags).toContain(tag);
    expect((await images.listImages(deadline(), cached)).find((i) => i.id === image.id)?.tags).toContain(tag);
    // A tag or short ID is never kept (it can come to name another image).
    const byTag = cache.hits;
    await images.inspectImage(tag, deadline(), cached);
    await images.inspectImage(tag, deadline(), cached);
    expect(cache.hits).toBe(byTag);
  });

  it("keeps nothing once the event stream is gone, and lookups go to the daemon", async () => {
    await containers.resolveContainer(web.name, deadline(), cached);
    // The stream breaks (a daemon restart, a dropped connection).
    (cache as unknown as { stream: { destroy(): void } }).stream.destroy();
    await settle();
    expect(cache.active).toBe(false);
    const hits = cache.hits;
    expect((await containers.resolveContainer(web.name, deadline(), cached)).id).toBe(web.id);
    expect((await containers.resolveContainer(web.name, deadline(), cached)).id).toBe(web.id);
    expect(cache.hits).toBe(hits);
  });
});
