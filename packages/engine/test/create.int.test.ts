import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BUSYBOX_IMAGE,
  docker,
  newRunId,
  removeFixtures,
  TEST_LABEL,
  TEST_RUN_LABEL,
} from "@arktechnwa/docker-mcp-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine } from "../src/index.js";
import { deadline, requireDocker } from "./docker-setup.js";

const runId = newRunId();
const engine = createEngine();
const labels = { [TEST_LABEL]: "1", [TEST_RUN_LABEL]: runId };

describe("createContainer / removeContainer on a real daemon", () => {
  beforeAll(requireDocker, 120_000);
  afterAll(async () => {
    await removeFixtures(runId);
    await docker(["volume", "rm", "-f", `vol-${runId}`]).catch(() => {});
    await engine.close();
  }, 60_000);

  it("creates with ports, volumes, labels, env, restart, memory and removes it", async () => {
    const hostDir = mkdtempSync(join(tmpdir(), "engine-bind-"));
    writeFileSync(join(hostDir, "hello.txt"), "from the host\n");
    const name = `create-${runId}`;
    const { id, warnings } = await engine.createContainer(
      {
        image: BUSYBOX_IMAGE,
        name,
        cmd: ["sh", "-c", "cat /mnt/host/hello.txt; echo $GREETING; sleep 3600"],
        env: ["GREETING=hello"],
        ports: ["127.0.0.1::80/tcp", "5353/udp"],
        mounts: [
          { type: "bind", source: hostDir, target: "/mnt/host", readOnly: true, options: ["ro"] },
          { type: "volume", source: `vol-${runId}`, target: "/data", readOnly: false, options: [] },
          { type: "anonymous", target: "/scratch", readOnly: false, options: [] },
        ],
        labels: { ...labels, app: "created" },
        restart: "on-failure",
        memoryBytes: 32 * 1024 * 1024,
        nanoCpus: 500_000_000,
      },
      deadline(),
    );
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(warnings).toEqual([]);
    const raw = (await engine.inspectContainer(id, deadline())) as {
      Name: string;
      Config: { Labels: Record<string, string>; Env: string[]; ExposedPorts: Record<string, unknown> };
      HostConfig: { Binds: string[]; Memory: number; NanoCpus: number; RestartPolicy: { Name: string } };
      Mounts: { Type: string; Destination: string; RW: boolean }[];
    };
    expect(raw.Name).toBe(`/${name}`);
    expect(raw.Config.Labels["app"]).toBe("created");
    expect(raw.Config.Env).toContain("GREETING=hello");
    expect(Object.keys(raw.Config.ExposedPorts).sort()).toEqual(["5353/udp", "80/tcp"]);
    expect(raw.HostConfig.Binds).toEqual([`${hostDir}:/mnt/host:ro`, `vol-${runId}:/data`]);
    expect(raw.HostConfig).toMatchObject({
      Memory: 33554432,
      NanoCpus: 500000000,
      RestartPolicy: { Name: "on-failure" },
    });
    expect(raw.Mounts.find((m) => m.Destination === "/mnt/host")).toMatchObject({ Type: "bind", RW: false });
    expect(raw.Mounts.find((m) => m.Destination === "/scratch")).toMatchObject({ Type: "volume" });

    await engine.startContainer(id, deadline());
    const summary = (await engine.listContainers({ filters: { id: [id] } }, deadline()))[0];
    expect(summary?.ports.find((p) => p.privatePort === 80)).toMatchObject({ ip: "127.0.0.1", type: "tcp" });
    expect(summary?.ports.find((p) => p.privatePort === 80)?.publicPort).toBeGreaterThan(0);
    const out = await engine.exec(
      id,
      { cmd: ["cat", "/mnt/host/hello.txt"], maxOutputBytes: 1000, timeoutMs: 5000 },
      deadline(),
    );
    expect(out.stdout).toBe("from the host\n");

    await expect(engine.removeContainer(id, {}, deadline())).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/Stop it first or use force/),
    });
    await engine.removeContainer(id, { force: true, volumes: true }, deadline());
    await expect(engine.resolveContainer(name, deadline())).rejects.toMatchObject({ code: "NOT_FOUND" });
  }, 60_000);

  it("never pulls: a missing image is NOT_FOUND with 'pull it first'", async () => {
    await expect(
      engine.createContainer({ image: `docker-mcp-test/absent-${runId}:1`, labels }, deadline()),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: expect.stringMatching(/not present locally: pull it first/),
    });
  });

  it("a taken name is CONFLICT, an invalid name or spec is INVALID", async () => {
    const name = `taken-${runId}`;
    const holder = await engine.createContainer({ image: BUSYBOX_IMAGE, name, labels }, deadline());
    const conflict = await engine
      .createContainer({ image: BUSYBOX_IMAGE, name, labels }, deadline())
      .catch((e: unknown) => e);
    expect(conflict).toMatchObject({
      code: "CONFLICT",
      message: `The name '${name}' is already in use by another container; choose another name or remove that container first.`,
    });
    // The container holding the name may be one the caller must not see: its ID is not echoed.
    expect((conflict as Error).message).not.toContain(holder.id.slice(0, 12));
    await expect(
      engine.createContainer({ image: BUSYBOX_IMAGE, name: "x", labels }, deadline()),
    ).rejects.toMatchObject({
      code: "INVALID",
    });
    await expect(
      engine.createContainer({ image: BUSYBOX_IMAGE, ports: ["99999"], labels }, deadline()),
    ).rejects.toMatchObject({
      code: "INVALID",
    });
  });
});
