import type { CallResult, Kernel, Plugin } from "@arktechnwa/docker-mcp-core";
import { DEFAULT_HOST } from "@arktechnwa/docker-mcp-core/host-names";
import {
  type CreateEngineOptions,
  chooseConnection,
  createEngine,
  type DockerEngine,
} from "@arktechnwa/docker-mcp-engine";
import { type ProcessRegistry, processRegistry } from "@arktechnwa/docker-mcp-process";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { Protocol } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  CompleteRequestSchema,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  type LoggingLevel,
  ReadResourceRequestSchema,
  type ServerNotification,
} from "@modelcontextprotocol/sdk/types.js";
import { createAuditSink } from "./audit-sink.js";
import type { DockerSection, ResolvedConfig, ResolvedHost } from "./config.js";
import { confirmByElicitation } from "./confirm-by-elicitation.js";
import { SERVER_CAPABILITIES } from "./fast-initialize.js";
import { LazyJsonSchemaValidator } from "./lazy-json-schema-validator.js";
import { anthropicModel, chooseModel, type SendRequest } from "./model-ports.js";
import { guardTransport } from "./request-guard.js";

// Resources and prompts are read through the kernel: their code loads with it, after initialize.
const views = () => import("./resources.js");
const promptViews = () => import("./prompts.js");

import { SERVER_VERSION } from "./version.js";

/** What every docker-mcp plugin may ask for. */
export interface ServerDeps {
  engine: DockerEngine;
  /** How the server reaches the daemon, for helper programs (compose) that must reach the same one. */
  connection: { host: string; tls?: { ca?: string; cert?: string; key?: string; verify?: boolean } };
  /** Every child process the server spawns is tracked here and killed when the server closes. */
  processes: ProcessRegistry;
  now?: () => number;
}

export interface CreateServerOptions {
  /**
   * Tool plugins; docker-kit's resource provider is loaded with them always. The kernel is built by
   * `ready()` or the first request that needs it; a loader instead of the list also defers loading the
   * plugins themselves: the bin's start answers `initialize` without them.
   */
  plugins: Plugin<ServerDeps>[] | (() => Promise<Plugin<ServerDeps>[]>);
  config: ResolvedConfig;
  /** Defaults to an engine built from `config.docker` and the DOCKER_* environment. */
  engine?: DockerEngine;
  /** Where logs and (by default) audit lines go; never stdout. */
  stderr?: NodeJS.WritableStream;
  name?: string;
  version?: string;
  env?: NodeJS.ProcessEnv;
  /** Where spawned helpers are tracked (default: the shared registry). */
  processes?: ProcessRegistry;
}

/**
 * Progress notifications allowed in flight at once per call. A client that stops reading leaves
 * them waiting on the transport's write buffer; beyond this many, new ones are dropped (the final
 * answer still holds the lines), so memory cannot grow with what a followed log writes.
 */
export const MAX_PENDING_PROGRESS = 8;
/** How long an answer waits for progress still being written (a client that stopped reading gets it anyway). */
const PROGRESS_FLUSH_MS = 1_000;

/** The SDK Protocol's own request registration, which Server.setRequestHandler wraps for tools/call. */
const baseRequestHandler = (server: Server): Server["setRequestHandler"] =>
  Protocol.prototype.setRequestHandler.bind(server) as Server["setRequestHandler"];

