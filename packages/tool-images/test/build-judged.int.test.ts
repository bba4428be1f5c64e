import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dockerResources, type RegistryDeps } from "@arktechnwa/docker-kit";
import { createKernel, type Kernel } from "@arktechnwa/docker-mcp-core";
import { createEngine } from "@arktechnwa/docker-mcp-engine";
import {
  BUSYBOX_IMAGE,
  buildTestImage,
  docker,
  ensureBusyboxImage,
  ensureDaemon,
  type LocalRegistry,
  RUN_ID,
  removeTestImage,
  startLocalRegistry,
  TEST_LABEL,
  TEST_RUN_LABEL,
} from "@arktechnwa/docker-mcp-testkit";
import { loadPolicy } from "@arktechnwa/mcp-policy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imagesPlugin } from "../src/index.js";

// docker_build judges what the build really reads: the Dockerfile bytes it checked (not the file read
// again), base images from a registry (pulled and judged first) with their ONBUILD triggers, and a
// base named by a digest whose content carries a blacklisted tag.
const tag = (name: string) => `docker-mcp-test/${name}-${RUN_ID}:t`;
const blocked = tag("bvault");
const labels = `LABEL ${TEST_LABEL}=1 ${TEST_RUN_LABEL}=${RUN_ID}`;

let registry: LocalRegistry;
let root: string;
let kernel: Kernel;
const deps: RegistryDeps & { engine: ReturnType<typeof createEngine> } = { engine: createEngine({}) };
const made: string[] = [];
let remoteOnbuildCopy: string;
let remoteOnbuildRun: string;
let innocentByDigest: string;
let remoteOnbuildVar: string;
const crafted = tag("crafted-onbuild");
const admitted = tag("admitted-base");

/**
 * A local image whose config carries a trigger no Dockerfile could write (`ONBUILD FROM ...`): image
 * configs are data, and `docker load` takes them as they are. Made from the busybox test image.
 */
async function loadCrafted(onBuild: string[]): Promise<void> {
  const dir = join(root, "crafted");
  mkdirSync(dir, { recursive: true });
  await docker(["save", "-o", join(dir, "image.tar"), BUSYBOX_IMAGE], { timeoutMs: 60_000 });
  execFileSync("tar", ["-xf", "image.tar"], { cwd: dir });
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
  const config = JSON.parse(readFileSync(join(dir, manifest[0].Config), "utf8"));
  config.config.OnBuild = onBuild;
  config.config.Labels = { ...config.config.Labels, [TEST_RUN_LABEL]: RUN_ID };
  writeFileSync(join(dir, "crafted.json"), JSON.stringify(config));
  manifest[0].Config = "crafted.json";
  manifest[0].RepoTags = [crafted];
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
  execFileSync("tar", ["-cf", "crafted.tar", "manifest.json", "crafted.json", ...manifest[0].Layers], {
    cwd: dir,
  });
  await docker(["load", "-i", join(dir, "crafted.tar")], { timeoutMs: 60_000 });
}

/** Builds an image from a Dockerfile on stdin, pushes it to the local registry and removes it here. */
async function pushRemote(name: string, dockerfile: string): Promise<string> {
  const ref = `${registry.address}/docker-mcp-test/${name}-${RUN_ID}:v1`;
  await docker(["build", "--quiet", "--tag", ref, "-"], { input: dockerfile, timeoutMs: 120_000 });
  await docker(["push", ref], { timeoutMs: 120_000 });
  await docker(["rmi", ref]);
  return ref;
}

function context(name: string, dockerfile: string): string {
  const dir = join(root, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "Dockerfile"), dockerfile);
  return dir;
}

