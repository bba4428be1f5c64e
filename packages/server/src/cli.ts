import { parseArgs } from "node:util";
import { analysisPlugin } from "@arktechnwa/docker-mcp-tool-analysis";
import { composePlugin } from "@arktechnwa/docker-mcp-tool-compose";
import { containersPlugin } from "@arktechnwa/docker-mcp-tool-containers";
import { imagesPlugin } from "@arktechnwa/docker-mcp-tool-images";
import { networksPlugin, systemPlugin, volumesPlugin } from "@arktechnwa/docker-mcp-tool-resources";
import { swarmPlugin } from "@arktechnwa/docker-mcp-tool-swarm";
import { ConfigError, loadConfig } from "./config.js";
import { createServer } from "./create-server.js";
import {
  HttpSetupError,
  ORIGINS_ENV,
  parseHttpAddress,
  readToken,
  serveHttp,
  TOKEN_ENV,
} from "./http-server.js";
import { LineStdioTransport } from "./stdio-transport.js";
import { SERVER_VERSION } from "./version.js";

export const HELP = `docker-mcp ${SERVER_VERSION}: a Model Context Protocol server for the Docker daemon, read-only unless your policy says otherwise.

Usage: docker-mcp [--config PATH] [--bypass-permissions] [--show-all-tools] [--http [HOST:]PORT]

Options:
  --config PATH           Config file (JSON, YAML or JS). Default: ~/.config/docker-mcp/config.json,
                          else .docker-mcprc(.json|.yaml), docker-mcp.config.js or a "docker-mcp" key
                          in package.json in the working directory. Without one: read-only defaults.
  --bypass-permissions    Allow every tool on every container. Only for throwaway machines.
  --show-all-tools        List tools whose permission level is off too (calls are still denied).
  --http [HOST:]PORT      Serve MCP over Streamable HTTP at http://HOST:PORT/mcp instead of stdio. HOST
                          defaults to 127.0.0.1; any other than loopback needs a bearer token.
  --http-token-file PATH  The bearer token clients must send (first line of the file); or set
                          ${TOKEN_ENV}. Browser origins to allow: ${ORIGINS_ENV} (comma-separated).
  -h, --help              Show this help.
  -v, --version           Print the version.

Config sections: docker (socket, host, tls, api_version), permissions (levels and white/black lists),
exec_safety, create_safety, compose_safety (allowed_directories), build_safety, neverhang (read_timeout etc. in milliseconds, circuit_breaker), fallback (the
Anthropic API for AI synthesis when the client offers no MCP sampling), audit (file), tools (show_all),
confirm (tools that ask the user first, through MCP elicitation). See the README
for every key.

The server speaks MCP on stdin/stdout (or HTTP with --http); logs and audit lines go to stderr.`;

/** Runs the docker-mcp command line; resolves with the exit code when the server should not run. */
export async function main(
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
  try {
    if (values["http-token-file"] !== undefined && values.http === undefined) {
      throw new HttpSetupError("--http-token-file needs --http [HOST:]PORT.");
    }
    if (values.http !== undefined) {
      http = { ...parseHttpAddress(values.http), token: readToken(process.env, values["http-token-file"]) };
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
    plugins: [
      containersPlugin,
      imagesPlugin,
      networksPlugin,
      volumesPlugin,
      systemPlugin,
      composePlugin,
      analysisPlugin,
      swarmPlugin,
    ],
    config,
    stderr,
  });
  if (http) {
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
