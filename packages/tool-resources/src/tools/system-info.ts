import type { DockerDeps } from "@arktechnwa/docker-kit";
import { defineTool, formatBytes, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import { z } from "zod";

const input = z.strictObject({});

const output = z.object({
  name: z.string().describe("The daemon host's name."),
  server_version: z.string(),
  api_version: z.string().describe("The Engine API version spoken with it."),
  os: z.string(),
  os_type: z.string(),
  kernel: z.string(),
  architecture: z.string(),
  cpus: z.number().int(),
  memory: z.string().describe("e.g. '7.8GB'"),
  memory_bytes: z.number().int(),
  storage_driver: z.string(),
  docker_root_dir: z.string(),
  logging_driver: z.string(),
  cgroup_driver: z.string(),
  cgroup_version: z.string(),
  default_runtime: z.string(),
  live_restore: z.boolean(),
  containers: z
    .object({
      total: z.number().int(),
      running: z.number().int(),
      paused: z.number().int(),
      stopped: z.number().int(),
    })
    .describe("Daemon-wide counts, containers the policy hides included (no names)."),
  images: z.number().int().describe("Daemon-wide count."),
  swarm: z.string().describe("inactive, active, pending, error or locked."),
  security_options: z.array(z.string()),
  insecure_registries: z.array(z.string()),
  registry_mirrors: z.array(z.string()),
  warnings: z.array(z.string()),
});

export const systemInfoTool = defineTool({
  name: "docker_system_info",
  title: "Daemon information",
  description:
    "Describe the Docker daemon and its host: versions, OS and kernel, CPUs and memory, storage and logging " +
    "drivers, cgroups, container and image counts, swarm state, registries, the daemon's own warnings.",
  levels: ["system"],
  timeoutClass: "read",
  effect: "read",
  input,
  output,
  render: (o) =>
    [
      `${o.name}: Docker ${o.server_version} (API ${o.api_version}) on ${o.os} ${o.kernel} ${o.architecture}, ${o.cpus} CPUs, ${o.memory}`,
      `storage ${o.storage_driver} in ${o.docker_root_dir}; logging ${o.logging_driver}; cgroup ${o.cgroup_driver} v${o.cgroup_version}`,
      `containers ${o.containers.total} (${o.containers.running} running, ${o.containers.paused} paused, ${o.containers.stopped} stopped); images ${o.images}; swarm ${o.swarm}`,
      ...o.warnings.map((w) => `warning: ${w}`),
    ].join("\n"),
});

const str = (v: unknown): string =>
  typeof v === "string" ? v : v === undefined || v === null ? "" : String(v);
const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? Math.trunc(v) : 0);
const strs = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];

export function systemInfoHandler(deps: DockerDeps): ToolHandler<typeof input, typeof output> {
  return async (_args, ctx) => {
    const [info, ping] = await Promise.all([
      deps.engine.systemInfo(ctx.signal),
      deps.engine.ping(ctx.signal),
    ]);
    const registry = (info.RegistryConfig ?? {}) as {
      InsecureRegistryCIDRs?: unknown;
      IndexConfigs?: unknown;
      Mirrors?: unknown;
    };
    const insecure = [
      ...strs(registry.InsecureRegistryCIDRs),
      ...Object.entries((registry.IndexConfigs ?? {}) as Record<string, { Secure?: boolean }>)
        .filter(([, c]) => c?.Secure === false)
        .map(([name]) => name),
    ];
    const swarm = (info.Swarm ?? {}) as { LocalNodeState?: unknown };
    const memory = num(info.MemTotal);
    return {
      name: str(info.Name),
      server_version: str(info.ServerVersion),
      api_version: ping.apiVersion,
      os: str(info.OperatingSystem),
      os_type: str(info.OSType),
      kernel: str(info.KernelVersion),
      architecture: str(info.Architecture),
      cpus: num(info.NCPU),
      memory: formatBytes(memory),
      memory_bytes: memory,
      storage_driver: str(info.Driver),
      docker_root_dir: str(info.DockerRootDir),
      logging_driver: str(info.LoggingDriver),
      cgroup_driver: str(info.CgroupDriver),
      cgroup_version: str(info.CgroupVersion),
      default_runtime: str(info.DefaultRuntime),
      live_restore: info.LiveRestoreEnabled === true,
      containers: {
        total: num(info.Containers),
        running: num(info.ContainersRunning),
        paused: num(info.ContainersPaused),
        stopped: num(info.ContainersStopped),
      },
      images: num(info.Images),
      swarm: str(swarm.LocalNodeState) || "inactive",
      security_options: strs(info.SecurityOptions),
      insecure_registries: insecure,
      registry_mirrors: strs(registry.Mirrors),
      warnings: strs(info.Warnings),
    };
  };
}
