import {
  actedOnNothing,
  actOnEach,
  CREATED_BY_LABEL,
  type DockerDeps,
  renderItems,
  summarizeItems,
} from "@arktechnwa/docker-kit";
import { defineTool, errorCode, type ToolHandler, volumeCreateFacts } from "@arktechnwa/docker-mcp-core";
import { z } from "zod";
import { VOLUME_ITEMS, volumeItem } from "../items.js";

const input = z.strictObject({
  name: z
    .string()
    .regex(
      /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$/,
      "letters, digits, '_', '.' and '-', starting with a letter or digit",
    )
    .describe("Name of the new volume."),
  driver: z.string().min(1).optional().describe("Volume driver (default local)."),
  driver_opts: z
    .record(z.string().min(1), z.string())
    .optional()
    .describe("Driver options, e.g. { type: 'tmpfs', device: 'tmpfs', o: 'size=64m' } for local."),
  labels: z.record(z.string().min(1), z.string()).optional(),
});

const output = z.object({
  results: z.array(volumeItem),
  volume: z
    .object({ name: z.string(), driver: z.string(), mountpoint: z.string() })
    .optional()
    .describe("The volume as created."),
  summary: z.string(),
});

export const volumeCreateTool = defineTool({
  name: "docker_volume_create",
  title: "Create a volume",
  description:
    "Create a named volume (local driver by default). The name is checked against the volume lists; a " +
    `volume of that name that exists already is left as it is. Labeled ${CREATED_BY_LABEL}=docker-mcp.`,
  levels: ["volumes"],
  timeoutClass: "lifecycle",
  effect: "write",
  idempotent: true,
  input,
  output,
  targetKinds: [],
  bareKinds: ["volume"],
  targets: (args) => [{ kind: "volume", ref: args.name, resolve: false }],
  // `local` driver options can make the volume a bind of a host path (`type: none, o: bind, device: /etc`)
  // or a mount of a host disk: judged by create_safety as that bind, by its real path too.
  // Options that cannot be judged (unknown local keys, a bind without a device) and a plugin's options
  // (unless create_safety.allowed_volume_drivers trusts it) are refused.
  create: (args) => {
    const facts = volumeCreateFacts(`volume ${args.name}`, args.driver, args.driver_opts);
    return Object.keys(facts).length === 0 ? undefined : facts;
  },
  render: (out) =>
    renderItems(out.summary, out.results, "volume") +
    (out.volume ? `\nmountpoint ${out.volume.mountpoint}` : ""),
  failed: (out) => actedOnNothing(out.results),
});

export function volumeCreateHandler(deps: DockerDeps): ToolHandler<typeof input, typeof output> {
  return async (args, ctx) => {
    let volume: z.input<typeof output>["volume"];
    const results = await actOnEach([args.name], ctx, VOLUME_ITEMS, async (_target, signal) => {
      // The daemon answers an existing name with that volume and no error: say so instead of "created".
      const existing = await deps.engine.inspectVolume(args.name, signal).catch((error: unknown) => {
        if (errorCode(error) === "NOT_FOUND") return undefined;
        throw error;
      });
      if (existing) {
        return {
          status: "unchanged",
          message: `already exists (driver ${existing.driver}); left as it is`,
        };
      }
      const created = await deps.engine.createVolume(
        {
          name: args.name,
          ...(args.driver ? { driver: args.driver } : {}),
          ...(args.driver_opts ? { driverOpts: args.driver_opts } : {}),
          labels: { ...args.labels, [CREATED_BY_LABEL]: "docker-mcp" },
        },
        signal,
      );
      volume = { name: created.name, driver: created.driver, mountpoint: created.mountpoint };
      return { status: "done", message: `created (driver ${created.driver})` };
    });
    return { results, ...(volume ? { volume } : {}), summary: summarizeItems("created", results) };
  };
}
