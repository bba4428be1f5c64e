import { existsSync } from "node:fs";
import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUSYBOX_IMAGE, TEST_LABEL } from "./constants.js";
import { docker } from "./docker-cli.js";

const BUSYBOX_CANDIDATES = ["/bin/busybox", "/usr/bin/busybox", "/usr/local/bin/busybox"];

function findBusybox(): string {
  const fromEnv = process.env["BUSYBOX_PATH"];
  const candidates = fromEnv ? [fromEnv, ...BUSYBOX_CANDIDATES] : BUSYBOX_CANDIDATES;
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new Error(
      `No static busybox found (looked at ${candidates.join(", ")}). Install busybox-static or set BUSYBOX_PATH.`,
    );
  }
  return found;
}

async function imageExists(image: string): Promise<boolean> {
  try {
    await docker(["image", "inspect", "--format", "{{.Id}}", image], { timeoutMs: 15_000 });
    return true;
  } catch {
    return false;
  }
}

let building: Promise<string> | undefined;

/**
 * Builds the FROM-scratch busybox image unless it exists. Idempotent and safe when several vitest
 * workers race: each builds in its own temp dir and `docker build` of the same context just re-tags.
 */
export function ensureBusyboxImage(): Promise<string> {
  building ??= (async () => {
    if (await imageExists(BUSYBOX_IMAGE)) return BUSYBOX_IMAGE;
    const dir = await mkdtemp(join(tmpdir(), "docker-mcp-busybox-"));
    try {
      await copyFile(findBusybox(), join(dir, "busybox"));
      await writeFile(
        join(dir, "Dockerfile"),
        [
          "FROM scratch",
          "COPY busybox /bin/busybox",
          'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
          "ENV PATH=/bin",
          `LABEL ${TEST_LABEL}=image`,
          'CMD ["sleep", "3600"]',
          "",
        ].join("\n"),
      );
      await docker(["build", "--quiet", "--tag", BUSYBOX_IMAGE, dir], { timeoutMs: 120_000 });
      return BUSYBOX_IMAGE;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  })().catch((error: unknown) => {
    building = undefined;
    throw error;
  });
  return building;
}
