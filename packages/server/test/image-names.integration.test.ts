import {
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
import { type Connected, call, connect, text, writeConfig } from "./harness.js";

// An image blacklist holds on ANY name of the image a container runs. Docker sorts an image's tags,
// so each image below carries one allowed and one blacklisted tag, the blacklisted one sorting first
// on one image and last on the other; containers are created from the tag, the full and the short ID.
const R = RUN_ID;
const sortsLast = { good: `dmcp-good-${R}/app:1`, evil: `zz-dmcp-evil-${R}/app:1` };
const sortsFirst = { good: `zz-dmcp-good-${R}/app:1`, evil: `dmcp-evil-${R}/app:1` };
const allTags = [sortsLast.good, sortsLast.evil, sortsFirst.good, sortsFirst.evil];

let server: Connected;
let allowed: Fixture;
const denied: Fixture[] = [];

beforeAll(async () => {
  await ensureDaemon();
  await ensureBusyboxImage();
  const lastId = await buildTestImage([sortsLast.good, sortsLast.evil], `last-${R}`);
  const firstId = await buildTestImage([sortsFirst.good, sortsFirst.evil], `first-${R}`);
  const script = "echo image-names-log-line; exec sleep 3600";
  allowed = await runFixture({ name: "imgok", script });
  const variants: [string, string][] = [
    ["imgtag-last", sortsLast.good],
    ["imgid-last", lastId],
    ["imgshort-last", lastId.replace("sha256:", "").slice(0, 12)],
    ["imgtag-first", sortsFirst.good],
    ["imgid-first", firstId],
    ["imgshort-first", firstId.replace("sha256:", "").slice(0, 12)],
  ];
  for (const [name, image] of variants) denied.push(await runFixture({ name, image, script }));
  const config = writeConfig({
    permissions: { read: true, blacklist_images: [`dmcp-evil-${R}/*`, `zz-dmcp-evil-${R}/*`] },
  });
  server = await connect(["--config", config]);
}, 180_000);

afterAll(async () => {
  await server?.close();
  await removeFixtures();
  await removeTestImage(allTags);
});

describe("a container whose image carries an allowed and a blacklisted tag", () => {
  it("is what the test means: created by tag and by ID, the blacklisted tag sorting first and last", async () => {
    const images = await Promise.all(denied.map((c) => docker(["inspect", "-f", "{{.Config.Image}}", c.id])));
    expect(images.filter((i) => i.includes("/app:1"))).toHaveLength(2);
    expect(images.filter((i) => !i.includes("/app:1"))).toHaveLength(4);
    const tags = async (ref: string) =>
      JSON.parse(await docker(["image", "inspect", "-f", "{{json .RepoTags}}", ref])) as string[];
    expect(await tags(sortsFirst.good)).toEqual([sortsFirst.evil, sortsFirst.good]);
    expect(await tags(sortsLast.good)).toEqual([sortsLast.good, sortsLast.evil]);
  });

  for (const tool of ["docker_logs", "docker_inspect", "docker_stats"]) {
    it(`${tool} is denied by every name it is reached by`, async () => {
      for (const c of denied) {
        for (const ref of [c.name, c.id, c.id.slice(0, 12)]) {
          const r = await call(server.client, tool, { container: ref });
          expect(r.isError, `${tool} ${c.name} as ${ref}: ${text(r)}`).toBe(true);
          expect(text(r)).toMatch(/blacklist_images|protected by the policy/);
          expect(text(r)).not.toContain("image-names-log-line");
        }
      }
      const ok = await call(server.client, tool, { container: allowed.name });
      expect(ok.isError, text(ok)).toBeFalsy();
    });
  }

  it("docker_ps hides them, with and without filters, and counts them when unfiltered", async () => {
    const filters: Record<string, unknown>[] = [
      {},
      { all: true },
      { filter: { name: "img" } },
      { filter: { name: `*-${R}` } },
      { filter: { label: `${TEST_RUN_LABEL}=${R}` } },
      { filter: { status: "running" } },
      { all: true, filter: { name: "img", label: TEST_RUN_LABEL } },
    ];
    for (const args of filters) {
      const r = await call(server.client, "docker_ps", { limit: 1000, ...args });
      expect(r.isError, text(r)).toBeFalsy();
      const out = r.structuredContent as { containers: { name: string }[]; hidden?: number };
      const names = out.containers.map((c) => c.name);
      for (const c of denied) expect(names, JSON.stringify(args)).not.toContain(c.name);
      expect(names, JSON.stringify(args)).toContain(allowed.name);
      if (args.filter === undefined) expect(out.hidden).toBeGreaterThanOrEqual(denied.length);
    }
  });

  it("docker_stats without a container leaves them out", async () => {
    const r = await call(server.client, "docker_stats", {});
    expect(r.isError, text(r)).toBeFalsy();
    const out = r.structuredContent as { stats: { id: string }[]; hidden: number };
    const ids = out.stats.map((c) => c.id);
    for (const c of denied) expect(ids).not.toContain(c.id.slice(0, 12));
    expect(ids).toContain(allowed.id.slice(0, 12));
    expect(out.hidden).toBeGreaterThanOrEqual(denied.length);
  });
});
