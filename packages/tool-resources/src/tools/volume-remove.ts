import {
  actedOnNothing,
  actOnEach,
  type DockerDeps,
  dataOf,
  refList,
  refsSchema,
  renderItems,
  summarizeItems,
} from "@arktechnwa/docker-kit";
import { defineTool, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import type { VolumeIdentity } from "@arktechnwa/docker-mcp-engine";
import { z } from "zod";
import { describeUsers, lazyContainerUsers } from "../container-users.js";
import { VOLUME_ITEMS, volumeItem } from "../items.js";
import { removeUnlessInUse } from "../remove-unless-in-use.js";

const input = z.strictObject({
  volumes: refsSchema("One volume name or a list (at most 100)."),
  force: z
    .boolean()
    .optional()
    .describe("Remove even when the driver reports an error for it. Never removes a volume in use."),
});

const output = z.object({ results: z.array(volumeItem), summary: z.string() });

export const volumeRemoveTool = defineTool({
  name: "docker_volume_remove",
  title: "Remove volumes",
  description:
    "Remove one or more volumes and the data in them. A volume a container uses (running or not) is not " +
    "removed: the answer names the containers you may see. Each volume is checked against the policy on its own.",
  levels: ["volumes"],
  timeoutClass: "lifecycle",
  effect: "destructive",
  idempotent: true,
  input,
  output,
  targetKinds: ["volume"],
  targets: (args) => refList(args.volumes).map((ref) => ({ kind: "volume", ref })),
  targetMode: "each",
  render: (out) => renderItems(out.summary, out.results, "volume"),
  failed: (out) => actedOnNothing(out.results),
});

export function volumeRemoveHandler(deps: DockerDeps): ToolHandler<typeof input, typeof output> {
  return async (args, ctx) => {
    const users = lazyContainerUsers(deps, ctx);
    const results = await actOnEach(refList(args.volumes), ctx, VOLUME_ITEMS, async (target, signal) => {
      const volume = dataOf<VolumeIdentity>(target, "volume");
      return removeUnlessInUse(
        () => deps.engine.removeVolume(volume.name, args.force ?? false, signal),
        async () => {
          const using = (await users()).ofVolume(volume.name);
          return `in use by ${describeUsers(using, "a container created just now")}: remove ${using.names.length + using.hidden === 1 ? "that container" : "those containers"} first (docker_remove), then the volume`;
        },
      );
    });
    return { results, summary: summarizeItems("removed", results) };
  };
}
