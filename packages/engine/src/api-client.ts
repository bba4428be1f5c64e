import { Agent as HttpAgent, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import type Dockerode from "dockerode";
import { abortError, raceAbort } from "./abort.js";
import type { ResolvedConnection } from "./connection.js";
import { mapDaemonError } from "./daemon-errors.js";
import { EngineError } from "./errors.js";

/** Highest Engine API version this client is written against; newer daemons are spoken to at this one. */
export const MAX_API_VERSION = "1.47";
const NEGOTIATION_TIMEOUT_MS = 15_000;

export interface RequestSpec {
  method: "GET" | "POST" | "DELETE" | "PUT" | "HEAD";
  /** Path without the version prefix, e.g. "/containers/abc/json". */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Statuses that count as success (default 200, 201, 204). */
  ok?: number[];
  /** Used in messages: "inspect container abc". */
  what: string;
  /** X-Registry-Auth (base64url JSON of one registry's credential). Never logged or put in a message. */
  registryAuth?: string;
  /** X-Registry-Config (base64 JSON of credentials per registry, for builds). Never logged either. */
  registryConfig?: string;
  /** A request body streamed as it is produced (a build context tar); the caller destroys it. */
  upload?: NodeJS.ReadableStream;
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

interface Modem {
  version?: string;
  dial(options: Record<string, unknown>, callback: (error: unknown, result: unknown) => void): void;
}

/**
 * Thin, deadline-aware layer over docker-modem: every request carries the caller's AbortSignal, streams
 * are destroyed on abort, errors become EngineErrors, and the API version is negotiated once, lazily.
 */
export class ApiClient {
  readonly endpoint: string;
  private readonly modemOptions: Dockerode.DockerOptions & Record<string, unknown>;
  private modemLoad: Promise<Modem> | undefined;
  private modem: Modem | undefined;
  private readonly agent: HttpAgent;
  private negotiated: Promise<string> | undefined;
  private version: string | undefined;
  private readonly isLocal: boolean;

  constructor(connection: ResolvedConnection) {
    this.endpoint = connection.endpoint;
    this.isLocal = connection.socketPath !== undefined;
    this.agent =
      connection.protocol === "https"
        ? new HttpsAgent({
            keepAlive: true,
            ca: connection.tls?.ca,
            cert: connection.tls?.cert,
            key: connection.tls?.key,
            rejectUnauthorized: connection.tls?.verify ?? true,
          })
        : new HttpAgent({ keepAlive: true });
    const options: Dockerode.DockerOptions & Record<string, unknown> = {
      // Every key set explicitly: docker-modem merges process.env defaults under these.
      socketPath: connection.socketPath,
      host: connection.host,
      port: connection.port,
      protocol: connection.protocol,
      ca: connection.tls?.ca,
      cert: connection.tls?.cert,
      key: connection.tls?.key,
      pathPrefix: "/",
      // Never an inactivity timeout: deadlines come from the caller's AbortSignal.
      timeout: undefined,
      agent: this.agent,
    };
    this.modemOptions = options;
    if (connection.apiVersion) {
      this.version = connection.apiVersion;
      this.negotiated = Promise.resolve(connection.apiVersion);
    }
  }

  /**
   * dockerode (with ssh2 and gRPC behind it) takes a few hundred milliseconds to import: it is loaded on
   * the first request, so a server starts and answers `initialize` without waiting for it.
   */
  private loadModem(): Promise<Modem> {
    this.modemLoad ??= import("dockerode").then(({ default: DockerodeClass }) => {
      const docker = withoutDockerEnv(() => new DockerodeClass(this.modemOptions));
      const modem = (docker as unknown as { modem: Modem }).modem;
      modem.version = this.version ? `v${this.version}` : undefined;
      this.modem = modem;
      return modem;
    });
    return this.modemLoad;
  }

  /** True when the daemon is reached through a local socket (its PIDs are then ours to inspect). */
  get local(): boolean {
    return this.isLocal;
  }

  get apiVersion(): string | undefined {
    return this.version;
  }

  /** GET /_ping without a version prefix; returns the headers that matter. */
  async ping(signal: AbortSignal): Promise<{ apiVersion?: string; engineVersion?: string }> {
    const res = await this.rawStream(
      { method: "GET", path: "/_ping", what: "ping the daemon" },
      signal,
      false,
    );
    res.resume();
    res.destroy();
    const apiVersion = headerValue(res.headers["api-version"]);
    const server = headerValue(res.headers["server"]);
    const engineVersion = server ? /Docker\/(\S+)/.exec(server)?.[1] : undefined;
    return { apiVersion, engineVersion };
  }

  /** Negotiates the API version once: the daemon's, capped at what this client knows. */
  ensureVersion(signal: AbortSignal): Promise<string> {
    if (!this.negotiated) {
      // Shared by concurrent callers, so it runs under its own deadline, not the first caller's signal;
      // each caller still leaves promptly through raceAbort below.
      const own = AbortSignal.timeout(NEGOTIATION_TIMEOUT_MS);
      const attempt = this.ping(own).then(({ apiVersion }) => {
        const version =
          apiVersion && /^\d+\.\d+$/.test(apiVersion)
            ? compareVersions(apiVersion, MAX_API_VERSION) > 0
              ? MAX_API_VERSION
              : apiVersion
            : "1.41";
        this.version = version;
        if (this.modem) this.modem.version = `v${version}`;
        return version;
      });
      attempt.catch(() => {});
      this.negotiated = attempt.catch((error: unknown) => {
        throw this.toEngineError(error, { what: "connect to Docker" }, own);
      });
      // A failed negotiation (daemon down, slow) is retried by the next call.
      const current = this.negotiated;
      current.catch(() => {
        if (this.negotiated === current) this.negotiated = undefined;
      });
    }
    return raceAbort(this.negotiated, signal, () =>
      abortError(signal, "Connecting to Docker", this.endpoint),
    );
  }

  /** A request whose (small) JSON body is parsed; errors mapped with `mapDaemonError` unless `mapError` handles them. */
  async json<T>(
    spec: RequestSpec,
    signal: AbortSignal,
    mapError?: (error: unknown) => EngineError | undefined,
  ): Promise<T> {
    await this.ensureVersion(signal);
    const modem = await this.loadModem();
    const work = new Promise<unknown>((resolve, reject) => {
      modem.dial(this.dialOptions(spec, signal, false), (error, data) =>
        error ? reject(error) : resolve(data),
      );
    });
    try {
      const data = await raceAbort(work, signal, () =>
        abortError(signal, capitalize(spec.what), this.endpoint),
      );
      if (Buffer.isBuffer(data)) {
        const text = data.toString("utf8");
        return (text ? JSON.parse(text) : undefined) as T;
      }
      return data as T;
    } catch (error) {
      throw this.toEngineError(error, spec, signal, mapError);
    }
  }

  /** A streaming request: the response is returned unread and destroyed when the signal fires. */
  async stream(
    spec: RequestSpec,
    signal: AbortSignal,
    mapError?: (error: unknown) => EngineError | undefined,
  ): Promise<IncomingMessage> {
    await this.ensureVersion(signal);
    try {
      return await this.rawStream(spec, signal, true);
    } catch (error) {
      throw this.toEngineError(error, spec, signal, mapError);
    }
  }

  toEngineError(
    error: unknown,
    spec: Pick<RequestSpec, "what">,
    signal: AbortSignal,
    mapError?: (error: unknown) => EngineError | undefined,
  ): EngineError {
    if (error instanceof EngineError) return error;
    if (signal.aborted) return abortError(signal, capitalize(spec.what), this.endpoint);
    return mapError?.(error) ?? mapDaemonError(error, this.endpoint, spec.what);
  }

  private async rawStream(
    spec: RequestSpec,
    signal: AbortSignal,
    versioned: boolean,
  ): Promise<IncomingMessage> {
    const modem = await raceAbort(this.loadModem(), signal, () =>
      abortError(signal, capitalize(spec.what), this.endpoint),
    );
    const work = new Promise<IncomingMessage>((resolve, reject) => {
      const options = this.dialOptions(spec, signal, true);
      const saved = modem.version;
      if (!versioned) modem.version = undefined;
      try {
        modem.dial(options, (error, res) => {
          if (error) {
            reject(error);
            return;
          }
          const response = res as IncomingMessage;
          if (signal.aborted) {
            response.destroy();
            reject(signal.reason);
            return;
          }
          const onAbort = () => response.destroy(abortError(signal, capitalize(spec.what), this.endpoint));
          signal.addEventListener("abort", onAbort, { once: true });
          response.once("close", () => signal.removeEventListener("abort", onAbort));
          resolve(response);
        });
      } finally {
        modem.version = saved;
      }
    });
    return raceAbort(work, signal, () => abortError(signal, capitalize(spec.what), this.endpoint));
  }

  private dialOptions(spec: RequestSpec, signal: AbortSignal, isStream: boolean): Record<string, unknown> {
    const ok = spec.ok ?? [200, 201, 204];
    const statusCodes: Record<number, boolean | string> = {};
    for (const code of ok) statusCodes[code] = true;
    const query: Record<string, string | number | boolean> = {};
    for (const [key, value] of Object.entries(spec.query ?? {})) if (value !== undefined) query[key] = value;
    return {
      path: `${spec.path}?`,
      method: spec.method,
      isStream,
      statusCodes,
      abortSignal: signal,
      // docker-modem: _query goes to the URL, _body (POST only) to the JSON body.
      // An empty _body sends no body at all (the daemon rejects bodies on e.g. start).
      options: { _query: query, _body: spec.body === undefined ? {} : spec.body },
      ...(spec.body !== undefined && spec.method === "POST" ? { allowEmpty: true } : {}),
      ...(spec.registryAuth ? { authconfig: { key: spec.registryAuth } } : {}),
      ...(spec.registryConfig ? { registryconfig: { base64: spec.registryConfig } } : {}),
      ...(spec.upload ? { file: spec.upload } : {}),
    };
  }

  /** Releases pooled sockets. */
  close(): void {
    this.agent.destroy();
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * docker-modem reads DOCKER_HOST / DOCKER_CERT_PATH / DOCKER_CLIENT_TIMEOUT from process.env in its
 * constructor (and may read certificate files or throw). Our resolved options are the only truth, so
 * construct it with those variables hidden. Synchronous, so nothing else can observe the gap.
 */
function withoutDockerEnv<T>(build: () => T): T {
  const keys = [
    "DOCKER_HOST",
    "DOCKER_CERT_PATH",
    "DOCKER_TLS_VERIFY",
    "DOCKER_CLIENT_TIMEOUT",
    "DOCKER_PATH_PREFIX",
  ];
  const saved = new Map<string, string>();
  for (const key of keys) {
    const value = process.env[key];
    if (value !== undefined) {
      saved.set(key, value);
      delete process.env[key];
    }
  }
  try {
    return build();
  } finally {
    for (const [key, value] of saved) process.env[key] = value;
  }
}
