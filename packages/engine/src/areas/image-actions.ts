import type { IncomingMessage } from "node:http";
import type { ApiClient } from "../api-client.js";
import { daemonMessage, statusOf } from "../daemon-errors.js";
import { EngineError } from "../errors.js";
import { type ProgressMessage, ProgressReader } from "../json-progress.js";
import { type LayerState, type PullProgressEvent, PullTracker } from "../pull-progress.js";

/** What `inspect` tells about an image, beyond its identity. */
export interface ImageDetails {
  id: string;
  tags: string[];
  digests: string[];
  /** RFC 3339, as the daemon says. */
  created: string;
  size: number;
  architecture: string;
  os: string;
  author: string;
  config: {
    entrypoint: string[];
    cmd: string[];
    /** KEY=VALUE entries (the caller masks secret values). */
    env: string[];
    exposedPorts: string[];
    labels: Record<string, string>;
    workingDir: string;
    user: string;
    /** ONBUILD triggers: instructions that run in a build using this image as its base. */
    onBuild: string[];
  };
  /** Layer digests of the root file system, bottom first. */
  layers: string[];
}

export interface HistoryEntry {
  /** Image ID of this step, or "<missing>" for layers built elsewhere. */
  id: string;
  /** Unix seconds. */
  created: number;
  createdBy: string;
  size: number;
  tags: string[];
  comment: string;
}

export interface PullOptions {
  /** Repository without tag or digest: `127.0.0.1:5000/app`, `nginx`. */
  repository: string;
  /** A tag (`1.27`) or a digest (`sha256:...`). Never empty: an empty tag pulls every tag. */
  tagOrDigest: string;
  platform?: string;
  /** X-Registry-Auth value (base64url JSON). */
  registryAuth?: string;
}

export interface PullResult {
  digest?: string;
  /** "Downloaded newer image for x" / "Image is up to date for x". */
  outcome?: string;
  layers: LayerState[];
}

export interface BuildOptions {
  /** The context as a tar stream; destroyed when the build ends, fails or is aborted. */
  context: NodeJS.ReadableStream & { destroy?: (error?: Error) => void };
  /** Path of the Dockerfile inside the context. */
  dockerfile: string;
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
  platform?: string;
  /** The stage of a multi-stage Dockerfile to build (default: the last). */
  target?: string;
  /** X-Registry-Config value (base64 JSON of credentials per registry), for base images to pull. */
  registryConfig?: string;
}

export interface BuildEvent {
  /** A line of build output, or undefined for other messages. */
  line?: string;
  /** "Step 2/5 : COPY . /app" when the line starts a step. */
  step?: { index: number; count: number };
}

export interface BuildResult {
  /** The built image's ID. */
  imageId: string;
  /** The last lines of output (at most 200). */
  output: string[];
}

export interface RemovedImage {
  untagged: string[];
  deleted: string[];
}

export async function inspectImageDetails(
  api: ApiClient,
  ref: string,
  signal: AbortSignal,
): Promise<ImageDetails> {
  const raw = await api.json<Record<string, unknown>>(
    { method: "GET", path: `/images/${encodeURIComponent(ref)}/json`, what: `inspect image '${ref}'` },
    signal,
    (error) => notFound(api, error, ref),
  );
  const config = (raw["Config"] ?? {}) as Record<string, unknown>;
  const rootFs = (raw["RootFS"] ?? {}) as Record<string, unknown>;
  return {
    id: str(raw["Id"]),
    tags: strings(raw["RepoTags"]).filter((t) => t !== "<none>:<none>"),
    digests: strings(raw["RepoDigests"]).filter((d) => d !== "<none>@<none>"),
    created: str(raw["Created"]),
    size: num(raw["Size"]),
    architecture: str(raw["Architecture"]),
    os: str(raw["Os"]),
    author: str(raw["Author"]),
    config: {
      entrypoint: strings(config["Entrypoint"]),
      cmd: strings(config["Cmd"]),
      env: strings(config["Env"]),
      exposedPorts: Object.keys((config["ExposedPorts"] ?? {}) as object).sort(),
      labels: (config["Labels"] ?? {}) as Record<string, string>,
      workingDir: str(config["WorkingDir"]),
      user: str(config["User"]),
      onBuild: strings(config["OnBuild"]),
    },
    layers: strings(rootFs["Layers"]),
  };
}

