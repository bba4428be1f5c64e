import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUSYBOX_IMAGE, type PrivateDaemon, startPrivateDaemon } from "@arktechnwa/docker-mcp-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Connected, call, connect, text, writeConfig } from "./harness.js";

// A system prune acts daemon-wide: it runs only on a daemon of its own, never on the shared one.
let daemon: PrivateDaemon;
let server: Connected;
let dir: string;
let anonymous: string;
let danglingId: string;

type Row = { kind: string; resource: string; id?: string; status: string; size_bytes: number };
type Answer = { dry_run: boolean; results: Row[]; freed_bytes: number; build_cache: { status: string } };

const has = (args: string[]) =>
  daemon.docker(args).then(
    () => true,
    () => false,
  );
const image = (ref: string) => has(["image", "inspect", ref]);
const container = (name: string) => has(["container", "inspect", name]);
const network = (name: string) => has(["network", "inspect", name]);
const volume = (name: string) => has(["volume", "inspect", name]);

async function build(tag: string, variant: string): Promise<string> {
  const context = join(dir, variant);
  mkdirSync(context);
  writeFileSync(join(context, "Dockerfile"), `FROM ${BUSYBOX_IMAGE}\nLABEL variant=${variant}\n`);
  await daemon.docker(["build", "--quiet", "--tag", tag, context], { timeoutMs: 120_000 });
  return daemon.docker(["image", "inspect", "--format", "{{.Id}}", tag]);
}

/** What a prune may touch: these sets say what must go and what must stay. */
async function state() {
  return {
    containers: {
      old: await container("old"),
      live: await container("live"),
      secretOld: await container("secret-old"),
    },
    networks: {
      unused: await network("unused-net"),
      used: await network("used-net"),
      secret: await network("secret-net"),
      bridge: await network("bridge"),
    },
    volumes: {
      anonymous: await volume(anonymous),
      named: await volume("named-vol"),
      secret: await volume("secret-vol"),
      live: await volume("live-vol"),
    },
    images: {
      dangling: await image(danglingId),
      app: await image("app:1"),
      unused: await image("unused:1"),
      secret: await image("secret-app:1"),
      busybox: await image(BUSYBOX_IMAGE),
    },
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "docker-mcp-sysprune-"));
  daemon = await startPrivateDaemon();
  // An untagged image: built as app:1, then app:1 moved to another build.
  danglingId = await build("app:1", "old");
  await build("app:1", "new");
  await build("unused:1", "unused");
  await build("secret-app:1", "secret");
  await daemon.docker(["network", "create", "unused-net"]);
  await daemon.docker(["network", "create", "used-net"]);
  await daemon.docker(["network", "create", "secret-net"]);
  anonymous = await daemon.docker(["volume", "create"]);
  await daemon.docker(["volume", "create", "named-vol"]);
  await daemon.docker(["volume", "create", "secret-vol"]);
  // Stopped: "old" (prunable, its anonymous volume goes with the prune of volumes), a hidden one.
  await daemon.docker(["create", "--name", "old", "-v", `${anonymous}:/a`, "app:1"]);
  await daemon.docker(["create", "--name", "secret-old", BUSYBOX_IMAGE]);
  await daemon.docker([
    "run",
    "-d",
    "--name",
    "live",
    "--network",
    "used-net",
    "-v",
    "live-vol:/d",
    BUSYBOX_IMAGE,
  ]);
  const config = writeConfig({
    docker: { host: daemon.host },
    permissions: {
      system: true,
      blacklist_containers: ["secret-*"],
      blacklist_networks: ["secret-*"],
      blacklist_volumes: ["secret-*"],
      blacklist_images: ["secret-*"],
      networks: true,
      volumes: true,
    },
    // Short, so the frozen-daemon test below ends quickly; a prune here takes well under a second.
    neverhang: { timeouts: { lifecycle: "8s" } },
  });
  server = await connect(["--config", config]);
}, 240_000);

