import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBusyboxImage } from "./busybox-image.js";
import { BUSYBOX_IMAGE, TEST_LABEL, TEST_RUN_LABEL } from "./constants.js";
import { docker } from "./docker-cli.js";
import { RUN_ID } from "./run-id.js";

export interface RegistryImageOptions {
  /** `127.0.0.1:5000` (see startLocalRegistry). */
  registry: string;
  /** Repository below `docker-mcp-test/`; the run id is appended so parallel runs never collide. */
  name: string;
  tag?: string;
  /** Bytes of random data in the image's own layer (default 4 MiB): what a pull really fetches. */
  payloadBytes?: number;
  runId?: string;
  /** Keep the image in the local daemon after pushing (default false: removed, so a pull fetches it). */
  keepLocal?: boolean;
  /** A Docker config directory for the push (`docker --config`), e.g. one holding the registry's login. */
  dockerConfig?: string;
}

export interface RegistryImage {
  /** `127.0.0.1:5000/docker-mcp-test/<name>-<runId>:<tag>` */
  reference: string;
  repository: string;
  tag: string;
  /** The image's own layer size in bytes (the busybox layer below it is usually present locally). */
  payloadBytes: number;
}

/**
 * Builds an image on the busybox test image with one layer of random bytes (unique, so a pull must
 * fetch it), pushes it to the registry and, unless `keepLocal`, removes it from the daemon again.
 */
export async function pushRegistryImage(options: RegistryImageOptions): Promise<RegistryImage> {
  await ensureBusyboxImage();
  const runId = options.runId ?? RUN_ID;
  const tag = options.tag ?? "v1";
  const payloadBytes = options.payloadBytes ?? 4 * 1024 * 1024;
  const repository = `${options.registry}/docker-mcp-test/${options.name}-${runId}`;
  const reference = `${repository}:${tag}`;
  const dir = await mkdtemp(join(tmpdir(), "docker-mcp-regimg-"));
  try {
    await writeFile(join(dir, "payload"), randomBytes(payloadBytes));
    await writeFile(
      join(dir, "Dockerfile"),
      [
        `FROM ${BUSYBOX_IMAGE}`,
        "COPY payload /payload",
        `LABEL ${TEST_LABEL}=image ${TEST_RUN_LABEL}=${runId}`,
        "",
      ].join("\n"),
    );
    await docker(["build", "--quiet", "--tag", reference, dir], { timeoutMs: 120_000 });
    const config = options.dockerConfig ? ["--config", options.dockerConfig] : [];
    await docker([...config, "push", reference], { timeoutMs: 120_000 });
    if (!options.keepLocal) await docker(["image", "rm", reference], { timeoutMs: 60_000 });
    return { reference, repository, tag, payloadBytes };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