export async function imageHistory(
  api: ApiClient,
  ref: string,
  signal: AbortSignal,
): Promise<HistoryEntry[]> {
  const rows = await api.json<Record<string, unknown>[]>(
    {
      method: "GET",
      path: `/images/${encodeURIComponent(ref)}/history`,
      what: `read the history of image '${ref}'`,
    },
    signal,
    (error) => notFound(api, error, ref),
  );
  return (rows ?? []).map((r) => ({
    id: str(r["Id"]),
    created: num(r["Created"]),
    createdBy: str(r["CreatedBy"]),
    size: num(r["Size"]),
    tags: strings(r["Tags"]),
    comment: str(r["Comment"]),
  }));
}

/**
 * Pulls one tag or digest, relaying every layer change to `onProgress`. An error the daemon reports
 * inside its 200 answer (unknown manifest, denied) fails the call like any other.
 */
export async function pullImage(
  api: ApiClient,
  options: PullOptions,
  onProgress: (event: PullProgressEvent) => void,
  signal: AbortSignal,
): Promise<PullResult> {
  if (!options.tagOrDigest)
    throw new EngineError("INVALID", "A pull needs a tag or digest; an empty one would pull every tag.");
  const reference = `${options.repository}${options.tagOrDigest.includes(":") ? "@" : ":"}${options.tagOrDigest}`;
  const what = `pull ${reference}`;
  const res = await api.stream(
    {
      method: "POST",
      path: "/images/create",
      query: { fromImage: options.repository, tag: options.tagOrDigest, platform: options.platform },
      what,
      ...(options.registryAuth ? { registryAuth: options.registryAuth } : {}),
    },
    signal,
    (error) => registryError(api, error, what),
  );
  const tracker = new PullTracker();
  await readProgress(api, res, what, signal, (message) => {
    const event = tracker.update(message);
    if (event) onProgress(event);
  });
  return {
    ...(tracker.digest ? { digest: tracker.digest } : {}),
    ...(tracker.outcome ? { outcome: tracker.outcome } : {}),
    layers: tracker.snapshot(),
  };
}

/**
 * Builds from a streamed context without tagging (the caller tags once it has checked the result),
 * relaying output lines. The context stream is destroyed when the build ends, however it ends.
 */
export async function buildImage(
  api: ApiClient,
  options: BuildOptions,
  onEvent: (event: BuildEvent) => void,
  signal: AbortSignal,
): Promise<BuildResult> {
  const what = "build the image";
  const output: string[] = [];
  let imageId = "";
  try {
    const res = await api.stream(
      {
        method: "POST",
        path: "/build",
        query: {
          dockerfile: options.dockerfile,
          buildargs: options.buildArgs ? JSON.stringify(options.buildArgs) : undefined,
          labels: options.labels ? JSON.stringify(options.labels) : undefined,
          platform: options.platform,
          target: options.target,
          rm: true,
          forcerm: true,
        },
        what,
        upload: options.context,
        ...(options.registryConfig ? { registryConfig: options.registryConfig } : {}),
      },
      signal,
      (error) => registryError(api, error, what),
    );
    let pending = "";
    const line = (text: string) => {
      output.push(text);
      if (output.length > 200) output.shift();
      const step = /^Step (\d+)\/(\d+) :/.exec(text);
      onEvent({
        line: text,
        ...(step ? { step: { index: Number(step[1]), count: Number(step[2]) } } : {}),
      });
    };
    await readProgress(api, res, what, signal, (message) => {
      const id = message.aux?.["ID"];
      if (typeof id === "string") imageId = id;
      if (message.stream !== undefined) {
        // Output arrives in pieces that need not end at a line break.
        const parts = (pending + message.stream).split("\n");
        pending = parts.pop() ?? "";
        for (const part of parts) if (part.trim() !== "") line(part.trimEnd());
      } else if (message.status !== undefined) {
        line(message.id ? `${message.id}: ${message.status}` : message.status);
      }
    });
    if (pending.trim() !== "") line(pending.trimEnd());
    if (!imageId) {
      // The classic builder before API 1.30 only prints "Successfully built <short id>".
      const built = output.map((l) => /^Successfully built ([0-9a-f]{12,64})$/.exec(l)?.[1]).find(Boolean);
      if (built) imageId = built;
    }
    if (!imageId) {
      throw new EngineError(
        "DAEMON",
        `The daemon finished the build without naming the image it built. Last output: ${output.slice(-5).join(" | ")}`,
        {
          endpoint: api.endpoint,
        },
      );
    }
    return { imageId, output };
  } finally {
    options.context.destroy?.();
  }
}

