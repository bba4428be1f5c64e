import type { StdioHandover } from "./stdio-transport.js";
import { SERVER_VERSION } from "./version.js";

export const HELP = `docker-mcp ${SERVER_VERSION}: a Model Context Protocol server for the Docker daemon, read-only unless your policy says otherwise.

Usage: docker-mcp [--config PATH] [--bypass-permissions] [--show-all-tools] [--http [HOST:]PORT]
       docker-mcp doctor [--config PATH] [--json]
       docker-mcp policy explain TOOL [TARGET...] [--args JSON] [--host NAME] [--config PATH] [--json]
       docker-mcp policy check [FILE]
       docker-mcp config schema

Options:
  --config PATH           Config file (JSON, YAML or JS). Default: ~/.config/docker-mcp/config.json,
                          else .docker-mcprc(.json|.yaml), docker-mcp.config.js or a "docker-mcp" key
                          in package.json in the working directory. Without one: read-only defaults.
  --bypass-permissions    Allow every tool on every container. Only for throwaway machines.
  --show-all-tools        List tools whose permission level is off too (calls are still denied).
  --http [HOST:]PORT      Serve MCP over Streamable HTTP at http://HOST:PORT/mcp instead of stdio. HOST
                          defaults to 127.0.0.1; any other than loopback needs a bearer token.
  --http-token-file PATH  The bearer token clients must send (first line of the file); or set
                          DOCKER_MCP_HTTP_TOKEN. Browser origins to allow: DOCKER_MCP_HTTP_ORIGINS (comma-separated).
  -h, --help              Show this help.
  -v, --version           Print the version.

Commands:
  doctor                  Check the setup: config file, daemon (socket, permissions, TCP/TLS), API and
                          engine versions, the effective policy, AI fallback. Exits 1 when something
                          you asked for cannot work, each problem with its fix.
  policy explain          Resolve the targets on the daemon and print the decision the server would
                          make for TOOL on them, with its reasons and the policy revision.
  policy check            Validate a config file and print the effective policy.
  config schema           Print the JSON Schema of the config file (use it as "$schema").

Config sections: docker (socket, host, tls, api_version), permissions (levels and white/black lists),
exec_safety, create_safety, compose_safety (allowed_directories), build_safety, neverhang (read_timeout etc. in milliseconds, circuit_breaker), fallback (the
Anthropic API for AI synthesis when the client offers no MCP sampling), audit (file), tools (show_all),
confirm (tools that ask the user first, through MCP elicitation). See the README
for every key.

The server speaks MCP on stdin/stdout (or HTTP with --http); logs and audit lines go to stderr.`;

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** A subcommand: loaded only when named, so the server's start never pays for it. */
type Command = (argv: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  doctor: async () => (await import("./commands/doctor.js")).doctor,
  policy: async () => (await import("./commands/policy.js")).policy,
  config: async () => (await import("./commands/config.js")).config,
};

/**
 * Runs the docker-mcp command line: a subcommand, or (no subcommand) the server. Resolves with the
 * exit code, or undefined while the server runs.
 */
export async function main(
  argv: string[],
  stderr: NodeJS.WritableStream = process.stderr,
  stdout: NodeJS.WritableStream = process.stdout,
  handover?: StdioHandover,
): Promise<number | undefined> {
  const [first, ...rest] = argv;
  if (first === "-h" || first === "--help" || first === "help") {
    stderr.write(`${HELP}\n`);
    return 0;
  }
  if (first === "-v" || first === "--version") {
    stderr.write(`${SERVER_VERSION}\n`);
    return 0;
  }
  if (first !== undefined && !first.startsWith("-")) {
    const load = COMMANDS[first];
    if (!load) {
      stderr.write(
        `docker-mcp: unknown command "${first}" (commands: ${Object.keys(COMMANDS).join(", ")}).\nRun docker-mcp --help for the usage.\n`,
      );
      return 2;
    }
    return (await load())(rest, { stdout, stderr });
  }
  const { serve } = await import("./serve.js");
  return serve(argv, stderr, handover);
}
