import { dockerResources } from "@arktechnwa/docker-kit";
import {
  type CallResult,
  createKernel,
  type Kernel,
  localRealPath,
  type Plugin,
} from "@arktechnwa/docker-mcp-core";
import { createEngine, type DockerEngine } from "@arktechnwa/docker-mcp-engine";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  ListToolsRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { createAuditSink } from "./audit-sink.js";
import type { ResolvedConfig } from "./config.js";
import { dockerWording } from "./docker-wording.js";
import { anthropicModel, chooseModel, type SendRequest } from "./model-ports.js";
import { guardTransport } from "./request-guard.js";
import { SERVER_VERSION } from "./version.js";

/** What every docker-mcp plugin may ask for. */
export interface ServerDeps {
  engine: DockerEngine;
  now?: () => number;
}

export interface CreateServerOptions {
  /** Tool plugins; docker-kit's resource provider is loaded with them always. */
  plugins: Plugin<ServerDeps>[];
  config: ResolvedConfig;
  /** Defaults to an engine built from `config.docker` and the DOCKER_* environment. */
  engine?: DockerEngine;
  /** Where logs and (by default) audit lines go; never stdout. */
  stderr?: NodeJS.WritableStream;
  name?: string;
  version?: string;
  env?: NodeJS.ProcessEnv;
}

export interface DockerMcpServer {
  server: Server;
  kernel: Kernel;
  engine: DockerEngine;
  connect(transport: Transport): Promise<void>;
  close(): Promise<void>;
}

/** Composes plugins, policy and engine into one MCP server. */
export function createServer(options: CreateServerOptions): DockerMcpServer {
  const { config } = options;
  const stderr = options.stderr ?? process.stderr;
  const docker = config.docker;
  const engine =
    options.engine ??
    createEngine({
      ...(docker.socket ? { socketPath: docker.socket } : {}),
      ...(docker.host ? { host: docker.host } : {}),
      ...(docker.tls ? { tls: docker.tls } : {}),
      ...(docker.api_version ? { apiVersion: docker.api_version } : {}),
      env: options.env ?? process.env,
    });
  const audit = createAuditSink(config.audit, stderr);
  const kernel = createKernel<ServerDeps>({
    // The resource provider is always there: every container, image, network, volume and compose
    // project a tool targets is resolved by it (never judged on the text typed).
    plugins: [dockerResources, ...options.plugins.filter((plugin) => plugin !== dockerResources)],
    deps: { engine },
    policy: config.policy,
    levels: config.policy.vocabulary.levels.map((level) => level.name),
    exec: {
      maxOutputBytes: config.policy.execSafety.maxOutput,
      timeoutMs: config.policy.execSafety.timeoutMs,
    },
    timeouts: config.timeouts,
    // While the circuit is open, GET /_ping closes it as soon as the daemon answers again.
    breaker: config.breaker && { ...config.breaker, probe: (signal: AbortSignal) => engine.ping(signal) },
    wording: dockerWording(engine.endpoint),
    // A daemon on a local socket sees this machine's filesystem: bind sources are judged by their real
    // paths too. Over TCP the daemon's filesystem is not ours to look at.
    ...(engine.endpoint.startsWith("unix://") ? { hostPaths: localRealPath } : {}),
    ...(audit ? { audit } : {}),
  });

  const anthropic = anthropicModel(config.fallback, options.env ?? process.env);

  const server = new Server(
    { name: options.name ?? "docker-mcp", version: options.version ?? SERVER_VERSION },
    { capabilities: { tools: { listChanged: false } } },
  );
  const listAll = config.showAllTools || config.policy.bypass;

  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: (listAll ? kernel.tools : kernel.enabledTools()).map((tool) => tool.surface),
  }));

  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const progressToken = request.params._meta?.progressToken;
    let step = 0;
    const result = await kernel.call(request.params.name, request.params.arguments ?? {}, {
      signal: extra.signal,
      // Built per call: a sampling request travels on this call's stream.
      model: chooseModel(server, extra.sendRequest as SendRequest, config.fallback, anthropic),
      ...(progressToken !== undefined
        ? {
            onProgress: (message: string, progress?: number, total?: number) => {
              // Progress must grow with every notification; fall back to a counter.
              step = Math.max(step + 1, progress ?? 0);
              void extra
                .sendNotification({
                  method: "notifications/progress",
                  params: {
                    progressToken,
                    progress: step,
                    ...(total !== undefined ? { total } : {}),
                    message,
                  },
                })
                .catch(() => {});
            },
          }
        : {}),
    });
    return toCallToolResult(result);
  });

  return {
    server,
    kernel,
    engine,
    // Every transport is guarded: a malformed request gets a JSON-RPC error, never silence.
    connect: (transport) =>
      server.connect(guardTransport(transport, (line) => stderr.write(`docker-mcp: ${line}\n`))),
    async close() {
      // In-flight calls first: a cancelled exec kills its process before the connection goes away.
      await kernel.close();
      await server.close();
      await engine.close();
    },
  };
}

function toCallToolResult(result: CallResult): CallToolResult {
  const content = [{ type: "text" as const, text: result.text }];
  const structured = result.structured ? { structuredContent: result.structured } : {};
  return result.isError ? { isError: true, content, ...structured } : { content, ...structured };
}
