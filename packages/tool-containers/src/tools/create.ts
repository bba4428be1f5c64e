import {
  CREATED_BY_LABEL,
  inheritedFacts,
  mergeCreateFacts,
  mountedVolumes,
  volumeRecordFacts,
  withRealBindsOnLocalDaemon,
} from "@arktechnwa/docker-kit";
import {
  defineTool,
  type MountSpec,
  parseVolumeSpec,
  type ResolvedResource,
  secretValuesFromArgv,
  secretValuesFromEnv,
  type TargetRef,
  ToolError,
  type ToolHandler,
} from "@arktechnwa/docker-mcp-core";
import type { VolumeIdentity } from "@arktechnwa/docker-mcp-engine";
import { z } from "zod";
import { commandInput, envInput, toArgv, toEnvEntries } from "../command-input.js";
import type { ContainersDeps } from "../deps.js";

/** Every container made through docker-mcp carries this label, so people can tell where it came from. */
export { CREATED_BY_LABEL };

const MEMORY = /^(\d+(?:\.\d+)?)\s*([kmgt]?)b?$/i;
const UNIT: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

export function parseMemory(value: string | number): number | undefined {
  if (typeof value === "number") return Number.isInteger(value) && value > 0 ? value : undefined;
  const m = MEMORY.exec(value.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * (UNIT[(m[2] ?? "").toLowerCase()] ?? 1));
}

const input = z.strictObject({
  image: z
    .string()
    .min(1)
    .describe(
      "Image reference, e.g. 'nginx:1.27' or 'myorg/api:2'. It must already be present (pull it first).",
    ),
  name: z
    .string()
    .regex(
      /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/,
      "may contain letters, digits, _ . - and must start with a letter or digit",
    )
    .optional(),
  command: commandInput
    .optional()
    .describe("Override the image's command: a string (split like a shell would) or an argv array."),
  env: envInput.optional(),
  ports: z
    .array(
      z
        .string()
        .regex(
          /^(\[?[0-9a-fA-F.:]+\]?:)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
          "use host:container[/proto], e.g. 8080:80/tcp",
        ),
    )
    .optional()
    .describe("Like docker run -p: '8080:80/tcp', '127.0.0.1:8080:80', '80'."),
  volumes: z
    .array(
      z
        .string()
        .min(1)
        .superRefine((spec, check) => {
          const parsed = parseVolumeSpec(spec);
          if (!parsed.ok) check.addIssue({ code: "custom", message: parsed.problem });
        }),
    )
    .optional()
    .describe(
      "Like docker run -v: '/host/path:/in/container:ro', 'volname:/data', '/in/container'. Exactly these forms: no whitespace, relative paths or '..'.",
    ),
  labels: z.record(z.string().min(1), z.string()).optional(),
  restart: z.enum(["no", "always", "unless-stopped", "on-failure"]).optional(),
  memory: z
    .union([z.string(), z.number().int().positive()])
    .optional()
    .describe("Memory limit: '512m', '1g' or bytes."),
  cpus: z.number().positive().max(1024).optional().describe("CPU limit, e.g. 0.5."),
  network: z
    .string()
    .min(1)
    .optional()
    .describe("Network to join ('bridge', a user network, or 'host' if the policy allows it)."),
  privileged: z.boolean().optional().describe("Refused unless create_safety.allow_privileged is true."),
  pid: z
    .literal("host")
    .optional()
    .describe("'host' shares the host's PID namespace; refused unless create_safety.allow_host_pid."),
  cap_add: z
    .array(z.string().min(1))
    .optional()
    .describe("Capabilities to add; refused unless create_safety.allow_cap_add permits them."),
  start: z.boolean().optional().describe("Start the container after creating it (default false)."),
});

const output = z.object({
  id: z.string(),
  name: z.string().optional(),
  image: z.string(),
  started: z.boolean(),
  warnings: z.array(z.string()),
});

/**
 * `container:<ref>` joins another container's network namespace, reaching its services on
 * 127.0.0.1: that container is resolved and must be allowed like any target. Any other value is a
 * network for the network lists (`host` is also judged by create_safety).
 */
export function networkTargets(network: string | undefined): TargetRef[] {
  if (!network) return [];
  if (network.startsWith("container:"))
    return [{ kind: "container", ref: network.slice("container:".length) }];
  return [{ kind: "network", ref: network }];
}

