import { type DockerDeps, singleTarget, targetData } from "@arktechnwa/docker-kit";
import { defineTool, formatBytes, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import type { VolumeIdentity } from "@arktechnwa/docker-mcp-engine";
import { z } from "zod";
import { containerUsers, describeUsers } from "../container-users.js";

const one = singleTarget("volume", "volume", "Volume name (exact; volumes have no ID).");
const input = z.strictObject({
  ...one.input,
  size: z
    .boolean()
    .optional()
    .describe("Measure its size (the daemon walks its files; slow for big volumes). Default true."),
});

const output = z.object({
  volume: z.object({
    name: z.string(),
    driver: z.string(),
    scope: z.string(),
    mountpoint: z.string().describe("Where it lives on the daemon's host."),
    created: z.string(),
    labels: z.record(z.string(), z.string()),
  }),
  used_by: z.array(z.string()).describe("Containers (running or not) that mount it, the ones you may see."),
  used_by_hidden: z
    .number()
    .int()
    .describe("Containers that mount it which the policy hides (counted only)."),
  size: z.string().nullable().describe("e.g. '1.2GB'; null when not asked or the driver cannot say."),
  size_bytes: z.number().int().nullable(),
});

export const volumeInspectTool = defineTool({
  name: "docker_volume_inspect",
  title: "Inspect a volume",
  description:
    "Show one volume: driver, mountpoint, labels, its size and the containers that use it (containers the " +
    "policy hides are only counted).",
  levels: ["read"],
  timeoutClass: "read",
  effect: "read",
  input,
  output,
  targetKinds: ["volume"],
  targets: one.targets,
  render: (out) =>
    [
      `${out.volume.name} (${out.volume.driver}) at ${out.volume.mountpoint}${out.size ? `, ${out.size}` : ""}`,
      `used by ${describeUsers({ names: out.used_by, hidden: out.used_by_hidden })}`,
    ].join("\n"),
});

export function volumeInspectHandler(deps: DockerDeps): ToolHandler<typeof input, typeof output> {
  return async (args, ctx) => {
    const volume = targetData<VolumeIdentity>(ctx, "volume");
    const [users, usage] = await Promise.all([
      containerUsers(deps, ctx),
      args.size === false ? undefined : deps.engine.diskUsage(ctx.signal),
    ]);
    const used = users.ofVolume(volume.name);
    const size = usage?.volumes.find((v) => v.name === volume.name)?.size;
    const known = size !== undefined && size >= 0;
    return {
      volume: {
        name: volume.name,
        driver: volume.driver,
        scope: volume.scope,
        mountpoint: volume.mountpoint,
        created: volume.created,
        labels: volume.labels,
      },
      used_by: used.names,
      used_by_hidden: used.hidden,
      size: known ? formatBytes(size) : null,
      size_bytes: known ? size : null,
    };
  };
}
