import type { ApiClient } from "./api-client.js";
import { daemonMessage, statusOf } from "./daemon-errors.js";
import { EngineError } from "./errors.js";
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
    (error) => {
      const status = statusOf(error);
      const message = daemonMessage(error);
      const options = { cause: error, statusCode: status, endpoint: api.endpoint };
      if (status === 404 && /no such image/i.test(message)) {
        return new EngineError(
          "NOT_FOUND",
          `Image '${spec.image}' is not present locally: pull it first (docker_pull, or 'docker pull ${spec.image}'). Creating never pulls.`,
          options,
        );
      }
      if (status === 409) {
        // The daemon names the container holding the name by its full ID: one the caller may not be
        // allowed to see, so the message leaves it out.
        if (spec.name && /already in use/i.test(message)) {
          return new EngineError(
            "CONFLICT",
            `The name '${spec.name}' is already in use by another container; choose another name or remove that container first.`,
            options,
          );
        }
        return new EngineError(
          "CONFLICT",
          `Could not create the container: ${message.replace(/\b[0-9a-f]{12,64}\b/g, "(ID hidden)")}`,
          options,
        );
      }
      if (status === 400)
        return new EngineError("INVALID", `Docker refused the container spec: ${message}`, options);
      return undefined;
    },
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
    (error) => {
      const status = statusOf(error);
      if (status === 409) {
        return new EngineError(
          "CONFLICT",
          `Could not remove container ${short}: ${daemonMessage(error)}. Stop it first or use force.`,
          { cause: error, statusCode: status, endpoint: api.endpoint },
        );
      }
      if (status === 404) {
        return new EngineError("NOT_FOUND", `Could not remove container ${short}: no such container.`, {
          cause: error,
          statusCode: status,
          endpoint: api.endpoint,
        });
      }
      return undefined;
    },
  );
}
