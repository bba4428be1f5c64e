import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  BUSYBOX_IMAGE,
  buildTestImage,
  docker,
  ensureBusyboxImage,
  type LocalRegistry,
  RUN_ID,
  removeTestImage,
  startLocalRegistry,
  TEST_LABEL,
  TEST_RUN_LABEL,
} from "@arktechnwa/docker-mcp-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ComposeDeps } from "../src/index.js";
import {
  ALLOWED,
  cleanup,
  created,
  dockerOut,
  labelsYaml,
  makeKernel,
  projectContainerNames,
  projectName,
  service,
  writeProject,
} from "./kit.js";

// Compose builds through docker-mcp: every base image a service's Dockerfile reads is judged like a
// pull, the Dockerfile bytes judged are the ones built, and the CLI runs the model judged (given on
// stdin), so files changed after the check change nothing.
const blocked = `docker-mcp-test/cvault-${RUN_ID}:t`;
const built: string[] = [];
// The kernel copies its deps: the hook it gets calls whatever the running test put here.
let afterCheck: ComposeDeps["afterCheck"];
const deps: Partial<ComposeDeps> = { afterCheck: (stage) => afterCheck?.(stage) };
const { kernel } = makeKernel(
  {
    permissions: {
      lifecycle: true,
      create: true,
      images: true,
      blacklist_images: ["docker-mcp-test/cvault-*"],
    },
    build_safety: { allowed_contexts: [ALLOWED] },
  },
  { deps },
);
const dockerLabels = `LABEL ${TEST_LABEL}=1 ${TEST_RUN_LABEL}=${RUN_ID}`;

let registry: LocalRegistry;
/** The blacklisted image's content under an innocent name in the registry, known here only by digest. */
let innocentByDigest: string;

beforeAll(async () => {
  await ensureBusyboxImage();
  await buildTestImage([blocked], "cvault");
  registry = await startLocalRegistry();
  const innocent = `${registry.address}/docker-mcp-test/cinnocent-${RUN_ID}`;
  await docker(["tag", blocked, `${innocent}:v1`]);
  const pushed = await docker(["push", `${innocent}:v1`], { timeoutMs: 120_000 });
  const digest = /digest: (sha256:[0-9a-f]{64})/.exec(pushed)?.[1];
  if (!digest) throw new Error(`no digest in push output: ${pushed}`);
  await docker(["rmi", `${innocent}:v1`]);
  innocentByDigest = `${innocent}@${digest}`;
}, 180_000);
afterAll(async () => {
  cleanup();
  await removeTestImage([...built, innocentByDigest, blocked]);
  await registry?.stop();
}, 120_000);

const exists = (ref: string) => {
  try {
    dockerOut(["image", "inspect", "--format", "{{.Id}}", ref]);
    return true;
  } catch {
    return false;
  }
};

describe("an image named by a digest whose content is a blacklisted tag here", () => {
  it("is refused by up, which pulls it first and undoes the pull", async () => {
    const project = projectName("cbdigest");
    const file = writeProject(
      "cbdigest",
      `version: "3"\nservices:\n${service("web").replace(/image: .*/, `image: ${innocentByDigest}`)}`,
    );
    created.push({ project, file });
    const r = await kernel.call("docker_compose_up", { file, project });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("refuse under another of its names");
    expect(projectContainerNames(project)).toEqual([]);
    expect(exists(innocentByDigest)).toBe(false);
  }, 120_000);

  it("is refused by docker_compose_pull after the CLI pulled it, and the pull undone", async () => {
    const project = projectName("cbdigestp");
    const file = writeProject(
      "cbdigestp",
      `version: "3"\nservices:\n${service("web").replace(/image: .*/, `image: ${innocentByDigest}`)}`,
    );
    const r = await kernel.call("docker_compose_pull", { file, project });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("refuse under another of its names");
    expect(exists(innocentByDigest)).toBe(false);
  }, 120_000);
});

