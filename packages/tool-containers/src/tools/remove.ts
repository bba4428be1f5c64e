import {
  actedOnNothing,
  actOnEach,
  dataOf,
  refList,
  renderItems,
  summarizeItems,
} from "@arktechnwa/docker-kit";
import { defineTool, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import type { ContainerIdentity } from "@arktechnwa/docker-mcp-engine";
import { z } from "zod";
import { CONTAINER_ITEMS, containerRefs, itemResult } from "../container-list-input.js";
import type { ContainersDeps } from "../deps.js";

const input = z.strictObject({
  containers: containerRefs,
  force: z.boolean().optional().describe("Kill and remove running containers too (default false)."),
  volumes: z.boolean().optional().describe("Also remove the containers' anonymous volumes (default false)."),
});

const output = z.object({ results: z.array(itemResult), summary: z.string() });

export const removeTool = defineTool({
  name: "docker_remove",
  title: "Remove containers",
  description:
    "Remove one or more containers. Running ones need force=true. Each container is checked against the policy on its own.",
  levels: ["create"],
  timeoutClass: "lifecycle",
  effect: "destructive",
  idempotent: true,
  input,
  output,
  targetKinds: ["container"],
  targets: (args) => refList(args.containers).map((ref) => ({ kind: "container", ref })),
  targetMode: "each",
  render: (out) => renderItems(out.summary, out.results, "container"),
  // Acting on no container at all is an error; the results still say what happened to each.
  failed: (out) => actedOnNothing(out.results),
});

export function removeHandler(deps: ContainersDeps): ToolHandler<typeof input, typeof output> {
  return async (args, ctx) => {
    const results = await actOnEach(
      refList(args.containers),
      ctx,
      CONTAINER_ITEMS,
      async (target, signal) => {
        const identity = dataOf<ContainerIdentity>(target, "container");
        if (
          (identity.state === "running" || identity.state === "paused" || identity.state === "restarting") &&
          !args.force
        ) {
          return {
            status: "failed",
            message: `is ${identity.state}: stop it first (docker_stop) or pass force: true`,
          };
        }
        await deps.engine.removeContainer(
          identity.id,
          { ...(args.force ? { force: true } : {}), ...(args.volumes ? { volumes: true } : {}) },
          signal,
        );
        return { status: "done", message: "removed" };
      },
    );
    return { results, summary: summarizeItems("removed", results) };
  };
}