/**
 * The `-v` specs, parsed once by the policy's parser: the same mounts are judged (create facts, volume
 * targets) and sent to the engine. Input validation already refused any spec the parser refuses.
 */
export function parseVolumes(volumes: readonly string[] | undefined): MountSpec[] {
  return (volumes ?? []).map((spec) => {
    const parsed = parseVolumeSpec(spec);
    if (!parsed.ok) throw new ToolError("invalid_input", parsed.problem);
    return parsed.mount;
  });
}

/** The named volumes of `-v` specs ("data:/var/lib/x"); host paths and anonymous volumes are not named. */
export function namedVolumes(volumes: string[] | undefined): string[] {
  return parseVolumes(volumes).flatMap((m) => (m.type === "volume" && m.source ? [m.source] : []));
}

/**
 * The network as decided: given by its name, that name (so "bridge" and "host" keep their meaning);
 * given by ID or ID prefix, the full ID it resolved to, so a network created meanwhile with that
 * prefix as its name cannot take its place.
 */
function networkToSend(network: string, targets: readonly ResolvedResource[]): string {
  if (network.startsWith("container:")) {
    // The container joined is the one judged, by its full ID: not whatever holds its name later.
    const joined = targets.find((t) => t.kind === "container" && t.id !== undefined);
    return joined?.id ? `container:${joined.id}` : network;
  }
  const resolved = targets.find((t) => t.kind === "network");
  if (!resolved?.id || resolved.names.includes(network)) return network;
  return resolved.id;
}

export const createTool = defineTool({
  name: "docker_create",
  title: "Create a container",
  description:
    "Create (and optionally start) a container from a local image. The image must pass the policy's image lists; " +
    "settings that hand over the host (privileged, host network or PID, Docker socket or / or /etc mounts, added " +
    "capabilities) are refused unless the policy's create_safety allows them.",
  levels: ["create"],
  timeoutClass: "lifecycle",
  effect: "write",
  input,
  output,
  targetKinds: ["image", "container", "network", "volume"],
  // The new container's name and named volumes may not exist yet. A network must exist: it is
  // resolved, so the network lists hold when it is given by ID or ID prefix. A named volume that
  // exists is resolved, and judged by what its record mounts.
  bareKinds: ["container", "volume"],
  targets: (args) => [
    { kind: "image", ref: args.image },
    // Unnamed, the new container has no name the container lists could judge: the policy then refuses
    // it whenever those lists are set, and says to give it a name.
    { kind: "container", ref: args.name ?? "", resolve: false, image: args.image },
    // Named volumes answer to the volume lists; host paths are binds, checked by create_safety.
    ...namedVolumes(args.volumes).map((ref) => ({ kind: "volume", ref, mounted: true })),
    ...networkTargets(args.network),
  ],
  create: (args) => ({
    ...(args.privileged !== undefined ? { privileged: args.privileged } : {}),
    ...(args.network ? { networkMode: args.network } : {}),
    ...(args.pid ? { pidMode: args.pid } : {}),
    ...(args.cap_add ? { capAdd: args.cap_add } : {}),
    ...(args.volumes ? { mounts: parseVolumes(args.volumes) } : {}),
  }),
  render: (out) =>
    `${out.started ? "Created and started" : "Created"} ${out.name ?? out.id.slice(0, 12)} (${out.id.slice(0, 12)}) from ${out.image}` +
    (out.warnings.length ? `\nwarnings: ${out.warnings.join("; ")}` : ""),
});