/** A project whose one service `web` is built from ./app with this Dockerfile. */
function buildProject(name: string, dockerfile: string, extra = ""): { file: string; image: string } {
  const image = `docker-mcp-test/${name}-${RUN_ID}:t`;
  built.push(image);
  const file = writeProject(
    name,
    `version: "3"\nservices:\n  web:\n    image: ${image}\n    build: ./app\n    command: ["sh", "-c", "sleep 3600"]\n    stop_grace_period: 1s\n${labelsYaml()}${extra}`,
  );
  mkdirSync(join(dirname(file), "app"), { recursive: true });
  writeFileSync(join(dirname(file), "app", "Dockerfile"), dockerfile);
  return { file, image };
}

describe("docker_compose_up with build", () => {
  it("builds the Dockerfile it judged and runs the model it judged, whatever changes after the check", async () => {
    const project = projectName("cbswap");
    // worker has no image: compose names its build <project>_worker, and so does docker-mcp.
    const worker = `${project}_worker`;
    built.push(worker);
    const { file, image } = buildProject(
      "cbswap",
      `FROM ${BUSYBOX_IMAGE}\nLABEL judged=yes\n${dockerLabels}\n`,
      `    environment:\n      DOLLAR: "$$HOME"\n  worker:\n    build: ./app\n    command: ["sh", "-c", "sleep 3600"]\n    stop_grace_period: 1s\n${labelsYaml()}`,
    );
    created.push({ project, file });
    let calls = 0;
    afterCheck = (stage) => {
      calls++;
      if (stage === "build") {
        writeFileSync(
          join(dirname(file), "app", "Dockerfile"),
          `FROM ${blocked}\nLABEL judged=no\n${dockerLabels}\n`,
        );
      } else {
        // The compose file swapped for one the policy refuses (privileged, the host's /etc).
        writeFileSync(
          file,
          `version: "3"\nservices:\n  web:\n    image: ${image}\n    privileged: true\n    volumes: ["/etc:/host-etc"]\n    command: ["sh", "-c", "sleep 3600"]\n    stop_grace_period: 1s\n${labelsYaml()}`,
        );
      }
    };
    try {
      const r = await kernel.call("docker_compose_up", { file, project, build: true });
      expect(r.isError, r.text).toBe(false);
      expect((r.structured as { built: string[] }).built).toEqual([image, worker]);
    } finally {
      afterCheck = undefined;
    }
    expect(calls).toBe(3);
    expect(projectContainerNames(project)).toEqual([`${project}_web_1`, `${project}_worker_1`]);
    expect(dockerOut(["image", "inspect", "--format", '{{index .Config.Labels "judged"}}', worker])).toBe(
      "yes",
    );
    const name = `${project}_web_1`;
    expect(dockerOut(["inspect", "--format", "{{.HostConfig.Privileged}} {{len .Mounts}}", name])).toBe(
      "false 0",
    );
    expect(dockerOut(["inspect", "--format", "{{json .Config.Env}}", name])).toContain('"DOLLAR=$HOME"');
    expect(dockerOut(["image", "inspect", "--format", '{{index .Config.Labels "judged"}}', image])).toBe(
      "yes",
    );
    // Started from stdin, the project still says where its files are: down by name alone finds them
    // (the file now on disk is the swapped one, without worker: an orphan to it).
    const down = await kernel.call("docker_compose_down", { project, remove_orphans: true });
    expect(down.isError, down.text).toBe(false);
    expect(projectContainerNames(project)).toEqual([]);
  }, 120_000);

  it("refuses a service whose Dockerfile reads a blacklisted base image, before anything runs", async () => {
    const project = projectName("cbdeny");
    const { file, image } = buildProject(
      "cbdeny",
      `FROM ${BUSYBOX_IMAGE} AS ok\nFROM ${blocked}\nCOPY --from=ok /bin/busybox /b\n${dockerLabels}\n`,
    );
    created.push({ project, file });
    const r = await kernel.call("docker_compose_up", { file, project, build: true });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("service web:");
    expect(r.text).toContain(`reads from image "${blocked}" (line 2)`);
    expect(projectContainerNames(project)).toEqual([]);
    expect(() => dockerOut(["image", "inspect", image])).toThrow();
  }, 120_000);
});
