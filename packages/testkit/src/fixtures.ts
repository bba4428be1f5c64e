import { BUSYBOX_IMAGE, TEST_LABEL, TEST_RUN_LABEL } from "./constants.js";
import { docker } from "./docker-cli.js";
import { RUN_ID } from "./run-id.js";

export interface HealthcheckSpec {
  /** Shell command run with CMD-SHELL. */
  cmd: string;
  intervalSeconds?: number;
  timeoutSeconds?: number;
  retries?: number;
  startPeriodSeconds?: number;
}

export interface FixtureOptions {
  /**
   * Base name; the run id is appended (`web` -> `web-<runId>`) so parallel files never collide.
   * Set `exactName: true` to use `name` as-is.
   */
  name: string;
  exactName?: boolean;
  /** Defaults to the module's RUN_ID; it is stored in the TEST_RUN_LABEL label. */
  runId?: string;
  /** Defaults to BUSYBOX_IMAGE (call ensureBusyboxImage first). */
  image?: string;
  /** Command; default: the image's CMD (`sleep 3600` for the busybox image). */
  cmd?: string[];
  /** Shortcut for `cmd: ["sh", "-c", script]`. */
  script?: string;
  env?: Record<string, string>;
  labels?: Record<string, string>;
  tty?: boolean;
  /** Start the container (default true); false leaves it in state "created". */
  start?: boolean;
  /** e.g. "64m" */
  memory?: string;
  /** e.g. "always", "on-failure:3" */
  restart?: string;
  healthcheck?: HealthcheckSpec;
  /** More `docker create` arguments, inserted before the image. */
  extraArgs?: string[];
}

export interface Fixture {
  /** Full 64-hex container ID. */
  id: string;
  name: string;
}

/** The name `runFixture` gives a container for a base name and run id. */
export function fixtureName(base: string, runId: string = RUN_ID): string {
  return `${base}-${runId}`;
}

/** Creates (and by default starts) a labeled container from the busybox image. */
export async function runFixture(options: FixtureOptions): Promise<Fixture> {
  const runId = options.runId ?? RUN_ID;
  const name = options.exactName ? options.name : fixtureName(options.name, runId);
  const args = [
    "create",
    "--name",
    name,
    "--label",
    `${TEST_LABEL}=1`,
    "--label",
    `${TEST_RUN_LABEL}=${runId}`,
  ];
  for (const [key, value] of Object.entries(options.labels ?? {})) args.push("--label", `${key}=${value}`);
  for (const [key, value] of Object.entries(options.env ?? {})) args.push("--env", `${key}=${value}`);
  if (options.tty) args.push("--tty");
  if (options.memory) args.push("--memory", options.memory);
  if (options.restart) args.push("--restart", options.restart);
  const hc = options.healthcheck;
  if (hc) {
    args.push("--health-cmd", hc.cmd, "--health-interval", `${hc.intervalSeconds ?? 1}s`);
    args.push("--health-timeout", `${hc.timeoutSeconds ?? 1}s`, "--health-retries", String(hc.retries ?? 3));
    if (hc.startPeriodSeconds !== undefined) args.push("--health-start-period", `${hc.startPeriodSeconds}s`);
  }
  args.push(...(options.extraArgs ?? []));
  args.push(options.image ?? BUSYBOX_IMAGE);
  if (options.script !== undefined) args.push("sh", "-c", options.script);
  else if (options.cmd) args.push(...options.cmd);

  const id = await docker(args);
  if (options.start ?? true) await docker(["start", id]);
  return { id, name };
}

/** IDs of the containers labeled with `runId` (or every test container when `runId` is "all"). */
export async function listFixtures(runId: string = RUN_ID): Promise<string[]> {
  const filter = runId === "all" ? `label=${TEST_LABEL}` : `label=${TEST_RUN_LABEL}=${runId}`;
  const out = await docker(["ps", "--all", "--quiet", "--no-trunc", "--filter", filter]);
  return out.split("\n").filter((line) => line.length > 0);
}

/**
 * Force-removes (with anonymous volumes) every container of this run; `"all"` removes every test
 * container left by any run. Returns how many were removed.
 */
export async function removeFixtures(runId: string = RUN_ID): Promise<number> {
  const ids = await listFixtures(runId);
  if (ids.length > 0) await docker(["rm", "--force", "--volumes", ...ids], { timeoutMs: 120_000 });
  return ids.length;
}