export function createHandler(deps: ContainersDeps): ToolHandler<typeof input, typeof output> {
  return async (args, ctx) => {
    const memoryBytes = args.memory === undefined ? undefined : parseMemory(args.memory);
    if (args.memory !== undefined && memoryBytes === undefined) {
      throw new ToolError(
        "invalid_input",
        `memory "${args.memory}" is not a size; use e.g. "512m", "1g" or a number of bytes.`,
      );
    }
    const env = args.env ? toEnvEntries(args.env) : undefined;
    const cmd = args.command ? toArgv(args.command) : undefined;
    // The new container's secrets are masked in this answer (a start error may quote them).
    if (env) ctx.addSecrets(secretValuesFromEnv(env));
    if (cmd) ctx.addSecrets(secretValuesFromArgv(cmd));
    await judgeWhatItMounts(deps, args, ctx);
    const created = await deps.engine.createContainer(
      {
        image: args.image,
        ...(args.name ? { name: args.name } : {}),
        ...(cmd ? { cmd } : {}),
        ...(env ? { env } : {}),
        ...(args.ports ? { ports: args.ports } : {}),
        ...(args.volumes ? { mounts: parseVolumes(args.volumes) } : {}),
        labels: { ...args.labels, [CREATED_BY_LABEL]: "docker-mcp" },
        ...(args.restart ? { restart: args.restart } : {}),
        ...(memoryBytes ? { memoryBytes } : {}),
        ...(args.cpus ? { nanoCpus: Math.round(args.cpus * 1e9) } : {}),
        ...(args.network ? { network: networkToSend(args.network, ctx.targets) } : {}),
        ...(args.privileged !== undefined ? { privileged: args.privileged } : {}),
        ...(args.pid ? { pidMode: args.pid } : {}),
        ...(args.cap_add ? { capAdd: args.cap_add } : {}),
      },
      ctx.signal,
    );
    let started = false;
    const warnings = [...created.warnings];
    if (args.start) {
      try {
        await deps.engine.startContainer(created.id, ctx.signal);
        started = true;
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        warnings.push(`created but could not start: ${(error as Error).message}`);
      }
    }
    return {
      id: created.id,
      ...(args.name ? { name: args.name } : {}),
      image: args.image,
      started,
      warnings,
    };
  };
}

/**
 * What the new container really gets beyond its stated settings, judged before it is created: each
 * named volume as the daemon's record says (a volume created elsewhere as a bind of /etc is a bind of
 * /etc), and the namespace of a container it joins (`network: container:X` where X uses the host's
 * network). A named volume that does not exist yet is created here with no driver options, so the
 * volume mounted is the one judged, not one someone else creates meanwhile; if the call is then refused,
 * the volumes it created are removed again.
 */
async function judgeWhatItMounts(
  deps: ContainersDeps,
  args: z.output<typeof input>,
  ctx: Parameters<ToolHandler<typeof input, typeof output>>[1],
): Promise<void> {
  const uses = parseVolumes(args.volumes).flatMap((m) =>
    m.type === "volume" && m.source ? [{ name: m.source, target: m.target }] : [],
  );
  const joined = args.network?.startsWith("container:")
    ? ctx.targets.find((t) => t.kind === "container" && t.id !== undefined)?.id
    : undefined;
  if (uses.length === 0 && joined === undefined) return;
  const found = await mountedVolumes(deps.engine, uses, ctx.signal);
  const made: VolumeIdentity[] = [];
  for (const name of found.missing) {
    made.push(
      await deps.engine.createVolume({ name, labels: { [CREATED_BY_LABEL]: "docker-mcp" } }, ctx.signal),
    );
  }
  const madeFacts = volumeRecordFacts(
    uses.flatMap((u) => {
      const volume = made.find((v) => v.name === u.name);
      return volume ? [{ volume, target: u.target }] : [];
    }),
  );
  const inherited = joined
    ? await inheritedFacts(deps.engine, [{ ref: joined, via: "network" }], ctx.signal)
    : {};
  const facts = await withRealBindsOnLocalDaemon(
    deps.engine.endpoint,
    mergeCreateFacts(mergeCreateFacts(found.facts, madeFacts), inherited),
  );
  if (Object.keys(facts).length === 0) return;
  const d = ctx.authorize({ subject: "volumes and namespaces of the new container", create: facts });
  if (d.allowed) return;
  // Only volumes as this call asked for them (the daemon answers a name someone else took meanwhile
  // with that volume) and that nothing uses are removed (never forced).
  const ours = made.filter(
    (v) => v.labels[CREATED_BY_LABEL] === "docker-mcp" && Object.keys(v.options).length === 0,
  );
  await Promise.all(
    ours.map((v) => deps.engine.removeVolume(v.name, false, ctx.signal).catch(() => undefined)),
  );
  throw new ToolError(
    "denied",
    `Denied by policy: ${d.reasons.map((r) => r.message).join(" ")} Nothing was created.`,
  );
}
