import { displayName, targetData } from "@arktechnwa/docker-kit";
import { defineTool, ToolError, type ToolHandler } from "@arktechnwa/docker-mcp-core";
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
    `${out.container.name} (${out.container.id.slice(0, 12)}) ${out.section}: ${facts(out.data).join("; ")}. ` +
    `The ${out.section === "all" ? "whole inspect document" : `${out.section} section`} is in the structured content.`,
});

/**
 * The facts a reader looks for first, from whatever part of the document is there: the text names them
 * and leaves the document itself to the structured content instead of repeating it.
 */
function facts(doc: Doc): string[] {
  const out: string[] = [];
  const config = (doc.Config ?? {}) as Doc;
  const state = doc.State as Doc | undefined;
  const host = (doc.HostConfig ?? {}) as Doc;
  const net = doc.NetworkSettings as Doc | undefined;
  if (typeof config.Image === "string") out.push(`image ${config.Image}`);
  if (state) {
    const health = (state.Health as Doc | undefined)?.Status;
    let line = `${String(state.Status ?? "unknown")}`;
    if (state.Status === "running" && state.StartedAt) line += ` since ${String(state.StartedAt)}`;
    if (state.Status !== "running" && state.FinishedAt)
      line += ` (exit ${String(state.ExitCode)} at ${String(state.FinishedAt)})`;
    if (state.OOMKilled === true) line += ", OOM-killed";
    if (health) line += `, health ${String(health)}`;
    if (typeof state.Error === "string" && state.Error) line += `, error: ${state.Error}`;
    out.push(line);
  }
  if (typeof doc.RestartCount === "number" && doc.RestartCount > 0) out.push(`${doc.RestartCount} restarts`);
  const policy = (host.RestartPolicy as Doc | undefined)?.Name;
  if (typeof policy === "string" && policy) out.push(`restart ${policy}`);
  if (Array.isArray(doc.Args) || typeof doc.Path === "string")
    out.push(
      `command ${[doc.Path, ...((doc.Args as unknown[]) ?? [])].filter((w) => w !== undefined).join(" ")}`,
    );
  if (Array.isArray(config.Env)) out.push(`${config.Env.length} env vars`);
  const networks = net?.Networks as Record<string, Doc> | undefined;
  if (networks) {
    const names = Object.entries(networks).map(([n, v]) =>
      v?.IPAddress ? `${n} ${String(v.IPAddress)}` : n,
    );
    out.push(`networks ${names.join(", ") || "none"}`);
  }
  const ports = net?.Ports as Record<string, { HostIp?: string; HostPort?: string }[] | null> | undefined;
  if (ports) {
    const shown = Object.entries(ports).map(([p, b]) =>
      b?.length ? `${b.map((x) => `${x.HostIp ? `${x.HostIp}:` : ""}${x.HostPort}`).join(",")}->${p}` : p,
    );
    if (shown.length) out.push(`ports ${shown.join(", ")}`);
  }
  if (Array.isArray(doc.Mounts))
    out.push(
      doc.Mounts.length
        ? `mounts ${(doc.Mounts as Doc[]).map((m) => `${String(m.Source ?? m.Name ?? "")}:${String(m.Destination)}`).join(", ")}`
        : "no mounts",
    );
  return out.length ? out : ["no details in this section"];
}

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
    let doc = resolvedDocument(identity);
    if (!doc) {
      // Resolved from what the daemon's events keep current: the document comes now, by full ID. If it
      // names the container otherwise than the identity the policy judged, it was renamed meanwhile.
      doc = await deps.engine.inspectContainer(identity.id, ctx.signal);
      const name = typeof doc.Name === "string" ? doc.Name.replace(/^\//, "") : "";
      if (!identity.names.includes(name))
        throw new ToolError(
          "conflict",
          `${displayName(identity)} was renamed while it was being looked up; call docker_inspect again.`,
        );
    }
    const which = args.section ?? "all";
    return {
      container: { id: identity.id, name: displayName(identity) },
      section: which,
      data: section(doc, which),
    };
  };
}
