import { parseArgs } from "node:util";
import { HELP } from "./cli.js";
import { ConfigError, loadConfig } from "./config.js";
import { createServer, type DockerMcpServer } from "./create-server.js";
import { LineStdioTransport, type StdioHandover } from "./stdio-transport.js";
import { SERVER_VERSION } from "./version.js";

/** Starts the MCP server (stdio, or Streamable HTTP with --http); resolves with an exit code when it should not run. */
export async function serve(
  argv: string[],
  stderr: NodeJS.WritableStream = process.stderr,
  handover?: StdioHandover,
): Promise<number | undefined> {
  let values: {
    config?: string;
    "bypass-permissions"?: boolean;
    "show-all-tools"?: boolean;
    http?: string;
    "http-token-file"?: string;
    help?: boolean;
    version?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        config: { type: "string" },
        "bypass-permissions": { type: "boolean" },
        "show-all-tools": { type: "boolean" },
        http: { type: "string" },
        "http-token-file": { type: "string" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    stderr.write(`docker-mcp: ${(error as Error).message}\nRun docker-mcp --help for the options.\n`);
    return 2;
  }
  if (values.help) {
    stderr.write(`${HELP}\n`);
    return 0;
  }
  if (values.version) {
    stderr.write(`${SERVER_VERSION}\n`);
    return 0;
  }

  let http: { host: string; port: number; token: string | undefined } | undefined;
  // The HTTP transport is loaded only when asked for: a stdio start never pays for it.
  const httpServer = values.http !== undefined ? await import("./http-server.js") : undefined;
  try {
    if (values["http-token-file"] !== undefined && values.http === undefined) {
      throw new Error("--http-token-file needs --http [HOST:]PORT.");
    }
    if (values.http !== undefined && httpServer) {
      http = {
        ...httpServer.parseHttpAddress(values.http),
        token: httpServer.readToken(process.env, values["http-token-file"]),
      };
    }
  } catch (error) {
    stderr.write(`docker-mcp: ${(error as Error).message}\n`);
    return 2;
  }

  const bypass = values["bypass-permissions"] === true;
  let config: Awaited<ReturnType<typeof loadConfig>>;
  try {
    config = await loadConfig({ ...(values.config ? { configPath: values.config } : {}), bypass });
  } catch (error) {
    const message = `docker-mcp: ${error instanceof ConfigError ? error.message : (error as Error).stack}`;
    stderr.write(`${message}\n`);
    // The client already has its initialize answer (the stdio fast path): it is told why the server
    // stops as a log message too, which clients show, not only on stderr.
    if (handover?.answeredId !== undefined) {
      const notice = { level: "error", logger: "docker-mcp", data: message };
      process.stdout.write(
        `${JSON.stringify({ jsonrpc: "2.0", method: "notifications/message", params: notice })}\n`,
      );
    }
    return 2;
  }
  if (values["show-all-tools"]) config = { ...config, showAllTools: true };
  if (bypass) {
    stderr.write(
      "docker-mcp: WARNING: --bypass-permissions is on. Every tool is allowed on every container and image,\n" +
        "docker-mcp: WARNING: white/black lists and exec blocking are ignored. Use this only on a throwaway machine.\n",
    );
  }

  const app = createServer({
    // The tool plugins are most of the code: loaded after the initialize answer (see warmUp).
    plugins: async () => (await import("./plugins.js")).builtinPlugins,
    config,
    stderr,
  });
  if (http && httpServer) {
    const { ORIGINS_ENV, serveHttp } = httpServer;
    let handle: Awaited<ReturnType<typeof serveHttp>>;
    try {
      await app.ready();
      handle = await serveHttp({
        app,
        host: http.host,
        port: http.port,
        ...(http.token !== undefined ? { token: http.token } : {}),
        allowedOrigins: (process.env[ORIGINS_ENV] ?? "")
          .split(",")
          .map((o) => o.trim())
          .filter(Boolean),
        stderr,
      });
    } catch (error) {
      await app.close().catch(() => {});
      stderr.write(`docker-mcp: ${(error as Error).message}\n`);
      return 2;
    }
    stderr.write(
      `docker-mcp ${SERVER_VERSION}: serving on ${handle.url}${http.token === undefined ? "" : " (bearer token required)"}; docker at ${app.engine.endpoint}; config ${config.source ?? "(none: read-only defaults)"}; policy ${config.policy.revision}\n`,
    );
    const stop = async () => {
      await handle.close().catch(() => {});
      await app.close().catch(() => {});
      process.exit(0);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    return undefined;
  }
  const transport = new LineStdioTransport(process.stdin, process.stdout, handover);
  stderr.write(
    `docker-mcp ${SERVER_VERSION}: serving on stdio; docker at ${[...app.engines].map(([name, engine]) => (app.engines.size > 1 ? `${name}=${engine.endpoint}` : engine.endpoint)).join(", ")}; config ${config.source ?? "(none: read-only defaults)"}; policy ${config.policy.revision}\n`,
  );
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await app.close().catch(() => {});
    process.exit(0);
  };
  // A signal while the orderly shutdown still waits (a child's TERM grace): exit now. Clients send
  // SIGTERM a moment after closing stdin and SIGKILL soon after; on exit the process registry sends
  // SIGKILL to every child group it still holds, which a SIGKILL of the server would not leave time for.
  const onSignal = () => (stopping ? process.exit(0) : void shutdown());
  process.stdin.on("end", shutdown);
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // The plugins load and the kernel is built right after the initialize answer went out (a request
  // that needs them first waits for them): a client gets its answer without paying for them.
  warmUpAfterInitialize(transport, () => warmUp(app, stderr));
  await app.connect(transport);
  // stdin ended before the SDK server was loaded: its 'end' is gone; what it sent was replayed above.
  if (handover?.ended) void shutdown();
  return undefined;
}

/** Builds the kernel now; a plugin that cannot load is reported as a start failure. */
function warmUp(app: DockerMcpServer, stderr: NodeJS.WritableStream): void {
  app.ready().catch((error: unknown) => {
    stderr.write(`docker-mcp: the tools could not be loaded: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(2);
  });
}

/** A client that does not initialize promptly does not leave the start's errors unreported. */
const WARM_UP_FALLBACK_MS = 500;

/** Calls `then` once: right after the first initialize answer was written, or after WARM_UP_FALLBACK_MS. */
function warmUpAfterInitialize(transport: LineStdioTransport, then: () => void): void {
  const send = transport.send.bind(transport);
  let done = false;
  const fire = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    setImmediate(then);
  };
  const timer = setTimeout(fire, WARM_UP_FALLBACK_MS);
  timer.unref();
  transport.send = async (message) => {
    await send(message);
    const result = (message as { result?: unknown }).result;
    if (typeof result === "object" && result !== null && "serverInfo" in result) fire();
  };
}
