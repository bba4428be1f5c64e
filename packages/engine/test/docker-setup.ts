import { ensureBusyboxImage, ensureDaemon } from "@arktechnwa/docker-mcp-testkit";

/** For integration tests' beforeAll: FAILS (never skips) when no Docker daemon answers. */
export async function requireDocker(): Promise<void> {
  await ensureDaemon();
  await ensureBusyboxImage();
}

/** A generous deadline for one engine call in tests. */
export function deadline(ms = 20_000): AbortSignal {
  return AbortSignal.timeout(ms);
}
