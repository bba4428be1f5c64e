import type { ApiClient } from "./api-client.js";
import { statusRules } from "./daemon-errors.js";
import { portBindings } from "./port-spec.js";
import type { CreateContainerSpec } from "./types.js";
import { volumeBinds } from "./volume-spec.js";

/** The POST /containers/create body for a docker-run-like spec (pure; throws EngineError INVALID). */
export function createBody(spec: CreateContainerSpec): Record<string, unknown> {
  const { exposedPorts, portBindings: bindings } = portBindings(spec.ports ?? []);
  const { binds, anonymous } = volumeBinds(spec.mounts ?? []);
  const hostConfig: Record<string, unknown> = {};
  if (binds.length) hostConfig["Binds"] = binds;
  if (Object.keys(bindings).length) hostConfig["PortBindings"] = bindings;
  if (spec.restart) hostConfig["RestartPolicy"] = { Name: spec.restart };
  if (spec.memoryBytes !== undefined) hostConfig["Memory"] = spec.memoryBytes;
  if (spec.nanoCpus !== undefined) hostConfig["NanoCpus"] = spec.nanoCpus;
  if (spec.network) hostConfig["NetworkMode"] = spec.network;
  if (spec.privileged !== undefined) hostConfig["Privileged"] = spec.privileged;
  if (spec.pidMode) hostConfig["PidMode"] = spec.pidMode;
  if (spec.capAdd?.length) hostConfig["CapAdd"] = spec.capAdd;
  return {
    Image: spec.image,
    ...(spec.cmd ? { Cmd: spec.cmd } : {}),
    ...(spec.env ? { Env: spec.env } : {}),
    ...(spec.labels ? { Labels: spec.labels } : {}),
    ...(Object.keys(exposedPorts).length ? { ExposedPorts: exposedPorts } : {}),
    ...(Object.keys(anonymous).length ? { Volumes: anonymous } : {}),
    HostConfig: hostConfig,
  };
}

/** POST /containers/create. Never pulls: a missing image is NOT_FOUND ("pull it first"). */
export async function createContainer(
  api: ApiClient,
  spec: CreateContainerSpec,
  signal: AbortSignal,
): Promise<{ id: string; warnings: string[] }> {
  const body = createBody(spec);
  const created = await api.json<{ Id: string; Warnings?: string[] | null }>(
    {
      method: "POST",
      path: "/containers/create",
      query: { name: spec.name },
      body,
      ok: [201],
      what: `create a container from '${spec.image}'`,
    },
    signal,
    statusRules(api.endpoint, [
      {
        status: 404,
        message: /no such image/i,
        code: "NOT_FOUND",
        text: () =>
          `Image '${spec.image}' is not present locally: pull it first (docker_pull, or 'docker pull ${spec.image}'). Creating never pulls.`,
      },
      // The daemon names the container holding the name by its full ID: one the caller may not be
      // allowed to see, so the message leaves it out.
      ...(spec.name
        ? [
            {
              status: 409,
              message: /already in use/i,
              code: "CONFLICT" as const,
              text: () =>
                `The name '${spec.name}' is already in use by another container; choose another name or remove that container first.`,
            },
          ]
        : []),
      {
        status: 409,
        code: "CONFLICT",
        text: (m) => `Could not create the container: ${m.replace(/\b[0-9a-f]{12,64}\b/g, "(ID hidden)")}`,
      },
      { status: 400, code: "INVALID", text: (m) => `Docker refused the container spec: ${m}` },
    ]),
  );
  return { id: created.Id, warnings: created.Warnings ?? [] };
}

/** DELETE /containers/{id}: force kills a running container first; volumes removes anonymous volumes. */
export async function removeContainer(
  api: ApiClient,
  id: string,
  options: { force?: boolean; volumes?: boolean },
  signal: AbortSignal,
): Promise<void> {
  const short = id.slice(0, 12);
  await api.json<unknown>(
    {
      method: "DELETE",
      path: `/containers/${encodeURIComponent(id)}`,
      query: { force: options.force ?? false, v: options.volumes ?? false },
      what: `remove container ${short}`,
    },
    signal,
    statusRules(api.endpoint, [
      {
        status: 409,
        code: "CONFLICT",
        text: (m) => `Could not remove container ${short}: ${m}. Stop it first or use force.`,
      },
      {
        status: 404,
        code: "NOT_FOUND",
        text: () => `Could not remove container ${short}: no such container.`,
      },
    ]),
  );
}