beforeAll(async () => {
  await ensureDaemon();
  await ensureBusyboxImage();
  registry = await startLocalRegistry();
  await buildTestImage([blocked], "bvault");
  remoteOnbuildCopy = await pushRemote(
    "onbuild-copy",
    `FROM ${BUSYBOX_IMAGE}\n${labels}\nONBUILD COPY --from=${blocked} /bin/busybox /stolen\n`,
  );
  remoteOnbuildRun = await pushRemote(
    "onbuild-run",
    `FROM ${BUSYBOX_IMAGE}\n${labels}\nONBUILD RUN echo ran > /onbuild-ran\n`,
  );
  remoteOnbuildVar = await pushRemote(
    "onbuild-var",
    `FROM ${BUSYBOX_IMAGE}\n${labels}\nONBUILD COPY --from=\${SRC} /bin/busybox /b\n`,
  );
  // The blacklisted image's content under an innocent name in the registry, known here only by digest.
  const innocent = `${registry.address}/docker-mcp-test/innocent-${RUN_ID}`;
  await docker(["tag", blocked, `${innocent}:v1`]);
  const pushed = await docker(["push", `${innocent}:v1`], { timeoutMs: 120_000 });
  const digest = /digest: (sha256:[0-9a-f]{64})/.exec(pushed)?.[1];
  if (!digest) throw new Error(`no digest in push output: ${pushed}`);
  await docker(["rmi", `${innocent}:v1`]);
  innocentByDigest = `${innocent}@${digest}`;

  root = realpathSync(mkdtempSync(join(tmpdir(), "docker-mcp-build-judged-")));
  await loadCrafted([`FROM ${blocked}`]);
  kernel = createKernel({
    plugins: [dockerResources, imagesPlugin],
    deps,
    policy: loadPolicy({
      permissions: { read: true, images: true, blacklist_images: ["docker-mcp-test/bvault-*"] },
      build_safety: { allowed_contexts: [root] },
    }),
    levels: ["read", "lifecycle", "exec", "create", "images", "volumes", "networks", "system"],
    exec: { maxOutputBytes: 10_000, timeoutMs: 30_000 },
    timeouts: {
      read: 30_000,
      lifecycle: 60_000,
      exec: 30_000,
      compose: 120_000,
      pull: 120_000,
      build: 120_000,
    },
    breaker: false,
  });
}, 300_000);

afterAll(async () => {
  await removeTestImage([
    ...made,
    remoteOnbuildCopy,
    remoteOnbuildRun,
    remoteOnbuildVar,
    crafted,
    admitted,
    innocentByDigest,
    blocked,
  ]);
  await registry?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
}, 120_000);

async function build(name: string, dockerfile: string) {
  const dir = context(name, dockerfile);
  const out = tag(name);
  made.push(out);
  const result = await kernel.call("docker_build", { context: dir, tag: out });
  return { result, dir, out };
}

const exists = (ref: string) =>
  docker(["image", "inspect", "--format", "{{.Id}}", ref]).then(
    () => true,
    () => false,
  );

