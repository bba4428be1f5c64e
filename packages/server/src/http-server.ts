import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { isIP } from "node:net";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import type { DockerMcpServer } from "./create-server.js";

/** The environment variable holding the bearer token (or use a file: `--http-token-file`). */
export const TOKEN_ENV = "DOCKER_MCP_HTTP_TOKEN";
/** Extra browser origins allowed to call the server, comma-separated (e.g. a web client's origin). */
export const ORIGINS_ENV = "DOCKER_MCP_HTTP_ORIGINS";
export const MCP_PATH = "/mcp";
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const MAX_SESSIONS = 64;
/** A session with no request for this long is closed: a client that vanished without DELETE. */
const DEFAULT_IDLE_MS = 30 * 60_000;

/** A problem with how HTTP was asked for: the server does not start, and the message says what to do. */
export class HttpSetupError extends Error {}

export interface HttpAddress {
  host: string;
  port: number;
}

/** `PORT`, `HOST:PORT` or `[IPv6]:PORT`; the host defaults to 127.0.0.1 (loopback). */
export function parseHttpAddress(text: string): HttpAddress {
  const match = /^(?:(\[[0-9a-fA-F:.]+\]|[^:[\]]+):)?(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[2]);
  if (!match || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new HttpSetupError(
      `--http ${JSON.stringify(text)} is not [host:]port; write e.g. --http 8080, --http 127.0.0.1:8080 or --http [::1]:8080.`,
    );
  }
  const host = (match[1] ?? "127.0.0.1").replace(/^\[(.*)\]$/, "$1");
  return { host, port };
}

/** Whether an address only this machine can reach: 127.0.0.0/8, ::1 or localhost. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  if (h === "localhost" || h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
  if (h.startsWith("::ffff:")) return isLoopback(h.slice(7));
  return isIP(h) === 4 && h.startsWith("127.");
}

/**
 * The bearer token, from `DOCKER_MCP_HTTP_TOKEN` or a file (its first line). Undefined when neither is
 * given. A file that cannot be read, or an empty token, is an error: a typo must not mean "no auth".
 */
export function readToken(env: NodeJS.ProcessEnv, file: string | undefined): string | undefined {
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      throw new HttpSetupError(
        `The token file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); write the token into it, readable by this user only.`,
      );
    }
    const token = text.split(/\r?\n/)[0]?.trim() ?? "";
    if (token === "")
      throw new HttpSetupError(`The token file ${file} is empty; write the token on its first line.`);
    return token;
  }
  const value = env[TOKEN_ENV];
  if (value === undefined) return undefined;
  if (value.trim() === "")
    throw new HttpSetupError(`${TOKEN_ENV} is set but empty; set it to the token, or unset it.`);
  return value.trim();
}

