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
} from "@arktechnwa/docker-mcp-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Connected, call, connect, text, writeConfig } from "./harness.js";

// A container of a blacklisted image is off limits however it named its image: events about it are
// left out of docker_events too, also when it was created from the image's ID (the event then names
// the image by that ID, not by the blacklisted tag).
const blocked = `docker-mcp-test/evt-vault-${RUN_ID}:t`;
let imageId: string;
let server: Connected;
const made: Fixture[] = [];

beforeAll(async () => {
  await ensureDaemon();
  await ensureBusyboxImage();
  imageId = await buildTestImage([blocked], "evt-vault");
  const bare = imageId.replace(/^sha256:/, "");
  for (const [name, image] of [
    ["evt-by-tag", blocked],
    ["evt-by-short-id", bare.slice(0, 12)],
    ["evt-by-id", bare],
    ["evt-by-sha-id", imageId],
  ] as const) {
    made.push(await runFixture({ name, image, cmd: ["sleep", "300"] }));
  }
  server = await connect([
    "--config",
    writeConfig({
      permissions: { read: true, system: true, blacklist_images: ["docker-mcp-test/evt-vault-*"] },
    }),
  ]);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await removeFixtures();
  await removeTestImage([blocked]);
});

describe("docker_events hides containers of a blacklisted image", () => {
  it("however the container named its image, also once the container is gone", async () => {
    // A removed container is judged by what its events say: the image by ID prefix is still that image.
    const gone = made[1] as Fixture;
    await docker(["rm", "--force", gone.id]);
    for (const filters of [undefined, { type: ["container"] }]) {
      const result = await call(server.client, "docker_events", {
        since: "2m",
        limit: 1000,
        ...(filters ? { filters } : {}),
      });
      expect(result.isError, text(result)).toBeFalsy();
      const shown = JSON.stringify(result);
      for (const c of made) {
        expect(shown).not.toContain(c.name);
        expect(shown).not.toContain(c.id.slice(0, 12));
      }
    }
  });
});
