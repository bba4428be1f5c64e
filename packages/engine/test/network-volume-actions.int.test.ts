import {
  docker,
  RUN_ID,
  removeFixtures,
  runFixture,
  TEST_LABEL,
  TEST_RUN_LABEL,
} from "@arktechnwa/docker-mcp-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine } from "../src/index.js";
import { deadline, requireDocker } from "./docker-setup.js";

const engine = createEngine();
const labels = { [TEST_LABEL]: "1", [TEST_RUN_LABEL]: RUN_ID };
const net = `dmcp-eng-net-${RUN_ID}`;
const vol = `dmcp-eng-vol-${RUN_ID}`;

describe("network, volume and system calls on a real daemon", () => {
  beforeAll(requireDocker, 120_000);
  afterAll(async () => {
    await removeFixtures();
    await docker(["network", "rm", net]).catch(() => {});
    await docker(["volume", "rm", vol]).catch(() => {});
    await engine.close();
  }, 60_000);

  it("creates a network, connects and disconnects a container, refuses to remove it in use, removes it", async () => {
    const { id } = await engine.createNetwork({ name: net, internal: true, labels }, deadline());
    await expect(engine.createNetwork({ name: net, labels }, deadline())).rejects.toMatchObject({
      code: "CONFLICT",
    });
    const details = await engine.networkDetails(id, deadline());
    expect(details).toMatchObject({ id, name: net, internal: true, driver: "bridge" });
    expect(details.ipam.config[0]?.subnet).toMatch(/\/\d+$/);

    const box = await runFixture({ name: "eng-net-box", extraArgs: ["-v", `${vol}:/data`] });
    await engine.connectNetwork(id, box.id, { aliases: ["box-alias"] }, deadline());
    await expect(engine.connectNetwork(id, box.id, {}, deadline())).rejects.toMatchObject({
      code: "CONFLICT",
    });
    const attached = await engine.networkDetails(id, deadline());
    expect(attached.containers.map((c) => c.id)).toEqual([box.id]);
    expect(attached.containers[0]?.ipv4).toMatch(/^\d+\.\d+\.\d+\.\d+\/\d+$/);

    // The listing says which networks and volumes each container uses.
    const [row] = await engine.listContainers({ all: true, filters: { id: [box.id] } }, deadline());
    expect(row?.networks?.map((n) => n.id)).toContain(id);
    expect(row?.mounts).toContainEqual(
      expect.objectContaining({ type: "volume", name: vol, destination: "/data" }),
    );

    await expect(engine.removeNetwork(id, deadline())).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(engine.removeVolume(vol, false, deadline())).rejects.toMatchObject({ code: "CONFLICT" });
    await engine.disconnectNetwork(id, box.id, false, deadline());
    await expect(engine.disconnectNetwork(id, box.id, false, deadline())).rejects.toMatchObject({
      code: "CONFLICT",
    });
    await engine.removeNetwork(id, deadline());
    await expect(engine.networkDetails(id, deadline())).rejects.toMatchObject({ code: "NOT_FOUND" });
    await removeFixtures();
    await engine.removeVolume(vol, false, deadline());
    await expect(engine.removeVolume(vol, false, deadline())).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses settings the daemon refuses as INVALID", async () => {
    await expect(
      engine.createNetwork({ name: `${net}-bad`, subnet: "10.230.0.0/99", labels }, deadline()),
    ).rejects.toMatchObject({ code: "INVALID" });
  });

  it("creates a volume, and answers an existing name with that volume", async () => {
    const created = await engine.createVolume({ name: vol, labels }, deadline());
    expect(created).toMatchObject({ name: vol, driver: "local" });
    expect(created.labels[TEST_RUN_LABEL]).toBe(RUN_ID);
    const again = await engine.createVolume({ name: vol, labels }, deadline());
    expect(again.name).toBe(vol);
    const usage = await engine.diskUsage(deadline(60_000));
    expect(usage.volumes.find((v) => v.name === vol)).toMatchObject({ size: 0, refCount: 0 });
    expect(usage.images.length).toBeGreaterThan(0);
    expect(usage.layersSize).toBeGreaterThan(0);
    await engine.removeVolume(vol, false, deadline());
  });

  it("reads the daemon's information", async () => {
    const info = await engine.systemInfo(deadline());
    expect(info.ServerVersion).toMatch(/^\d+\./);
    expect(typeof info.NCPU).toBe("number");
  });
});
