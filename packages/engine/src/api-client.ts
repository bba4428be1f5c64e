import type { Agent as HttpAgent, IncomingMessage } from "node:http";
import { stringify as stringifyQuery } from "node:querystring";
import { addAbortSignal } from "node:stream";
import { abortError, raceAbort } from "./abort.js";
import type { ResolvedConnection } from "./connection.js";
import { mapDaemonError } from "./daemon-errors.js";
import { EngineError } from "./errors.js";
import { nodeHttp, nodeHttps } from "./lazy-builtins.js";
import { sshAgent } from "./ssh-agent.js";

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

/**
 * Thin, deadline-aware HTTP client for the Engine API: every request carries the caller's AbortSignal,
 * streams are destroyed on abort, errors become EngineErrors, and the API version is negotiated once,
 * lazily. Requests go straight to node:http on one keep-alive agent: docker-modem formatted every
 * request's options (agent and its pooled sockets included) with util.inspect for a debug line, which
 * cost about 1 ms of CPU per request, and several times that with a few sockets pooled.
 */
export class ApiClient {
  readonly endpoint: string;
  private readonly connection: ResolvedConnection;
  private pool: HttpAgent | undefined;
  private negotiated: Promise<string> | undefined;
  private version: string | undefined;
  private readonly isLocal: boolean;

  constructor(connection: ResolvedConnection) {
    this.endpoint = connection.endpoint;
    this.isLocal = connection.socketPath !== undefined;
    this.connection = connection;
    if (connection.apiVersion) {
      this.version = connection.apiVersion;
      this.negotiated = Promise.resolve(connection.apiVersion);
    }
  }

  /** The connection pool, made on the first request (node:http itself is loaded only then). */
  private get agent(): HttpAgent {
    const connection = this.connection;
    this.pool ??= connection.ssh
      ? sshAgent(connection.ssh)
      : connection.protocol === "https"
        ? new (nodeHttps().Agent)({
            keepAlive: true,
            ca: connection.tls?.ca,
            cert: connection.tls?.cert,
            key: connection.tls?.key,
            rejectUnauthorized: connection.tls?.verify ?? true,
          })
        : new (nodeHttp().Agent)({ keepAlive: true });
    return this.pool;
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
    const work = new Promise<Buffer>((resolve, reject) => {
      this.send(spec, signal, true, (error, res) => {
        if (error) {
          reject(error);
          return;
        }
        const response = res as IncomingMessage;
        // The request's signal covers the request only; the body is read under it too.
        addAbortSignal(signal, response);
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () =>
          resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)),
        );
      });
    });
    try {
      const data = await raceAbort(work, signal, () =>
        abortError(signal, capitalize(spec.what), this.endpoint),
      );
      const text = data.toString("utf8");
      return (text ? JSON.parse(text) : undefined) as T;
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
    const work = new Promise<IncomingMessage>((resolve, reject) => {
      this.send(spec, signal, versioned, (error, res) => {
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
    });
    return raceAbort(work, signal, () => abortError(signal, capitalize(spec.what), this.endpoint));
  }

  /**
   * Sends one request and calls back once: with the response when its status is one of `spec.ok`, else
   * with an error shaped as docker-modem's were (statusCode, json, "(HTTP code N) unexpected - message"),
   * which daemon-errors.ts reads; socket errors come as they are (code ECONNREFUSED, ...).
   */
  private send(
    spec: RequestSpec,
    signal: AbortSignal,
    versioned: boolean,
    callback: (error: unknown, res?: IncomingMessage) => void,
  ): void {
    const c = this.connection;
    let path = versioned && this.version ? `/v${this.version}${spec.path}` : spec.path;
    if (spec.query) {
      const query: Record<string, string | number | boolean> = {};
      let any = false;
      for (const key in spec.query) {
        const value = spec.query[key];
        if (value !== undefined) {
          query[key] = value;
          any = true;
        }
      }
      if (any) path += `?${stringifyQuery(query)}`;
    }
    const headers: Record<string, string | number> = {};
    if (spec.registryAuth) headers["X-Registry-Auth"] = spec.registryAuth;
    if (spec.registryConfig) headers["X-Registry-Config"] = spec.registryConfig;
    let body: string | undefined;
    if (spec.upload) {
      headers["Content-Type"] = "application/tar";
    } else if (spec.method === "POST" && spec.body !== undefined) {
      // No body at all unless one is given: the daemon rejects bodies on e.g. start.
      body = JSON.stringify(spec.body);
      headers["Content-Type"] = "application/json";
      headers["Content-Length"] = Buffer.byteLength(body);
    } else if (spec.method === "PUT") {
      headers["Transfer-Encoding"] = "chunked";
    }
    const options = {
      path,
      method: spec.method,
      headers,
      agent: this.agent,
      signal,
      ...(c.socketPath !== undefined ? { socketPath: c.socketPath } : { hostname: c.host, port: c.port }),
      ...(c.tls ? { ca: c.tls.ca, cert: c.tls.cert, key: c.tls.key } : {}),
    };
    let done = false;
    const finish = (error: unknown, res?: IncomingMessage) => {
      if (done) return;
      done = true;
      callback(error, res);
    };
    let req: ReturnType<typeof import("node:http").request>;
    try {
      req = c.protocol === "https" ? nodeHttps().request(options) : nodeHttp().request(options);
    } catch (error) {
      finish(error);
      return;
    }
    req.on("error", (error) => finish(error));
    req.on("response", (res) => {
      const status = res.statusCode ?? 0;
      if ((spec.ok ?? DEFAULT_OK).includes(status)) {
        finish(undefined, res);
        return;
      }
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", (error) => finish(error));
      res.on("end", () => finish(statusError(status, Buffer.concat(chunks))));
    });
    if (spec.upload) {
      const upload = spec.upload;
      upload.on("error", (error) => req.destroy(error as Error));
      upload.pipe(req);
    } else {
      req.end(body);
    }
  }

  /** Releases pooled sockets. */
  close(): void {
    this.pool?.destroy();
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const DEFAULT_OK = [200, 201, 204];

/** The error a refused request rejects with: what the daemon said, as docker-modem shaped it. */
function statusError(status: number, body: Buffer): Error {
  const text = body.toString("utf8");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = json as { message?: unknown; error?: unknown } | undefined;
  const cause =
    (parsed && typeof parsed === "object" ? (parsed.message ?? parsed.error) : undefined) ?? json ?? text;
  const error = new Error(`(HTTP code ${status}) unexpected - ${String(cause)} `) as Error & {
    statusCode: number;
    json: unknown;
  };
  error.statusCode = status;
  error.json = json ?? (body.length > 0 ? body : null);
  return error;
}