/** DELETE /images/{ref}: what was untagged and what was deleted. Conflicts (in use, several tags) are CONFLICT. */
export async function removeImage(
  api: ApiClient,
  ref: string,
  options: { force?: boolean; noprune?: boolean },
  signal: AbortSignal,
): Promise<RemovedImage> {
  const what = `remove image '${ref}'`;
  const rows = await api.json<{ Untagged?: string; Deleted?: string }[]>(
    {
      method: "DELETE",
      path: `/images/${encodeURIComponent(ref)}`,
      query: { force: options.force ? true : undefined, noprune: options.noprune ? true : undefined },
      what,
    },
    signal,
    (error) => notFound(api, error, ref),
  );
  const untagged: string[] = [];
  const deleted: string[] = [];
  for (const row of rows ?? []) {
    if (row.Untagged) untagged.push(row.Untagged);
    if (row.Deleted) deleted.push(row.Deleted);
  }
  return { untagged, deleted };
}

/** POST /images/{id}/tag: points `repository:tag` at the image. */
export async function tagImage(
  api: ApiClient,
  id: string,
  repository: string,
  tag: string,
  signal: AbortSignal,
): Promise<void> {
  await api.json(
    {
      method: "POST",
      path: `/images/${encodeURIComponent(id)}/tag`,
      query: { repo: repository, tag },
      ok: [200, 201],
      what: `tag image ${id.replace(/^sha256:/, "").slice(0, 12)} as ${repository}:${tag}`,
    },
    signal,
  );
}

async function readProgress(
  api: ApiClient,
  res: IncomingMessage,
  what: string,
  signal: AbortSignal,
  onMessage: (message: ProgressMessage) => void,
): Promise<void> {
  let failure: string | undefined;
  const reader = new ProgressReader((message) => {
    if (failure !== undefined) return;
    if (message.error !== undefined) failure = message.error;
    else onMessage(message);
  });
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      reader.push(chunk);
      if (failure !== undefined) break;
    }
    if (failure === undefined) reader.end();
  } catch (error) {
    throw api.toEngineError(error, { what }, signal);
  } finally {
    res.destroy();
  }
  if (failure !== undefined) throw streamedError(api, what, failure);
}

/** An error the daemon reported in the progress stream. */
function streamedError(api: ApiClient, what: string, message: string): EngineError {
  const text = message.trim();
  if (/manifest unknown|not found|does not exist|no such host/i.test(text)) {
    return new EngineError("NOT_FOUND", `Could not ${what}: ${text}. Check the name and tag (or digest).`, {
      endpoint: api.endpoint,
    });
  }
  if (/unauthorized|denied|authentication required|no basic auth/i.test(text)) {
    return new EngineError(
      "DAEMON",
      `Could not ${what}: the registry refused access (${text}). Log in with 'docker login' (docker-mcp uses the credentials in your Docker config) or check the name.`,
      { endpoint: api.endpoint },
    );
  }
  return new EngineError("DAEMON", `Could not ${what}: ${text}`, { endpoint: api.endpoint });
}

/** Registry trouble answered before the stream starts (404 unknown repository, 500 denied, 400 bad reference). */
function registryError(api: ApiClient, error: unknown, what: string): EngineError | undefined {
  const status = statusOf(error);
  if (status === undefined) return undefined;
  const text = daemonMessage(error);
  if (status === 400) {
    return new EngineError("INVALID", `Could not ${what}: ${text}. Fix the reference or the build options.`, {
      cause: error,
      statusCode: status,
      endpoint: api.endpoint,
    });
  }
  return streamedError(api, what, text);
}

function notFound(api: ApiClient, error: unknown, ref: string): EngineError | undefined {
  if ((error as { statusCode?: unknown })?.statusCode !== 404) return undefined;
  return new EngineError("NOT_FOUND", `No local image '${ref}'. docker_images lists the images there are.`, {
    cause: error,
    statusCode: 404,
    endpoint: api.endpoint,
  });
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
