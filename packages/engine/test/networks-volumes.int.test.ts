import { BUSYBOX_IMAGE, docker, RUN_ID, TEST_LABEL, TEST_RUN_LABEL } from "@arktechnwa/docker-mcp-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine } from "../src/index.js";
import { deadline, requireDocker } from "./docker-setup.js";

const engine = createEngine();
const labels = ["--label", TEST_LABEL, "--label", `${TEST_RUN_LABEL}=${RUN_ID}`];
const networkName = `docker-mcp-test-net-${RUN_ID}`;
const volumeName = `docker-mcp-test-vol-${RUN_ID}`;

describe("networks, volumes and image lists on a real daemon", () => {
  let networkId: string;
  beforeAll(async () => {
    await requireDocker();
    networkId = await docker(["network", "create", "--internal", ...labels, networkName]);
    await docker(["volume", "create", ...labels, volumeName]);
  }, 120_000);
  afterAll(async () => {
    await docker(["network", "rm", networkName]).catch(() => {});
    await docker(["volume", "rm", volumeName]).catch(() => {});
    await engine.close();
  });

  it("finds a network by name, full ID and ID prefix, always as the same network", async () => {
    for (const ref of [networkName, networkId, networkId.slice(0, 12), ` ${networkName} `]) {
      const network = await engine.inspectNetwork(ref, deadline());
      expect(network, ref).toMatchObject({ id: networkId, name: networkName, internal: true });
      expect(network.labels[TEST_RUN_LABEL]).toBe(RUN_ID);
    }
  });

  it("says when a network is absent, and never reaches another endpoint", async () => {
    for (const ref of [`${networkName}-absent`, "", " ", "../containers/json", "a/b", "x?y"]) {
      await expect(engine.inspectNetwork(ref, deadline()), JSON.stringify(ref)).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
    }
  });

  it("lists networks with the test network among them", async () => {
    const networks = await engine.listNetworks(deadline());
    expect(networks.find((n) => n.id === networkId)?.name).toBe(networkName);
  });

  it("finds a volume by its exact name only", async () => {
    const volume = await engine.inspectVolume(volumeName, deadline());
    expect(volume).toMatchObject({ name: volumeName, driver: "local" });
    expect(volume.labels[TEST_RUN_LABEL]).toBe(RUN_ID);
    for (const ref of [volumeName.slice(0, -2), `${volumeName}-absent`, "", "../x", "a b"]) {
      await expect(engine.inspectVolume(ref, deadline()), JSON.stringify(ref)).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
    }
  });

  it("lists volumes with the test volume among them", async () => {
    const volumes = await engine.listVolumes(deadline());
    expect(volumes.map((v) => v.name)).toContain(volumeName);
  });

  it("lists images with all their tags, matching inspect", async () => {
    const images = await engine.listImages(deadline());
    const busybox = images.find((i) => i.tags.includes(BUSYBOX_IMAGE));
    expect(busybox).toBeDefined();
    const inspected = await engine.inspectImage(BUSYBOX_IMAGE, deadline());
    expect(busybox?.id).toBe(inspected.id);
    expect([...(busybox?.tags ?? [])].sort()).toEqual([...inspected.tags].sort());
  });
});
