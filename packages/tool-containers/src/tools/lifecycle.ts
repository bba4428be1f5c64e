import {
  actedOnNothing,
  actOnEach,
  dataOf,
  refList,
  renderItems,
  summarizeItems,
} from "@arktechnwa/docker-kit";
import { defineTool, errorCode, errorMessage, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import type { ContainerIdentity, DockerEngine } from "@arktechnwa/docker-mcp-engine";
import { z } from "zod";
import { CONTAINER_ITEMS, containerRefs, itemResult } from "../container-list-input.js";
import type { ContainersDeps } from "../deps.js";

const stopSeconds = z
  .number()
  .int()
  .min(0)
  .max(600)
  .optional()
  .describe("Seconds to wait after SIGTERM before SIGKILL (default: the container's own, usually 10).");

const output = z.object({ results: z.array(itemResult), summary: z.string() });

interface Action {
  name: string;
  title: string;
  verb: string;
  description: string;
  effect: "write" | "destructive";
  idempotent: boolean;
  withTimeout: boolean;
  /** The states in which the action has nothing to do, and how to say so. */
  unchangedWhen: (state: string) => string | undefined;
  run: (
    engine: DockerEngine,
    id: string,
    timeoutSeconds: number | undefined,
    signal: AbortSignal,
  ) => Promise<void>;
}

const ACTIONS: Action[] = [
  {
    name: "docker_start",
    title: "Start containers",
    verb: "started",
    description: "Start one or more stopped containers.",
    effect: "write",
    idempotent: true,
    withTimeout: false,
    unchangedWhen: (s) =>
      s === "running"
        ? "already running"
        : s === "paused"
          ? "already running (paused: use docker_unpause)"
          : undefined,
    run: (e, id, _t, signal) => e.startContainer(id, signal),
  },
  {
    name: "docker_stop",
    title: "Stop containers",
    verb: "stopped",
    description: "Stop one or more running containers (SIGTERM, then SIGKILL after timeout seconds).",
    effect: "destructive",
    idempotent: true,
    withTimeout: true,
    unchangedWhen: (s) =>
      s === "exited" || s === "created" || s === "dead" ? `already stopped (${s})` : undefined,
    run: (e, id, t, signal) => e.stopContainer(id, t === undefined ? {} : { timeoutSeconds: t }, signal),
  },
  {
    name: "docker_restart",
    title: "Restart containers",
    verb: "restarted",
    description: "Restart one or more containers (stop, then start).",
    effect: "destructive",
    idempotent: false,
    withTimeout: true,
    unchangedWhen: () => undefined,
    run: (e, id, t, signal) => e.restartContainer(id, t === undefined ? {} : { timeoutSeconds: t }, signal),
  },
  {
    name: "docker_pause",
    title: "Pause containers",
    verb: "paused",
    description: "Freeze every process of one or more running containers (cgroup freezer).",
    effect: "write",
    idempotent: true,
    withTimeout: false,
    unchangedWhen: (s) => (s === "paused" ? "already paused" : undefined),
    run: (e, id, _t, signal) => e.pauseContainer(id, signal),
  },
  {
    name: "docker_unpause",
    title: "Unpause containers",
    verb: "unpaused",
    description: "Resume the processes of one or more paused containers.",
    effect: "write",
    idempotent: true,
    withTimeout: false,
    unchangedWhen: (s) => (s !== "paused" ? `not paused (${s})` : undefined),
    run: (e, id, _t, signal) => e.unpauseContainer(id, signal),
  },
];

function lifecycleTool(action: Action) {
  const input = z.strictObject({
    containers: containerRefs,
    ...(action.withTimeout ? { timeout: stopSeconds } : {}),
  });
  const tool = defineTool({
    name: action.name,
    title: action.title,
    description: `${action.description} Each container is checked against the policy on its own; the answer lists what happened to each.`,
    levels: ["lifecycle"],
    timeoutClass: "lifecycle",
    effect: action.effect,
    idempotent: action.idempotent,
    input,
    output,
    targetKinds: ["container"],
    targets: (args) => refList(args.containers).map((ref) => ({ kind: "container", ref })),
    targetMode: "each",
    render: (out) => renderItems(out.summary, out.results, "container"),
    // Acting on no container at all is an error; the results still say what happened to each.
    failed: (out) => actedOnNothing(out.results),
  });
  const handler =
    (deps: ContainersDeps): ToolHandler<typeof input, typeof output> =>
    async (args, ctx) => {
      const timeout = (args as { timeout?: number }).timeout;
      const results = await actOnEach(
        refList(args.containers),
        ctx,
        CONTAINER_ITEMS,
        async (target, signal) => {
          const identity = dataOf<ContainerIdentity>(target, "container");
          const unchanged = action.unchangedWhen(identity.state);
          if (unchanged) return { status: "unchanged", message: unchanged };
          try {
            await action.run(deps.engine, identity.id, timeout, signal);
          } catch (error) {
            if (errorCode(error) === "CONFLICT") return { status: "unchanged", message: errorMessage(error) };
            throw error;
          }
          return { status: "done", message: action.verb };
        },
      );
      return { results, summary: summarizeItems(action.verb, results) };
    };
  return { tool, handler };
}

export const lifecycleTools = ACTIONS.map(lifecycleTool);
