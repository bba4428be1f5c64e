import { BUSYBOX_IMAGE, docker, ensureBusyboxImage } from "@arktechnwa/docker-mcp-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine } from "../src/index.js";
import { deadline, requireDocker } from "./docker-setup.js";

const engine = createEngine();

describe("inspectImage on a real daemon", () => {
  let id: string;
  beforeAll(async () => {
    await requireDocker();
    await ensureBusyboxImage();
    id = await docker(["image", "inspect", "-f", "{{.Id}}", BUSYBOX_IMAGE]);
  }, 120_000);
  afterAll(() => engine.close());

  it("finds an image by name, full ID and short ID, with all its tags", async () => {
    for (const ref of [BUSYBOX_IMAGE, id, id.replace(/^sha256:/, "").slice(0, 12)]) {
      const image = await engine.inspectImage(ref, deadline());
      expect(image.id, ref).toBe(id);
      expect(image.tags).toContain(BUSYBOX_IMAGE);
    }
  });

  it("says an absent image must be pulled first", async () => {
    await expect(engine.inspectImage("docker-mcp-test/absent:none", deadline())).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: expect.stringMatching(/pull the image first/),
    });
  });
});