afterAll(async () => {
  await server?.close();
  await daemon?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe("docker_system_prune on a private daemon", () => {
  it("dry_run lists what it would remove and removes nothing", async () => {
    const before = await state();
    const result = await call(server.client, "docker_system_prune", { volumes: true, dry_run: true });
    expect(result.isError, text(result)).toBeFalsy();
    const out = result.structuredContent as Answer;
    expect(out.dry_run).toBe(true);
    const planned = out.results.map((r) => `${r.kind}:${r.resource}`).sort();
    expect(planned).toEqual(
      [
        "container:old",
        "network:unused-net",
        `volume:${anonymous}`,
        `image:${danglingId.slice(7, 19)}`,
      ].sort(),
    );
    expect(await state()).toEqual(before);
    expect(text(result)).not.toMatch(/secret-/);
  });

  it("removes only what it says, leaves what is used or hidden, and says what it freed", async () => {
    const result = await call(server.client, "docker_system_prune", { volumes: true });
    expect(result.isError, text(result)).toBeFalsy();
    const out = result.structuredContent as Answer;
    expect(out.dry_run).toBe(false);
    expect(out.results.every((r) => r.status === "done")).toBe(true);
    expect(out.results.map((r) => `${r.kind}:${r.resource}`).sort()).toEqual(
      [
        "container:old",
        "network:unused-net",
        `volume:${anonymous}`,
        `image:${danglingId.slice(7, 19)}`,
      ].sort(),
    );
    expect(out.freed_bytes).toBeGreaterThanOrEqual(0);
    expect(["done", "unchanged"]).toContain(out.build_cache.status);
    expect(await state()).toEqual({
      containers: { old: false, live: true, secretOld: true },
      networks: { unused: false, used: true, secret: true, bridge: true },
      // The named volume stays without all=true; the hidden one always.
      volumes: { anonymous: false, named: true, secret: true, live: true },
      // Tagged images stay without all=true; the image "old" used is gone with it.
      images: { dangling: false, app: true, unused: true, secret: true, busybox: true },
    });
    // The removals are in the audit record, each judged on its own.
    expect(server.stderr()).toMatch(/prune container old/);
  });

  it("all=true takes unused tagged images and named volumes too, never hidden or used ones", async () => {
    const result = await call(server.client, "docker_system_prune", { volumes: true, all: true });
    expect(result.isError, text(result)).toBeFalsy();
    const out = result.structuredContent as Answer;
    expect(out.results.map((r) => `${r.kind}:${r.resource}`).sort()).toEqual(
      ["image:app:1", "image:unused:1", "volume:named-vol"].sort(),
    );
    const after = await state();
    expect(after.images).toEqual({ dangling: false, app: false, unused: false, secret: true, busybox: true });
    expect(after.volumes).toEqual({ anonymous: false, named: false, secret: true, live: true });
    expect(after.containers).toEqual({ old: false, live: true, secretOld: true });
    expect(after.networks).toEqual({ unused: false, used: true, secret: true, bridge: true });
  });
});

describe("writes on a daemon that stops answering", () => {
  it("report the create in flight at the deadline as outcome unknown, not as failed", async () => {
    process.kill(daemon.pid, "SIGSTOP");
    try {
      const started = Date.now();
      const [volumeResult, networkResult] = await Promise.all([
        call(server.client, "docker_volume_create", { name: "frozen-vol" }),
        call(server.client, "docker_network_create", { name: "frozen-net" }),
      ]);
      expect(Date.now() - started).toBeLessThan(12_000);
      for (const result of [volumeResult, networkResult]) {
        const [item] = (result.structuredContent as { results: { status: string; message: string }[] })
          .results;
        expect(item?.status, text(result)).toBe("unknown");
        expect(item?.message).toMatch(/outcome unknown/);
        expect(item?.message).toMatch(/before retrying/);
      }
    } finally {
      process.kill(daemon.pid, "SIGCONT");
    }
  }, 30_000);
});