describe("docker_build builds what it judged", () => {
  it("sends the Dockerfile bytes it judged, not the file swapped after the check", async () => {
    deps.afterCheck = (stage) => {
      if (stage !== "build") return;
      // Swapped between the check and the build: a blacklisted base, and another label.
      writeFileSync(join(root, "swap", "Dockerfile"), `FROM ${blocked}\nLABEL judged=no\n${labels}\n`);
    };
    try {
      const { result, dir, out } = await build(
        "swap",
        `FROM ${BUSYBOX_IMAGE}\nLABEL judged=yes\n${labels}\n`,
      );
      expect(result.isError, result.text).toBe(false);
      expect(readFileSync(join(dir, "Dockerfile"), "utf8")).toContain(blocked);
      expect(await docker(["image", "inspect", "--format", '{{index .Config.Labels "judged"}}', out])).toBe(
        "yes",
      );
      const base = await docker(["image", "inspect", "--format", "{{.Id}}", BUSYBOX_IMAGE]);
      const history = await docker(["image", "history", "-q", "--no-trunc", out]);
      expect(history).toContain(base);
    } finally {
      delete deps.afterCheck;
    }
  }, 120_000);

  it("refuses the result when a base was retagged to other content between the check and the build", async () => {
    await docker(["tag", BUSYBOX_IMAGE, admitted]);
    deps.afterCheck = async (stage) => {
      if (stage === "build") await docker(["tag", blocked, admitted]);
    };
    try {
      const before = await docker([
        "images",
        "-q",
        "--no-trunc",
        "--filter",
        "dangling=true",
        "--filter",
        `label=${TEST_RUN_LABEL}=${RUN_ID}`,
      ]);
      const { result, out } = await build("retag", `FROM ${admitted}\nLABEL judged=yes\n${labels}\n`);
      expect(result.isError).toBe(true);
      expect(result.text).toContain(`the base image ${admitted} named another image when the build ran`);
      expect(await exists(out)).toBe(false);
      // The result was removed again: no new untagged image is left behind.
      const after = await docker([
        "images",
        "-q",
        "--no-trunc",
        "--filter",
        "dangling=true",
        "--filter",
        `label=${TEST_RUN_LABEL}=${RUN_ID}`,
      ]);
      expect(after.split("\n").filter((id) => id && !before.includes(id))).toEqual([]);
    } finally {
      delete deps.afterCheck;
    }
  }, 120_000);

  it("refuses a registry base image whose ONBUILD trigger reads a blacklisted image", async () => {
    const { result, out } = await build("remote-onbuild", `FROM ${remoteOnbuildCopy}\n${labels}\n`);
    expect(result.isError).toBe(true);
    expect(result.text).toContain(`an ONBUILD trigger of base image "${remoteOnbuildCopy}"`);
    expect(result.text).toContain(blocked);
    expect(await exists(out)).toBe(false);
  }, 120_000);

  it("runs a registry base image's ONBUILD RUN like a RUN of the Dockerfile, and says so", async () => {
    // Two stages from the same base: its trigger runs in each, and is reported once.
    const { result, out } = await build(
      "remote-run",
      `FROM ${remoteOnbuildRun} AS first\nFROM ${remoteOnbuildRun}\n${labels}\n`,
    );
    expect(result.isError, result.text).toBe(false);
    expect((result.structured as { base_triggers?: unknown }).base_triggers).toEqual([
      { image: remoteOnbuildRun, instruction: "RUN echo ran > /onbuild-ran" },
    ]);
    expect(await docker(["run", "--rm", "--entrypoint", "cat", out, "/onbuild-ran"])).toBe("ran");
  }, 120_000);

  it("refuses a registry base whose ONBUILD trigger names its image through a variable", async () => {
    const { result, out } = await build("remote-var", `FROM ${remoteOnbuildVar}\n${labels}\n`);
    expect(result.isError).toBe(true);
    expect(result.text).toContain(`ONBUILD trigger 1 of base image "${remoteOnbuildVar}"`);
    expect(result.text).toContain("cannot judge");
    expect(await exists(out)).toBe(false);
  }, 120_000);

  it("refuses a base whose ONBUILD trigger it cannot analyze, saying which", async () => {
    const { result, out } = await build("crafted", `FROM ${crafted}\n${labels}\n`);
    expect(result.isError).toBe(true);
    expect(result.text).toContain(`ONBUILD trigger 1 of base image "${crafted}"`);
    expect(result.text).toContain("cannot analyze");
    expect(await exists(out)).toBe(false);
  }, 120_000);

  it("refuses a base named by a digest whose content is a blacklisted tag, and leaves nothing pulled", async () => {
    const { result, out } = await build("by-digest", `FROM ${innocentByDigest}\n${labels}\n`);
    expect(result.isError).toBe(true);
    expect(result.text).toContain("refuse under another of its names");
    expect(await exists(out)).toBe(false);
    expect(await exists(innocentByDigest)).toBe(false);
  }, 120_000);
});
