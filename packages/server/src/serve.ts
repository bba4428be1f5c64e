import { parseArgs } from "node:util";
import { HELP } from "./cli.js";
import { ConfigError, loadConfig } from "./config.js";
import { createServer } from "./create-server.js";
import { builtinPlugins } from "./plugins.js";
import { LineStdioTransport } from "./stdio-transport.js";
import { SERVER_VERSION } from "./version.js";

/** Starts the MCP server (stdio, or Streamable HTTP with --http); resolves with an exit code when it should not run. */
export async function serve(
  argv: string[],
  stderr: NodeJS.WritableStream = process.stderr,
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
    stderr.write(`docker-mcp: ${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
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
    plugins: builtinPlugins,
    config,
    stderr,
  });
  if (http && httpServer) {
    const { ORIGINS_ENV, serveHttp } = httpServer;
    let handle: Awaited<ReturnType<typeof serveHttp>>;
    try {
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
  const transport = new LineStdioTransport();
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
  process.stdin.on("end", shutdown);
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  await app.connect(transport);
  return undefined;
}
