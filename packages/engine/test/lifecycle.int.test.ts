import { docker, newRunId, removeFixtures, runFixture } from "@arktechnwa/docker-mcp-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine } from "../src/index.js";
import { deadline, requireDocker } from "./docker-setup.js";

const runId = newRunId();
const engine = createEngine();
const status = (id: string) => docker(["inspect", "--format", "{{.State.Status}}", id]);

describe("lifecycle on a real daemon", () => {
  beforeAll(requireDocker, 120_000);
  afterAll(async () => {
    await removeFixtures(runId);
    await engine.close();
  }, 60_000);

  it("walks start/pause/unpause/stop/restart and maps 'already' answers to CONFLICT", async () => {
    const { id } = await runFixture({ name: "life", runId, start: false });
    expect(await status(id)).toBe("created");
    await engine.startContainer(id, deadline());
    expect(await status(id)).toBe("running");
    await expect(engine.startContainer(id, deadline())).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/already running/),
    });
    await expect(engine.unpauseContainer(id, deadline())).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/not paused/),
    });

    await engine.pauseContainer(id, deadline());
    expect(await status(id)).toBe("paused");
    await expect(engine.pauseContainer(id, deadline())).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/already paused/),
    });
    await expect(engine.startContainer(id, deadline())).rejects.toMatchObject({ code: "CONFLICT" });
    await engine.unpauseContainer(id, deadline());
    expect(await status(id)).toBe("running");

    await engine.stopContainer(id, { timeoutSeconds: 1 }, deadline());
    expect(await status(id)).toBe("exited");
    await expect(engine.stopContainer(id, { timeoutSeconds: 1 }, deadline())).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/already stopped/),
    });
    await expect(engine.pauseContainer(id, deadline())).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/not running/),
    });

    await engine.restartContainer(id, { timeoutSeconds: 1 }, deadline());
    expect(await status(id)).toBe("running");
    const startedAt = await docker(["inspect", "--format", "{{.State.StartedAt}}", id]);
    await engine.restartContainer(id, { timeoutSeconds: 0 }, deadline());
    expect(await docker(["inspect", "--format", "{{.State.StartedAt}}", id])).not.toBe(startedAt);
  }, 60_000);

  it("a removed container is NOT_FOUND", async () => {
    const { id } = await runFixture({ name: "life-gone", runId, start: false });
    await engine.removeContainer(id, { force: true }, deadline());
    await expect(engine.startContainer(id, deadline())).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(engine.removeContainer(id, {}, deadline())).rejects.toMatchObject({ code: "NOT_FOUND" });
  }, 30_000);
});
