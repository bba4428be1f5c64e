import { type DockerDeps, listVisibleVolumes } from "@arktechnwa/docker-kit";
import { defineTool, formatBytes, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import { z } from "zod";
import { containerUsers } from "../container-users.js";
import { wildcard } from "../wildcard.js";

const input = z.strictObject({
  filter: z
    .strictObject({
      name: z
        .string()
        .min(1)
        .optional()
        .describe("Part of the volume name; with * it must match the whole name (e.g. 'app-*')."),
      dangling: z
        .boolean()
        .optional()
        .describe("true: only volumes no container uses; false: only used ones."),
      driver: z.string().min(1).optional(),
    })
    .optional(),
  size: z
    .boolean()
    .optional()
    .describe(
      "Ask the daemon for each volume's size (it walks every volume: slow on big hosts). Default false.",
    ),
});

export const volumeRow = z.object({
  name: z.string(),
  driver: z.string(),
  scope: z.string(),
  created: z.string().describe("RFC 3339 (empty when the driver does not say)."),
  used_by: z.array(z.string()).describe("Containers (running or not) that mount it, the ones you may see."),
  used_by_hidden: z
    .number()
    .int()
    .describe("Containers that mount it which the policy hides (counted only)."),
  size: z.string().optional().describe("e.g. '1.2GB'; with size=true, when the driver can say."),
  size_bytes: z.number().int().optional(),
});

const output = z.object({
  volumes: z.array(volumeRow),
  summary: z.string(),
  hidden: z
    .number()
    .int()
    .optional()
    .describe("Volumes left out because the policy hides them (only counted when no filter is given)."),
});

export const volumesTool = defineTool({
  name: "docker_volumes",
  title: "List volumes",
  description:
    "List Docker volumes: name, driver, which containers use them (running or not), and with size=true " +
    "how much disk each takes. Filter by name, driver or dangling. Volumes the policy hides are left out.",
  levels: ["read"],
  timeoutClass: "read",
  effect: "read",
  input,
  output,
  listRows: "volumes",
  render: (out) =>
    [
      out.summary,
      ...out.volumes.map(
        (v) =>
          `${v.name} (${v.driver})${v.size ? ` ${v.size}` : ""}: ${
            v.used_by.length || v.used_by_hidden
              ? `used by ${[...v.used_by, ...(v.used_by_hidden ? [`${v.used_by_hidden} hidden`] : [])].join(", ")}`
              : "unused"
          }`,
      ),
    ].join("\n"),
});

export function volumesHandler(deps: DockerDeps): ToolHandler<typeof input, typeof output> {
  return async (args, ctx) => {
    const [{ visible, hidden }, users, usage] = await Promise.all([
      listVisibleVolumes(deps, ctx),
      containerUsers(deps, ctx),
      args.size ? deps.engine.diskUsage(ctx.signal) : undefined,
    ]);
    const sizes = new Map((usage?.volumes ?? []).map((v) => [v.name, v.size]));
    const byName = args.filter?.name ? wildcard(args.filter.name) : undefined;
    const rows = visible
      .filter((v) => (!byName || byName(v.name)) && (!args.filter?.driver || v.driver === args.filter.driver))
      .map((v) => {
        const used = users.ofVolume(v.name);
        const size = sizes.get(v.name);
        return {
          name: v.name,
          driver: v.driver,
          scope: v.scope,
          created: v.created,
          used_by: used.names,
          used_by_hidden: used.hidden,
          ...(size !== undefined && size >= 0 ? { size: formatBytes(size), size_bytes: size } : {}),
        };
      })
      .filter((v) => {
        const dangling = args.filter?.dangling;
        if (dangling === undefined) return true;
        return dangling === (v.used_by.length + v.used_by_hidden === 0);
      })
      .sort((a, b) => a.name.localeCompare(b.name));
    const filtered = args.filter !== undefined && Object.values(args.filter).some((v) => v !== undefined);
    const unused = rows.filter((v) => v.used_by.length + v.used_by_hidden === 0).length;
    let summary = `${rows.length} volume${rows.length === 1 ? "" : "s"} (${unused} unused)`;
    if (args.size) {
      const total = rows.reduce((sum, v) => sum + (v.size_bytes ?? 0), 0);
      summary += `, ${formatBytes(total)} in total`;
    }
    if (!filtered && hidden > 0) summary += `; ${hidden} hidden by policy`;
    return { volumes: rows, summary, ...(filtered ? {} : { hidden }) };
  };
}
