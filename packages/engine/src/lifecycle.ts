import type { ApiClient } from "./api-client.js";
import { statusRules } from "./daemon-errors.js";

export type LifecycleAction = "start" | "stop" | "restart" | "pause" | "unpause";

const ALREADY: Record<LifecycleAction, string> = {
  start: "is already running",
  stop: "is already stopped",
  restart: "could not be restarted",
  pause: "is already paused",
  unpause: "is not paused",
};

// Daemon messages (20.10 answers some of these with 500) that mean "wrong state", not "daemon broken".
const STATE_CONFLICT =
  /is not paused|is already paused|is not running|is paused|is restarting|cannot (?:start|pause|unpause|restart)|already (?:started|stopped|running|in progress)|is dead|marked for removal/i;

/** POST /containers/{id}/{action}; "already in that state" and wrong-state answers become CONFLICT. */
export async function lifecycle(
  api: ApiClient,
  id: string,
  action: LifecycleAction,
  timeoutSeconds: number | undefined,
  signal: AbortSignal,
): Promise<void> {
  const short = id.slice(0, 12);
  const what = `${action} container ${short}`;
  const takesTimeout = action === "stop" || action === "restart";
  await api.json<unknown>(
    {
      method: "POST",
      path: `/containers/${encodeURIComponent(id)}/${action}`,
      query: {
        t: takesTimeout && timeoutSeconds !== undefined ? Math.max(0, Math.floor(timeoutSeconds)) : undefined,
      },
      ok: [200, 204],
      what,
    },
    signal,
    statusRules(api.endpoint, [
      { status: 304, code: "CONFLICT", text: () => `Container ${short} ${ALREADY[action]}: nothing to do.` },
      {
        status: 404,
        code: "NOT_FOUND",
        text: () =>
          `Could not ${what}: no such container (it may have been removed). List containers with docker_ps.`,
      },
      { status: 409, code: "CONFLICT", text: (m) => `Could not ${what}: ${m}.` },
      { message: STATE_CONFLICT, code: "CONFLICT", text: (m) => `Could not ${what}: ${m}.` },
    ]),
  );
}
