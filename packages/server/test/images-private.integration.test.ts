import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BUSYBOX_IMAGE,
  type LocalRegistry,
  type PrivateDaemon,
  pushRegistryImage,
  startLocalRegistry,
  startPrivateDaemon,
} from "@arktechnwa/docker-mcp-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Connected, call, connect, text, writeConfig } from "./harness.js";

// Prunes act daemon-wide: they run on a daemon of their own, never on the shared one.
let daemon: PrivateDaemon;
let registry: LocalRegistry;
let server: Connected;
let dir: string;
const ids: Record<string, string> = {};

const idOf = (ref: string) => daemon.docker(["image", "inspect", "--format", "{{.Id}}", ref]);
const present = (ref: string) =>
  idOf(ref).then(
    () => true,
    () => false,
  );

async function build(tag: string, variant: string): Promise<string> {
  const context = join(dir, variant);
  mkdirSync(context);
  writeFileSync(join(context, "Dockerfile"), `FROM ${BUSYBOX_IMAGE}\nLABEL variant=${variant}\n`);
  await daemon.docker(["build", "--quiet", "--tag", tag, context], { timeoutMs: 120_000 });
  return idOf(tag);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "docker-mcp-prune-"));
  [daemon, registry] = await Promise.all([startPrivateDaemon(), startLocalRegistry()]);
  // A dangling image: built under app:1, then app:1 moved to another build.
  ids["dangling"] = await build("app:1", "old");
  ids["app"] = await build("app:1", "new");
  ids["unused"] = await build("unused:1", "unused");
  ids["hidden"] = await build("secret-app:1", "hidden");
  ids["busybox"] = await idOf(BUSYBOX_IMAGE);
  await daemon.docker(["create", "--name", "user", BUSYBOX_IMAGE]);
  await daemon.docker(["create", "--name", "app-user", "app:1"]);
  const config = writeConfig({
    docker: { host: daemon.host },
    permissions: { images: true, blacklist_images: ["secret-*"] },
    neverhang: { timeouts: { pull: "2s" } },
  });
  server = await connect(["--config", config]);
}, 180_000);

afterAll(async () => {
  await server?.close();
  await daemon?.stop();
  await registry?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe("docker_image_prune", () => {
  it("removes only untagged images no container uses, and says which", async () => {
    expect(await present(ids["dangling"] as string)).toBe(true);
    const result = await call(server.client, "docker_image_prune", {});
    expect(result.isError).toBeFalsy();
    const out = result.structuredContent as { removed: { id: string }[]; freed_bytes: number };
    expect(out.removed.map((r) => r.id)).toEqual([(ids["dangling"] as string).slice(7, 19)]);
    expect(out.freed_bytes).toBeGreaterThan(0);
    expect(await present(ids["dangling"] as string)).toBe(false);
    for (const kept of ["app", "unused", "hidden", "busybox"])
      expect(await present(ids[kept] as string)).toBe(true);
  });

  it("with dangling_only false removes every unused image the policy lets it see, and nothing else", async () => {
    const result = await call(server.client, "docker_image_prune", { dangling_only: false });
    const out = result.structuredContent as { removed: { tags: string[] }[]; summary: string };
    expect(out.removed.map((r) => r.tags)).toEqual([["unused:1"]]);
    expect(out.summary).toContain("images the policy hides were not considered");
    expect(await present(ids["unused"] as string)).toBe(false);
    // Used by containers, or hidden by the policy: kept.
    for (const kept of ["app", "hidden", "busybox"]) expect(await present(ids[kept] as string)).toBe(true);
    const again = await call(server.client, "docker_image_prune", { dangling_only: false });
    expect(again.structuredContent).toMatchObject({
      removed: [],
      summary: expect.stringContaining("No unused images"),
    });
  });
});

describe("docker_pull past its deadline", () => {
  it("is outcome unknown, with what to check before retrying", async () => {
    const image = await pushRegistryImage({ registry: registry.address, name: "frozen", payloadBytes: 1024 });
    process.kill(daemon.pid, "SIGSTOP");
    let result: Awaited<ReturnType<typeof call>>;
    try {
      result = await call(server.client, "docker_pull", { image: image.reference });
    } finally {
      process.kill(daemon.pid, "SIGCONT");
    }
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/did not finish within its 2 s deadline.*outcome is unknown/s);
  });
});