/** Constant-time comparison (of digests, so the lengths leak nothing either). */
function tokenMatches(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

export interface ServeHttpOptions {
  app: DockerMcpServer;
  host: string;
  port: number;
  /** Required when `host` is not loopback. */
  token?: string;
  /** Browser origins allowed besides the loopback ones (exact `scheme://host[:port]`). */
  allowedOrigins?: readonly string[];
  stderr?: NodeJS.WritableStream;
  /** Close a session after this long without a request (default 30 minutes). */
  idleMs?: number;
}

export interface HttpHandle {
  /** e.g. `http://127.0.0.1:8080/mcp` */
  url: string;
  port: number;
  /** Open sessions. */
  sessions(): number;
  close(): Promise<void>;
}

/**
 * MCP over Streamable HTTP: one SDK server and transport per session, all over the app's one kernel
 * (one policy, one breaker, one audit). Checks, in order: the path, the Host header and the Origin
 * (403: against DNS rebinding and pages in a browser), the bearer token (401), then the session.
 */
export async function serveHttp(options: ServeHttpOptions): Promise<HttpHandle> {
  const { app, host } = options;
  const loopback = isLoopback(host);
  if (!loopback && options.token === undefined) {
    throw new HttpSetupError(
      `Refusing to serve MCP on ${host} without a bearer token: anyone who can reach that address could drive your Docker daemon. Set ${TOKEN_ENV} or pass --http-token-file PATH, or bind to 127.0.0.1.`,
    );
  }
  const stderr = options.stderr ?? process.stderr;
  const allowedOrigins = new Set(
    (options.allowedOrigins ?? []).map((o) => o.replace(/\/+$/, "").toLowerCase()),
  );
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const lastSeen = new Map<string, number>();
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  const sweeper = setInterval(
    () => {
      const now = Date.now();
      for (const [id, seen] of lastSeen) {
        if (now - seen < idleMs) continue;
        lastSeen.delete(id);
        const transport = transports.get(id);
        transports.delete(id);
        void transport?.close().catch(() => {});
      }
    },
    Math.max(50, Math.min(60_000, Math.floor(idleMs / 4))),
  );
  sweeper.unref();

  const reply = (
    res: ServerResponse,
    status: number,
    message: string,
    headers: Record<string, string> = {},
  ) => {
    if (res.headersSent) return;
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32000, message } }));
  };

  const hostAllowed = (header: string | undefined): boolean => {
    if (!header) return false;
    const name = header.replace(/:\d+$/, "");
    // Bound to loopback, only loopback names: a rebound DNS name (evil.example -> 127.0.0.1) is refused.
    return loopback ? isLoopback(name) : true;
  };
  const originAllowed = (origin: string | undefined): boolean => {
    if (origin === undefined) return true; // not a browser: nothing to rebind
    const normalized = origin.replace(/\/+$/, "").toLowerCase();
    if (allowedOrigins.has(normalized)) return true;
    try {
      const url = new URL(origin);
      return loopback && (url.protocol === "http:" || url.protocol === "https:") && isLoopback(url.hostname);
    } catch {
      return false;
    }
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== MCP_PATH) return reply(res, 404, `Not found: MCP is served at ${MCP_PATH}.`);
    if (!hostAllowed(req.headers.host)) {
      return reply(res, 403, "Forbidden: this Host is not allowed (DNS rebinding protection).");
    }
    const origin = req.headers.origin;
    if (!originAllowed(origin)) {
      return reply(
        res,
        403,
        `Forbidden: Origin ${JSON.stringify(origin)} is not allowed; list it in ${ORIGINS_ENV}.`,
      );
    }
    if (options.token !== undefined) {
      const header = req.headers.authorization ?? "";
      const given = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
      if (given === undefined || !tokenMatches(given, options.token)) {
        return reply(res, 401, "Unauthorized: send Authorization: Bearer <token>.", {
          "www-authenticate": 'Bearer realm="docker-mcp"',
        });
      }
    }

    const sessionId = req.headers["mcp-session-id"];
    if (typeof sessionId === "string") {
      const transport = transports.get(sessionId);
      if (!transport)
        return reply(res, 404, "Session not found: it was closed or never existed; initialize again.");
      lastSeen.set(sessionId, Date.now());
      const body = req.method === "POST" ? await readJson(req, res) : undefined;
      if (body === INVALID) return;
      await transport.handleRequest(req, res, body);
      return;
    }
    if (req.method !== "POST")
      return reply(res, 400, "Bad request: no Mcp-Session-Id; start with initialize.");
    const body = await readJson(req, res);
    if (body === INVALID) return;
    if (!isInitializeRequest(body)) {
      return reply(res, 400, "Bad request: no Mcp-Session-Id; the first request of a session is initialize.");
    }
    if (transports.size >= MAX_SESSIONS) {
      return reply(res, 503, `Too many open sessions (${MAX_SESSIONS}); close some (HTTP DELETE) and retry.`);
    }
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        transports.set(id, transport);
        lastSeen.set(id, Date.now());
      },
    });
    await app.openSession(transport, () => {
      if (transport.sessionId) {
        transports.delete(transport.sessionId);
        lastSeen.delete(transport.sessionId);
      }
    });
    await transport.handleRequest(req, res, body);
  }

  const INVALID = Symbol("invalid");
  async function readJson(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) {
        reply(res, 413, "Payload too large: a message is at most 4 MB.");
        return INVALID;
      }
      chunks.push(chunk as Buffer);
    }
    try {
      return JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      if (!res.headersSent) {
        res.writeHead(400, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            jsonrpc: "2.0",
            id: null,
            error: { code: -32700, message: "Parse error: the body is not valid JSON." },
          }),
        );
      }
      return INVALID;
    }
  }

  const http = createHttpServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      stderr.write(`docker-mcp: http: ${error instanceof Error ? error.message : String(error)}\n`);
      reply(res, 500, "Internal error; see the server's log.");
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new HttpSetupError(
          `Cannot listen on ${host}:${options.port} (${error.code ?? error.message}); choose another port or address.`,
        ),
      ),
    );
    http.listen(options.port, host, () => resolve());
  });
  const address = http.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const shown = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}${MCP_PATH}`,
    port,
    sessions: () => transports.size,
    async close() {
      clearInterval(sweeper);
      await Promise.allSettled([...transports.values()].map((t) => t.close()));
      transports.clear();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
