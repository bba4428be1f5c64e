import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BUSYBOX_IMAGE,
  docker,
  ensureBusyboxImage,
  ensureDaemon,
  listFixtures,
  newRunId,
  removeFixtures,
  runFixture,
  TEST_LABEL,
} from "../src/index.js";

const runId = newRunId();

describe("testkit against the real daemon", () => {
  beforeAll(async () => {
    await ensureDaemon();
    await ensureBusyboxImage();
  }, 120_000);
  afterAll(async () => {
    await removeFixtures(runId);
  }, 60_000);

  it("builds the busybox image idempotently", async () => {
    await expect(ensureBusyboxImage()).resolves.toBe(BUSYBOX_IMAGE);
    const id = await docker(["image", "inspect", "--format", "{{.Id}}", BUSYBOX_IMAGE]);
    expect(id).toMatch(/^sha256:/);
  });

  it("runs a labeled fixture with a run-suffixed name and removes it", async () => {
    const fx = await runFixture({ name: "tk-basic", runId, env: { A: "1" }, labels: { role: "x" } });
    expect(fx.name).toBe(`tk-basic-${runId}`);
    expect(fx.id).toMatch(/^[0-9a-f]{64}$/);
    const state = await docker([
      "inspect",
      "--format",
      '{{.State.Running}} {{index .Config.Labels "role"}}',
      fx.id,
    ]);
    expect(state).toBe("true x");
    const labeled = await docker(["inspect", "--format", `{{index .Config.Labels "${TEST_LABEL}"}}`, fx.id]);
    expect(labeled).toBe("1");

    const created = await runFixture({ name: `tk-exact-${runId}`, exactName: true, runId, start: false });
    expect(created.name).toBe(`tk-exact-${runId}`);
    expect(await docker(["inspect", "--format", "{{.State.Status}}", created.id])).toBe("created");

    expect((await listFixtures(runId)).sort()).toEqual([fx.id, created.id].sort());
    expect(await removeFixtures(runId)).toBe(2);
    expect(await listFixtures(runId)).toEqual([]);
  }, 60_000);
});
