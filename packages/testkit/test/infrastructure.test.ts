import { afterAll, describe, expect, it } from "vitest";
import {
  BUSYBOX_IMAGE,
  docker,
  ensureDaemon,
  type LocalRegistry,
  newRunId,
  type PrivateDaemon,
  pushRegistryImage,
  registryAnswers,
  startLocalRegistry,
  startPrivateDaemon,
} from "../src/index.js";

const runId = newRunId();

describe("local registry", () => {
  let registry: LocalRegistry | undefined;
  afterAll(() => registry?.stop(), 30_000);

  it("answers on 127.0.0.1:5000 and takes a pushed image that the daemon can pull back", async () => {
    await ensureDaemon();
    registry = await startLocalRegistry();
    expect(registry.address).toBe("127.0.0.1:5000");
    expect(await registryAnswers(5000)).toBe(true);
    const image = await pushRegistryImage({
      registry: registry.address,
      name: "kit",
      runId,
      payloadBytes: 1024,
    });
    expect(image.reference).toBe(`127.0.0.1:5000/docker-mcp-test/kit-${runId}:v1`);
    await expect(docker(["image", "inspect", image.reference])).rejects.toThrow();
    await docker(["pull", "--quiet", image.reference]);
    await docker(["image", "rm", image.reference]);
  }, 120_000);
});

describe("private daemon", () => {
  let daemon: PrivateDaemon | undefined;
  afterAll(() => daemon?.stop(), 60_000);

  it("runs apart from the shared daemon, with its own bridge and the busybox image, and stops clean", async () => {
    await ensureDaemon();
    const sharedBefore = await docker(["info", "--format", "{{.DockerRootDir}}"]);
    daemon = await startPrivateDaemon();
    expect(await daemon.docker(["info", "--format", "{{.DockerRootDir}}"])).not.toBe(sharedBefore);
    expect(await daemon.docker(["image", "ls", "--format", "{{.Repository}}:{{.Tag}}"])).toContain(
      BUSYBOX_IMAGE,
    );
    const ip = await daemon.docker(["run", "--rm", BUSYBOX_IMAGE, "sh", "-c", "ip -4 -o addr show eth0"]);
    expect(ip).toContain(daemon.subnet.replace(/\.0\/24$/, "."));
    // The shared daemon and its default bridge are untouched.
    expect(await docker(["info", "--format", "{{.DockerRootDir}}"])).toBe(sharedBefore);
    await docker(["network", "inspect", "bridge"]);
    // A network it makes gets a host bridge (from the default pools the shared daemon uses too).
    const network = await daemon.docker(["network", "create", "private-net"]);
    const networkLink = `br-${network.trim().slice(0, 12)}`;
    const { execFileSync: run } = await import("node:child_process");
    run("ip", ["link", "show", networkLink], { stdio: "ignore" });

    const { pid, bridge, dir } = daemon;
    await daemon.stop();
    daemon = undefined;
    expect(() => process.kill(pid, 0)).toThrow();
    const { existsSync } = await import("node:fs");
    expect(existsSync(dir)).toBe(false);
    const { execFileSync } = await import("node:child_process");
    expect(() => execFileSync("ip", ["link", "show", bridge], { stdio: "ignore" })).toThrow();
    // ... and that bridge goes with it, or it would hold its address pool on the host for good.
    expect(() => execFileSync("ip", ["link", "show", networkLink], { stdio: "ignore" })).toThrow();
  }, 120_000);

  it("cleans up when it cannot start", async () => {
    const { execFileSync } = await import("node:child_process");
    const before = execFileSync("ip", ["-o", "link", "show"], { encoding: "utf8" });
    await expect(startPrivateDaemon({ extraArgs: ["--no-such-flag"], timeoutMs: 20_000 })).rejects.toThrow(
      /dockerd exited/,
    );
    const after = execFileSync("ip", ["-o", "link", "show"], { encoding: "utf8" });
    expect(after.match(/dmcp[0-9a-f]{6}/g) ?? []).toEqual(before.match(/dmcp[0-9a-f]{6}/g) ?? []);
  }, 60_000);
});
