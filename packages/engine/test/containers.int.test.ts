import { newRunId, removeFixtures, runFixture, TEST_RUN_LABEL } from "@arktechnwa/docker-mcp-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine, EngineError } from "../src/index.js";
import { deadline, requireDocker } from "./docker-setup.js";

const runId = newRunId();
const engine = createEngine();

describe("resolveContainer / listContainers / inspectContainer on a real daemon", () => {
  let web: { id: string; name: string };
  beforeAll(async () => {
    await requireDocker();
    web = await runFixture({ name: "res-web", runId, labels: { tier: "front" }, env: { GREETING: "hi" } });
    // A name the `web` name is a prefix/regex of: the name filter would match both.
    await runFixture({ name: "res-web-stage", runId, exactName: false, start: false });
  }, 120_000);
  afterAll(async () => {
    await removeFixtures(runId);
    await engine.close();
  }, 60_000);

  it("resolves by name, /name, short and long ID prefix and full ID to the same identity", async () => {
    for (const ref of [
      web.name,
      `/${web.name}`,
      web.id.slice(0, 8),
      web.id.slice(0, 12),
      web.id,
      ` ${web.name} `,
    ]) {
      const identity = await engine.resolveContainer(ref, deadline());
      expect(identity, ref).toMatchObject({
        id: web.id,
        names: [web.name],
        image: "docker-mcp-test/busybox:latest",
        state: "running",
        tty: false,
        labels: expect.objectContaining({ tier: "front", [TEST_RUN_LABEL]: runId }),
      });
      expect(identity.imageId).toMatch(/^sha256:/);
      expect(identity.env).toContain("GREETING=hi");
    }
  });

  it("a name never matches a longer name by regex", async () => {
    const identity = await engine.resolveContainer(web.name, deadline());
    expect(identity.names).toEqual([web.name]);
  });

  it("NOT_FOUND says what to do", async () => {
    const error = await engine.resolveContainer(`no-such-${runId}`, deadline()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect(error).toMatchObject({
      code: "NOT_FOUND",
      message: `No container named or with ID prefix 'no-such-${runId}'. List containers with docker_ps.`,
    });
    await expect(engine.resolveContainer("", deadline())).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(engine.resolveContainer("../../etc", deadline())).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("an ambiguous ID prefix is AMBIGUOUS: candidates as data, only their count in the message", async () => {
    // 17 IDs over 16 hex digits: two share a first character.
    const created = await Promise.all(
      Array.from({ length: 17 }, (_, i) => runFixture({ name: `res-amb${i}`, runId, start: false })),
    );
    const byFirst = new Map<string, typeof created>();
    for (const c of created) byFirst.set(c.id[0]!, [...(byFirst.get(c.id[0]!) ?? []), c]);
    const [prefix, sharing] = [...byFirst.entries()].find(([, list]) => list.length >= 2)!;
    const error = await engine.resolveContainer(prefix, deadline()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    const engineError = error as EngineError;
    expect(engineError.code).toBe("AMBIGUOUS");
    for (const c of sharing) {
      expect(engineError.candidates).toContainEqual({ id: c.id, names: [c.name] });
    }
    const count = engineError.candidates?.length ?? 0;
    expect(count).toBeGreaterThanOrEqual(sharing.length);
    expect(engineError.candidates?.every((c) => c.id.startsWith(prefix))).toBe(true);
    expect(engineError.message).toBe(
      `'${prefix}' is an ID prefix of ${count} containers; give more characters of the ID or the container's name.`,
    );
    // No other container's name or ID reaches the message.
    for (const c of created) {
      expect(engineError.message).not.toContain(c.name);
      expect(engineError.message).not.toContain(c.id.slice(0, 4));
    }
  }, 60_000);

  it("lists containers with names without '/' and label filters", async () => {
    const all = await engine.listContainers(
      { all: true, filters: { label: [`${TEST_RUN_LABEL}=${runId}`] } },
      deadline(),
    );
    const row = all.find((c) => c.id === web.id);
    expect(row).toMatchObject({
      names: [web.name],
      image: "docker-mcp-test/busybox:latest",
      state: "running",
      command: "sleep 3600",
      labels: expect.objectContaining({ tier: "front" }),
    });
    expect(row?.status).toMatch(/^Up /);
    expect(all.every((c) => c.labels[TEST_RUN_LABEL] === runId)).toBe(true);
    const running = await engine.listContainers(
      { filters: { label: [`${TEST_RUN_LABEL}=${runId}`] } },
      deadline(),
    );
    expect(running.map((c) => c.id)).toEqual([web.id]);
  });

  it("inspect returns the raw document", async () => {
    const raw = await engine.inspectContainer(web.id, deadline());
    expect(raw["Id"]).toBe(web.id);
    expect((raw["Config"] as { Env: string[] }).Env).toContain("GREETING=hi");
    await expect(engine.inspectContainer(`gone-${runId}`, deadline())).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("ping negotiates the API version", async () => {
    const pong = await engine.ping(deadline());
    expect(pong.apiVersion).toMatch(/^1\.\d+$/);
  });
});
