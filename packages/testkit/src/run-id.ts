import { randomBytes } from "node:crypto";

/**
 * A short id unique to one test run (or file). Lowercase alphanumerics, so it is valid in container
 * names; parallel vitest workers never collide because of the random part.
 */
export function newRunId(): string {
  return `${Date.now().toString(36).slice(-4)}${randomBytes(3).toString("hex")}`;
}

/** The run id of this module instance: one per vitest worker/file with the default isolation. */
export const RUN_ID = newRunId();
