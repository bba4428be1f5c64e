import { displayName, targetData } from "@arktechnwa/docker-kit";
import { defineTool, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import { type ContainerIdentity, resolvedDocument } from "@arktechnwa/docker-mcp-engine";
import { z } from "zod";
import type { ContainersDeps } from "../deps.js";

const SECTIONS = ["config", "state", "network", "mounts", "all"] as const;

const input = z.strictObject({
  container: z.string().min(1).describe("Container name, ID prefix or full ID."),
  section: z.enum(SECTIONS).optional().describe("Which part of the inspect document (default: all)."),
});

const output = z.object({
  container: z.object({ id: z.string(), name: z.string() }),
  section: z.enum(SECTIONS),
  data: z.record(z.string(), z.unknown()),
});

export const inspectTool = defineTool({
  name: "docker_inspect",
  title: "Inspect a container",
  description:
    "Show a container's configuration, state (exit code, OOM kill, health, restarts), network settings or mounts. " +
    "Secret environment values are masked.",
  levels: ["read"],
  timeoutClass: "read",
  effect: "read",
  input,
  output,
  targetKinds: ["container"],
  targets: (args) => [{ kind: "container", ref: args.container }],
  render: (out) =>
    `${out.container.name} (${out.container.id.slice(0, 12)}) ${out.section}:\n${JSON.stringify(out.data, null, 2)}`,
});

type Doc = Record<string, unknown>;

function pick(doc: Doc, keys: string[]): Doc {
  return Object.fromEntries(keys.filter((k) => doc[k] !== undefined).map((k) => [k, doc[k]]));
}

function section(doc: Doc, which: (typeof SECTIONS)[number]): Doc {
  const host = (doc.HostConfig ?? {}) as Doc;
  switch (which) {
    case "config":
      return {
        ...pick(doc, ["Id", "Name", "Created", "Path", "Args", "Image", "Platform", "Driver"]),
        Config: doc.Config,
        HostConfig: pick(host, [
          "RestartPolicy",
          "Memory",
          "NanoCpus",
          "CpuShares",
          "Privileged",
          "AutoRemove",
          "LogConfig",
          "CapAdd",
          "CapDrop",
          "PidMode",
          "ReadonlyRootfs",
        ]),
      };
    case "state":
      return pick(doc, ["State", "RestartCount", "Created"]);
    case "network":
      return {
        NetworkSettings: doc.NetworkSettings,
        HostConfig: pick(host, ["NetworkMode", "PortBindings", "PublishAllPorts", "Dns", "ExtraHosts"]),
      };
    case "mounts":
      return { Mounts: doc.Mounts, HostConfig: pick(host, ["Binds", "Tmpfs", "VolumesFrom"]) };
    case "all":
      return doc;
  }
}

export function inspectHandler(deps: ContainersDeps): ToolHandler<typeof input, typeof output> {
  return async (args, ctx) => {
    const identity = targetData<ContainerIdentity>(ctx, "container");
    // The document the container was resolved from, moments ago in this call: no second request.
    const doc = resolvedDocument(identity) ?? (await deps.engine.inspectContainer(identity.id, ctx.signal));
    const which = args.section ?? "all";
    return {
      container: { id: identity.id, name: displayName(identity) },
      section: which,
      data: section(doc, which),
    };
  };
}