/** Resolves when every send has settled, or after `ms` at the latest. */
async function flushed(sends: Set<Promise<void>>, ms: number): Promise<void> {
  if (sends.size === 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled([...sends]),
    new Promise((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

interface HostSetup {
  name: string;
  policy: ResolvedConfig["policy"];
  engine: DockerEngine;
  connection: ServerDeps["connection"];
}

export interface DockerMcpServer {
  /** The first session's SDK server (the one `connect` uses; stdio has only this one). */
  server: Server;
  /** The kernel, once `ready()` resolved (reading it earlier throws). */
  readonly kernel: Kernel;
  /**
   * Loads the plugins (when given a loader) and builds the kernel, once; later calls get the same one.
   * Rejects when a plugin cannot load (an unknown timeout class, a target kind without a resolver).
   */
  ready(): Promise<Kernel>;
  /** The default host's engine. */
  engine: DockerEngine;
  /** Every host's engine by name, the default first. */
  engines: Map<string, DockerEngine>;
  /** Connects the first session (stdio, in-memory). */
  connect(transport: Transport): Promise<void>;
  /**
   * A new SDK server over the same kernel, for one more session (Streamable HTTP: one per session).
   * It is forgotten when its transport closes.
   */
  openSession(transport: Transport, onClose?: () => void): Promise<Server>;
  /** Sends an MCP log message to every session whose level lets it through (and to stderr). */
  log(level: LoggingLevel, message: string): void;
  close(): Promise<void>;
}

/** How the engine reaches the daemon, from the config's docker section (and DOCKER_* in env). */
export function engineOptions(docker: DockerSection, env: NodeJS.ProcessEnv): CreateEngineOptions {
  return {
    ...(docker.socket ? { socketPath: docker.socket } : {}),
    ...(docker.host ? { host: docker.host } : {}),
    ...(docker.tls ? { tls: docker.tls } : {}),
    ...(docker.api_version ? { apiVersion: docker.api_version } : {}),
    env,
  };
}

/** How the engine reaches a named host of the config (`hosts.NAME`). */
export function hostEngineOptions(host: ResolvedHost, env: NodeJS.ProcessEnv): CreateEngineOptions {
  return {
    ...(host.socket ? { socketPath: host.socket } : {}),
    ...(host.host ? { host: host.host } : {}),
    ...(host.context ? { context: host.context } : {}),
    ...(host.tls ? { tls: host.tls } : {}),
    ...(host.apiVersion ? { apiVersion: host.apiVersion } : {}),
    ...(host.sshCommand ? { sshCommand: host.sshCommand } : {}),
    env,
  };
}

/**
 * How a helper program (the compose CLI) reaches the same daemon as the engine: its endpoint, and the
 * TLS files the engine chose for it (the config's, DOCKER_CERT_PATH's, or a Docker context's).
 */
function connectionOf(engine: DockerEngine, where: CreateEngineOptions): ServerDeps["connection"] {
  let tls: ServerDeps["connection"]["tls"];
  try {
    tls = chooseConnection(where, where.env ?? process.env).tls;
  } catch {
    // A context that cannot be read: the engine reports it on every call, compose included.
  }
  return { host: engine.endpoint, ...(tls ? { tls } : {}) };
}

/** Composes plugins, policy and engine into one MCP server. */
export function createServer(options: CreateServerOptions): DockerMcpServer {
  const { config } = options;
  const stderr = options.stderr ?? process.stderr;
  const docker = config.docker;
  const env = options.env ?? process.env;
  const processes = options.processes ?? processRegistry;
  // Named hosts, each its own engine; without them, one from docker.* and the environment (the CLI's
  // precedence: DOCKER_HOST, DOCKER_CONTEXT, config.json's currentContext, the default socket).
  const hosts: HostSetup[] =
    config.hosts.length > 0
      ? config.hosts.map((host, index) => {
          const where = hostEngineOptions(host, env);
          const engine = index === 0 && options.engine ? options.engine : createEngine(where);
          return { name: host.name, policy: host.policy, engine, connection: connectionOf(engine, where) };
        })
      : [defaultHost(options.engine)];
  function defaultHost(given: DockerEngine | undefined): HostSetup {
    const where = engineOptions(docker, env);
    const engine = given ?? createEngine(where);
    return { name: DEFAULT_HOST, policy: config.policy, engine, connection: connectionOf(engine, where) };
  }
  const engine = (hosts[0] as HostSetup).engine;
  const endpointOf = (name: string) => hosts.find((h) => h.name === name)?.engine.endpoint ?? engine.endpoint;
  const audit = createAuditSink(config.audit, stderr);
  // Building the kernel turns every tool's schema into JSON Schema (tens of milliseconds), and the
  // plugins, the kernel and docker-kit are most of the code: none of it is needed to answer initialize,
  // so all of it waits for ready() (the bin calls it right after that answer).
  async function buildKernel(plugins: Plugin<ServerDeps>[]): Promise<Kernel> {
    const { createDockerKernel, dockerWording } = await import("./docker-kernel.js");
    const built = createDockerKernel({
      plugins,
      // Every plugin's handlers and resolvers are built once per host, from that host's engine.
      hosts: hosts.map((host) => ({
        name: host.name,
        deps: { engine: host.engine, connection: host.connection, processes },
        policy: host.policy,
        // While the circuit is open, GET /_ping closes it as soon as the daemon answers again.
        probe: (signal: AbortSignal) => host.engine.ping(signal),
        wording: dockerWording(host.engine.endpoint),
      })),
      policy: config.policy,
      levels: config.policy.vocabulary.levels.map((level) => level.name),
      exec: {
        maxOutputBytes: config.policy.execSafety.maxOutput,
        timeoutMs: config.policy.execSafety.timeoutMs,
      },
      timeouts: config.timeouts,
      breaker: config.breaker,
      wording: dockerWording(engine.endpoint),
      ...(audit ? { audit } : {}),
      onBreakerChange: (open, host) =>
        log(
          open ? "error" : "notice",
          open
            ? `Docker at ${endpointOf(host)} stopped answering: calls are paused (circuit breaker open) until it answers again.`
            : `Docker at ${endpointOf(host)} answers again: calls resume (circuit breaker closed).`,
        ),
    });
    const toolNames = new Set(built.tools.map((t) => t.manifest.name));
    // A confirm entry naming no tool protects nothing: most likely a typo, worth telling every client.
    configWarnings = config.policy.confirm
      .filter((name) => !toolNames.has(name))
      .map(
        (name) =>
          `The policy's "confirm" list names "${name}", which is not a tool of this server; it has no effect.`,
      );
    for (const warning of configWarnings) stderr.write(`docker-mcp: warning: ${warning}\n`);
    return built;
  }
  let kernel: Kernel | undefined;
  let configWarnings: string[] = [];
  let building: Promise<Kernel> | undefined;
  const givenPlugins = options.plugins;
  function kernelNow(): Kernel {
    if (kernel) return kernel;
    throw new Error(
      "docker-mcp: the kernel is not built yet (the plugins may still be loading); await ready() first",
    );
  }
  // One for every session; ajv loads with the plugins, not at start.
  const validator = new LazyJsonSchemaValidator();
  function ready(): Promise<Kernel> {
    building ??= (async () => {
      const [plugins] = await Promise.all([
        typeof givenPlugins === "function" ? givenPlugins() : givenPlugins,
        validator.load(),
      ]);
      kernel ??= await buildKernel(plugins);
      return kernel;
    })();
    return building;
  }

  const sessions = new Set<Server>();
  function log(level: LoggingLevel, message: string): void {
    stderr.write(`docker-mcp: ${level}: ${message}\n`);
    for (const session of sessions) {
      void session
        .sendLoggingMessage({ level, logger: "docker-mcp", data: message }, session.transport?.sessionId)
        .catch(() => {});
    }
  }

  const anthropic = anthropicModel(config.fallback, options.env ?? process.env);

  const listAll = config.showAllTools || config.policy.bypass;

  function newSession(): Server {
    const server = new Server(
      { name: options.name ?? "docker-mcp", version: options.version ?? SERVER_VERSION },
      {
        // The bin's fast initialize answer declares the same (one object, compared by a test).
        capabilities: SERVER_CAPABILITIES,
        jsonSchemaValidator: validator,
      },
    );
    // Config warnings go out once per session, tied to its first request: a notification sent at
    // initialization goes to an HTTP client's standalone stream, which it may not have opened yet.
    let warned = false;
    const warnOnce = (extra: { sendNotification: (n: ServerNotification) => Promise<void> }) => {
      if (warned || configWarnings.length === 0) return;
      warned = true;
      // The SDK keeps each session's logging/setLevel; honor it as sendLoggingMessage would.
      const ignored = (
        server as unknown as { isMessageIgnored?: (level: LoggingLevel, id?: string) => boolean }
      ).isMessageIgnored;
      if (ignored?.("warning", server.transport?.sessionId)) return;
      for (const warning of configWarnings) {
        void extra
          .sendNotification({
            method: "notifications/message",
            params: { level: "warning", logger: "docker-mcp", data: warning },
          })
          .catch(() => {});
      }
    };

    server.setRequestHandler(ListToolsRequestSchema, async (_request, extra) => {
      const kernel = await ready();
      warnOnce(extra);
      return { tools: (listAll ? kernel.tools : kernel.enabledTools()).map((tool) => tool.surface) };
    });

    // Registered as the SDK's Protocol registers any request (the request parsed once against
    // CallToolRequestSchema), not through Server.setRequestHandler's tools/call wrapper, which parses
    // each request a second time and the result against CallToolResultSchema: the result is built here
    // by toCallToolResult from an answer the kernel checked against the tool's own output schema.
    baseRequestHandler(server)(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
      const kernel = await ready();
      warnOnce(extra);
      const progressToken = request.params._meta?.progressToken;
      let step = 0;
      let pending = 0;
      const unsent = new Set<Promise<void>>();
      const confirm = confirmByElicitation(server, extra.sendRequest);
      const result = await kernel.call(request.params.name, request.params.arguments ?? {}, {
        signal: extra.signal,
        // Built per call: a sampling or elicitation request travels on this call's stream.
        model: chooseModel(server, extra.sendRequest as SendRequest, config.fallback, anthropic),
        ...(confirm ? { confirm } : {}),
        ...(progressToken !== undefined
          ? {
              onProgress: (message: string, progress?: number, total?: number) => {
                // Backpressure: the transport resolves a send once the stream took it (after 'drain').
                if (pending >= MAX_PENDING_PROGRESS || extra.signal.aborted) return;
                // Progress must grow with every notification; fall back to a counter.
                step = Math.max(step + 1, progress ?? 0);
                pending++;
                const sent = extra
                  .sendNotification({
                    method: "notifications/progress",
                    params: {
                      progressToken,
                      progress: step,
                      ...(total !== undefined ? { total } : {}),
                      message,
                    },
                  })
                  .catch(() => {})
                  .finally(() => {
                    pending--;
                    unsent.delete(sent);
                  });
                unsent.add(sent);
              },
            }
          : {}),
      });
      // The answer goes after the progress already sent: a client drops progress that arrives after the
      // answer (the last snapshot or lines of a follow), and the writes can otherwise overtake each other.
      await flushed(unsent, PROGRESS_FLUSH_MS);
      return toCallToolResult(result);
    });

    server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({
      resourceTemplates: (await views()).resourceTemplates(await ready()),
    }));
    server.setRequestHandler(ListResourcesRequestSchema, async (_request, extra) => {
      const kernel = await ready();
      warnOnce(extra);
      return { resources: await (await views()).listResources(kernel, extra.signal) };
    });
    server.setRequestHandler(ReadResourceRequestSchema, async (request, extra) =>
      (await views()).readResource(await ready(), request.params.uri, extra.signal),
    );
    server.setRequestHandler(ListPromptsRequestSchema, async () => ({
      prompts: (await promptViews()).prompts((await ready()).hosts),
    }));
    server.setRequestHandler(GetPromptRequestSchema, async (request) =>
      (await promptViews()).getPrompt(request.params.name, request.params.arguments, (await ready()).hosts),
    );
    server.setRequestHandler(CompleteRequestSchema, async (request, extra) => {
      const kernel = await ready();
      const { ref, argument } = request.params;
      const several = kernel.hosts.length > 1;
      const onResource = (prefix: string) => ref.type === "ref/resource" && ref.uri.startsWith(prefix);
      const onPrompt = (name: string) => ref.type === "ref/prompt" && ref.name === name;
      const complete = (names: string[]) => {
        const values = names.filter((name) => name.startsWith(argument.value)).sort();
        return {
          completion: { values: values.slice(0, 100), total: values.length, hasMore: values.length > 100 },
        };
      };
      const hostVariable =
        onResource("docker://hosts/") ||
        onPrompt("troubleshoot_container") ||
        onPrompt("compose_project_health");
      if (several && argument.name === "host" && hostVariable) return complete([...kernel.hosts]);
      const completesContainer =
        argument.name === "container" &&
        (onResource("docker://containers/") ||
          (several && onResource("docker://hosts/")) ||
          onPrompt("troubleshoot_container"));
      const completesProject = argument.name === "project" && onPrompt("compose_project_health");
      if (!completesContainer && !completesProject) return { completion: { values: [] } };
      // The host already chosen (the {host} variable or the prompt's host argument); the default host
      // for the short URIs. An unknown host completes nothing, "*" included: it is no host of a URI or
      // prompt, and docker_ps would take it as every host's names at once.
      const chosen = request.params.context?.arguments?.["host"];
      const host = several && !onResource("docker://containers/") && chosen ? chosen : undefined;
      if (host !== undefined && !kernel.hosts.includes(host)) return { completion: { values: [] } };
      // The same listings docker_ps and docker_compose_ps give: only what that host's policy lets the caller see.
      return complete(
        completesProject
          ? await (await views()).visibleComposeProjects(kernel, extra.signal, host)
          : await (await views()).visibleContainerNames(kernel, extra.signal, host),
      );
    });
    return server;
  }

  async function openSession(transport: Transport, onClose?: () => void): Promise<Server> {
    const server = newSession();
    sessions.add(server);
    server.onclose = () => {
      sessions.delete(server);
      onClose?.();
    };
    // Guarded like every transport: a malformed request gets a JSON-RPC error, never silence.
    await server.connect(guardTransport(transport, (line) => stderr.write(`docker-mcp: ${line}\n`)));
    return server;
  }

  const first = newSession();

  return {
    server: first,
    get kernel() {
      return kernelNow();
    },
    ready,
    engine,
    engines: new Map(hosts.map((host) => [host.name, host.engine])),
    async connect(transport) {
      sessions.add(first);
      first.onclose = () => sessions.delete(first);
      // Every transport is guarded: a malformed request gets a JSON-RPC error, never silence.
      await first.connect(guardTransport(transport, (line) => stderr.write(`docker-mcp: ${line}\n`)));
    },
    openSession,
    log,
    async close() {
      // In-flight calls first: a cancelled exec kills its process before the connection goes away.
      // A kernel still being built is closed too, once it is there.
      await building?.catch(() => {});
      await kernel?.close();
      // Whatever a handler left running (it should have ended it itself) ends with the server.
      await processes.killAll();
      await Promise.allSettled([first, ...sessions].map((session) => session.close()));
      await Promise.all(hosts.map((host) => host.engine.close()));
    },
  };
}

function toCallToolResult(result: CallResult): CallToolResult {
  const content = [{ type: "text" as const, text: result.text }];
  const structured = result.structured ? { structuredContent: result.structured } : {};
  return result.isError ? { isError: true, content, ...structured } : { content, ...structured };
}
