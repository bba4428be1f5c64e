import { Redactor } from "@arktechnwa/mcp-mask";
import { closest, type Decision, type DecisionRequest, decide, type Policy } from "@arktechnwa/mcp-policy";
import { type CallResult, denial, failure, formatIssues, shapeAnswer } from "./answer.js";
import { type AuditRecord, type AuditTarget, type AuditWriter, createAuditWriter } from "./audit.js";
import { type Authorizer, createAuthorizer, toPolicyResources } from "./authorize.js";
import { CircuitBreaker, type CircuitBreakerOptions } from "./circuit-breaker.js";
import { raceSignal, startDeadline } from "./deadline.js";
import { errorCode, errorMessage } from "./errors.js";
import { startHeartbeat } from "./heartbeat.js";
import { DEFAULT_HOST, EVERY_HOST } from "./host-names.js";
import type { HostPathResolver } from "./host-real-path.js";
import { interruptedMessage } from "./interrupted.js";
import { type LoadedTool, loadPlugins } from "./load-plugins.js";
import { type CallModel, NO_MODEL } from "./model.js";
import type {
  ExecLimits,
  Plugin,
  RejectedTarget,
  ResourceResolver,
  ToolContext,
  ToolHandler,
  ToolManifest,
} from "./plugin.js";
import { sanitizeText } from "./sanitize.js";
import { mergeHostAnswers, withHostParameter } from "./span-hosts.js";
import { type ToolSurface, toolSurface } from "./tool-surface.js";
import { type KernelWording, NEUTRAL_WORDING, sentence } from "./wording.js";

export type { CallResult } from "./answer.js";
export type { AuditRecord, AuditTarget } from "./audit.js";

/**
 * One daemon (or other target system) the kernel can call: its own dependencies (the plugins' handlers
 * and resolvers are built from them, so a handler only ever reaches its host), policy, breaker and
 * health state. With more than one host every tool takes an optional `host` parameter.
 */
export interface KernelHost<Deps> {
  /** `^[A-Za-z0-9_.-]{1,64}$`; named in answers and audit lines. */
  name: string;
  deps: Deps;
  /** This host's policy (the base policy with its overrides merged); default: the kernel's policy. */
  policy?: Policy;
  /** As KernelOptions.hostPaths, for this host (only a host that shares this machine's filesystem). */
  hostPaths?: HostPathResolver;
  /** This host's health probe for its breaker (default: the breaker option's probe). */
  probe?: (signal: AbortSignal) => Promise<unknown>;
  /** How messages name this host (its endpoint), over the kernel's wording. */
  wording?: Partial<KernelWording>;
}

export interface KernelOptions<Deps> {
  plugins: Plugin<Deps>[];
  /** The dependencies of the only host, when `hosts` is not given. */
  deps?: Deps;
  /**
   * Named hosts, the first being the default. Without it there is one host built from `deps`,
   * `policy` and `hostPaths`, and tools take no `host` parameter.
   */
  hosts?: KernelHost<Deps>[];
  /** The base policy: its vocabulary checks the manifests, and it is every host's policy by default. */
  policy: Policy;
  /** Permission levels the policy's vocabulary knows (manifests are checked against them). */
  levels: Iterable<string>;
  /** The policy's exec limits, given to exec-like handlers. */
  exec: ExecLimits;
  /**
   * The timeout classes tools may name, each with its deadline in ms (the server defines them from
   * its config). A tool naming another class fails to load.
   */
  timeouts: Readonly<Record<string, number>>;
  /** false disables the breaker. */
  breaker?: Omit<CircuitBreakerOptions, "now"> | false;
  /** How messages name the target system and which errors mean it is down (neutral by default). */
  wording?: Partial<KernelWording>;
  /** The text answer is cut at this many characters. */
  maxTextChars?: number;
  /**
   * An answer whose JSON is larger than this is refused with a way to narrow it: structured content
   * cannot be cut without breaking its schema, and a model's context is not the place for megabytes.
   */
  maxStructuredChars?: number;
  audit?: (record: AuditRecord) => void;
  /**
   * Set when the daemon shares this machine's filesystem (a local unix socket): every bind source of a
   * creation is then judged by its real path too, so a symlink to a blocked path is refused.
   */
  hostPaths?: HostPathResolver;
  /**
   * While a call runs, a progress notification this often (when the client asked for progress), so
   * clients that reset their request timer on progress do not give up on long operations.
   */
  heartbeatMs?: number;
  /** Told when the circuit breaker opens (calls paused) or closes (the system answers again). */
  onBreakerChange?: (open: boolean, host: string) => void;
  now?: () => number;
}

export interface KernelTool {
  plugin: string;
  /** With several hosts the kernel adds `host` to the input (and names it in the output). */
  manifest: ToolManifest;
  /** The `tools/list` entry, computed once at load. */
  surface: ToolSurface;
}

export interface CallOptions {
  /** The client's cancel signal (MCP `notifications/cancelled`). */
  signal?: AbortSignal;
  onProgress?: (message: string, progress?: number, total?: number) => void;
  /** The model this call may use (the server builds it per call: sampling travels on the call's stream). */
  model?: CallModel;
  /**
   * Asks the user whether a call the policy allowed may act, for tools the policy's `confirm` lists.
   * Without it such a call is denied (the client cannot ask). The signal is the client's cancel.
   */
  confirm?: (question: ConfirmQuestion, signal: AbortSignal) => Promise<ConfirmAnswer>;
}

/** What the user is asked before a tool in the policy's `confirm` list acts. */
export interface ConfirmQuestion {
  tool: string;
  /** One sentence naming the tool, its targets and arguments (masked and sanitized). */
  message: string;
}

/** `accept` proceeds; anything else denies the call. */
export type ConfirmAnswer = "accept" | "decline" | "cancel";

export interface Kernel {
  readonly tools: KernelTool[];
  /** The host names, the default first. */
  readonly hosts: string[];
  /**
   * Tools the policy lets the caller use (every level on), for `tools/list`: on some host, or on the
   * host named.
   */
  enabledTools(host?: string): KernelTool[];
  /**
   * Cancels every call in flight and waits (at most `graceMs`) for their handlers to finish, so a
   * timed-out exec is killed in its container before the process exits. Later calls are refused.
   */
  close(graceMs?: number): Promise<void>;
  call(name: string, args: unknown, options?: CallOptions): Promise<CallResult>;
  /**
   * What `call` would decide for these arguments, without running the tool or writing an audit line:
   * the same host choice, input check, level check, target resolution and policy decision (for
   * `docker-mcp policy explain`). Resolution runs on the real system, under the tool's own deadline.
   */
  explain(name: string, args: unknown, options?: { signal?: AbortSignal }): Promise<Explanation>;
}

/** The answer of `Kernel.explain`. */
export interface Explanation {
  tool: string;
  /** The host the call would go to. */
  host: string;
  /** Where the decision was made: the input, the levels, resolving a target, or the policy on the targets. */
  stage: "unknown_tool" | "input" | "levels" | "resolve" | "targets";
  allowed: boolean;
  revision: string;
  /** The decision over the call (levels, command, creation facts; and the targets when decided together). */
  decision?: Decision;
  /** What the policy was asked. */
  request?: DecisionRequest;
  /** Every target as resolved (kind, reference, ID, names), each with its own verdict when decided one by one. */
  targets: AuditTarget[];
  /** Targets decided one by one and refused (denied or not resolved), with their messages. */
  rejected: RejectedTarget[];
  /** Why the call stops before the policy sees its targets (bad input, a target not found). */
  message?: string;
  code?: string;
}

// biome-ignore lint/suspicious/noExplicitAny: handler input is validated by the tool's schema
type AnyHandler = ToolHandler<any, any>;

const HOST_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

interface HostRuntime {
  name: string;
  policy: Policy;
  /** Each tool's handler built from this host's deps: a handler never reaches another host. */
  handlers: Map<string, AnyHandler>;
  wording: KernelWording;
  breaker: CircuitBreaker | undefined;
  audit: AuditWriter;
  authorize: Authorizer;
}

/**
 * The call pipeline, the same for every tool:
 * validate input -> check levels -> resolve targets -> decide -> run under a deadline -> redact -> cap.
 */
export function createKernel<Deps>(options: KernelOptions<Deps>): Kernel {
  const now = options.now ?? Date.now;
  const timeouts = checkTimeouts(options.timeouts);
  const loaded = loadPlugins(
    options.plugins,
    new Set(options.levels),
    new Set(Object.keys(timeouts)),
    new Set(options.policy.vocabulary.resourceKinds.map((kind) => kind.name)),
  );
  const baseWording: KernelWording = { ...NEUTRAL_WORDING, ...options.wording };
  const maxTextChars = options.maxTextChars ?? 50_000;
  const maxStructuredChars = options.maxStructuredChars ?? 1_000_000;
  const heartbeatMs = options.heartbeatMs ?? 10_000;
  const closing = new AbortController();
  const inflight = new Set<Promise<unknown>>();

  const specs: KernelHost<Deps>[] = options.hosts?.length
    ? options.hosts
    : [
        {
          name: DEFAULT_HOST,
          deps: options.deps as Deps,
          ...(options.hostPaths ? { hostPaths: options.hostPaths } : {}),
        },
      ];
  const multiHost = specs.length > 1;
  const hosts = new Map<string, HostRuntime>();
  for (const spec of specs) {
    if (!HOST_NAME.test(spec.name))
      throw new Error(`createKernel: host name "${spec.name}" must match ${HOST_NAME.source}`);
    if (hosts.has(spec.name)) throw new Error(`createKernel: host "${spec.name}" is given twice`);
    const policy = spec.policy ?? options.policy;
    const resolvers = new Map<string, ResourceResolver>();
    for (const [kind, { create }] of loaded.resolvers) resolvers.set(kind, create(spec.deps));
    const handlers = new Map<string, AnyHandler>();
    for (const [name, tool] of loaded.tools) handlers.set(name, tool.createHandler(spec.deps));
    const probe = spec.probe ?? (options.breaker ? options.breaker.probe : undefined);
    hosts.set(spec.name, {
      name: spec.name,
      policy,
      handlers,
      wording: { ...baseWording, ...spec.wording },
      breaker:
        options.breaker === false
          ? undefined
          : new CircuitBreaker({
              failureThreshold: 3,
              windowMs: 60_000,
              cooldownMs: 300_000,
              ...options.breaker,
              ...(probe ? { probe } : {}),
              ...(options.onBreakerChange
                ? { onChange: (open: boolean) => options.onBreakerChange?.(open, spec.name) }
                : {}),
              now,
            }),
      audit: createAuditWriter(options.audit, policy, now, multiHost ? spec.name : undefined),
      authorize: createAuthorizer(policy, resolvers, spec.hostPaths),
    });
  }
  const hostNames = [...hosts.keys()];
  const defaultHost = hosts.get(hostNames[0] as string) as HostRuntime;
  const wording = baseWording;

  const tools: KernelTool[] = [...loaded.tools.values()].map((t) => ({
    plugin: t.plugin,
    manifest: t.manifest,
    surface: multiHost
      ? withHostParameter(toolSurface(t.manifest), hostNames, t.manifest.listRows)
      : toolSurface(t.manifest),
  }));

  async function call(name: string, args: unknown, callOptions: CallOptions = {}): Promise<CallResult> {
    const tool = loaded.tools.get(name);
    if (!tool) {
      return failure(
        "unknown_tool",
        `Unknown tool "${name}". Call tools/list to see the tools this server offers.`,
      );
    }
    if (closing.signal.aborted)
      return failure(
        "shutting_down",
        `${sentence(wording.product)} is shutting down; no new calls are taken.`,
      );
    if (!multiHost) return callOnHost(defaultHost, tool, args, callOptions);
    // The kernel's own parameter: taken off before the tool's schema sees the arguments.
    let toolArgs = args ?? {};
    let host = defaultHost;
    if (typeof toolArgs === "object" && !Array.isArray(toolArgs) && "host" in toolArgs) {
      const { host: wanted, ...rest } = toolArgs as Record<string, unknown>;
      toolArgs = rest;
      if (wanted === EVERY_HOST) return callEveryHost(tool, toolArgs, callOptions);
      if (wanted !== undefined) {
        const found = typeof wanted === "string" ? hosts.get(wanted) : undefined;
        if (!found) {
          const guess = typeof wanted === "string" ? closest(wanted, hostNames) : undefined;
          return failure(
            "invalid_input",
            `Unknown host ${JSON.stringify(wanted)}${guess ? `; did you mean "${guess}"?` : "."} The hosts are ${hostNames.map((h) => `"${h}"`).join(", ")}; without host the call goes to "${defaultHost.name}".`,
          );
        }
        host = found;
      }
    }
    return namedByHost(host.name, await callOnHost(host, tool, toolArgs, callOptions));
  }

  /**
   * `host: "*"` on a listing tool: the same call on every host at once, each through its own pipeline
   * (its policy decides its rows, its breaker and deadline bound it, its audit line names it), so a
   * host that is down answers within its deadline and fails only its own part.
   */
  async function callEveryHost(
    tool: LoadedTool<Deps>,
    args: unknown,
    callOptions: CallOptions,
  ): Promise<CallResult> {
    const rows = tool.manifest.listRows;
    if (!rows) {
      const listing = tools.filter((t) => t.manifest.listRows).map((t) => t.manifest.name);
      return failure(
        "invalid_input",
        `host "${EVERY_HOST}" (every host) is for listing tools only (${listing.join(", ")}); call ${tool.manifest.name} with one host: ${hostNames.map((h) => `"${h}"`).join(", ")}.`,
      );
    }
    // Bad arguments are bad on every host: answered once (and audited once), by the default host.
    if (!tool.manifest.input.safeParse(args).success) return callOnHost(defaultHost, tool, args, callOptions);
    const answers = await Promise.all(
      [...hosts.values()].map(async (host) => ({
        host: host.name,
        result: await callOnHost(host, tool, args, callOptions),
      })),
    );
    return mergeHostAnswers(rows, answers, { maxTextChars, maxStructuredChars });
  }

  async function callOnHost(
    host: HostRuntime,
    tool: LoadedTool<Deps>,
    args: unknown,
    callOptions: CallOptions,
  ): Promise<CallResult> {
    const started = now();
    const name = tool.manifest.name;
    const { policy, breaker, audit, authorize, wording } = host;
    const handler = host.handlers.get(name) as AnyHandler;
    const manifest = tool.manifest;
    const redactor = new Redactor();
    const targets: AuditTarget[] = [];
    let request: DecisionRequest = { tool: name, levels: manifest.levels };
    const finish = (outcome: AuditRecord["outcome"], decision: Decision | undefined, error?: string) =>
      audit(outcome, request, decision, { targets, started, redactor, ...(error ? { error } : {}) });

    const parsed = manifest.input.safeParse(args ?? {});
    if (!parsed.success) {
      const message = `Invalid arguments for ${name}: ${formatIssues(parsed.error.issues, manifest.input)}. See the tool's input schema in tools/list.`;
      finish("invalid", undefined, message);
      return failure("invalid_input", redactor.text(message));
    }
    const input = parsed.data;

    // Levels first: a tool whose level is off learns nothing about the target system, not even whether a name exists.
    const levelDecision = decide(policy, request);
    if (!levelDecision.allowed) {
      finish("denied", levelDecision);
      return denial(levelDecision);
    }

    // A health check runs whatever the breaker says and never moves it.
    const callBreaker = manifest.healthCheck ? undefined : breaker;
    if (callBreaker && !callBreaker.tryAcquire()) {
      const message = callBreaker.openMessage(wording);
      finish("error", levelDecision, message);
      return failure("circuit_open", message);
    }

    // The client's cancel and the server's close, each listened to by the deadline (no AbortSignal.any
    // per call: it costs more than the rest of the deadline, and only a confirmation needs one signal).
    const cancels = [callOptions.signal, closing.signal] as const;
    const cancelled = () => callOptions.signal?.aborted === true || closing.signal.aborted;
    const timeoutClass = manifest.streaming?.when(input)
      ? manifest.streaming.timeoutClass
      : manifest.timeoutClass;
    const timeoutMs = timeouts[timeoutClass] as number;
    let deadline = startDeadline(timeoutMs, cancels, now());
    const heartbeat = startHeartbeat(name, heartbeatMs, callOptions.onProgress, now);
    let decision: Decision = levelDecision;
    // A check the handler asked for while running that denied: the call's outcome is then "denied".
    let lateDenial: Decision | undefined;
    try {
      // Every resolved target's secrets are masked (in a denial's audit record too), and its names are
      // names, not keys; what the caller asks to run is masked like the target's own argv.
      const authorization = await authorize(manifest, input, deadline.signal, targets, (resource) => {
        redactor.add(resource.secrets ?? []);
        redactor.addNames(resource.names);
      });
      request = authorization.request;
      decision = authorization.decision;
      if (request.command) redactor.addArgv(request.command);
      if (!authorization.proceed) {
        // The target system answered every lookup: a denial says nothing bad about its health.
        callBreaker?.recordSuccess();
        finish("denied", decision);
        return denial(decision, authorization.resolved);
      }

      // Nothing to confirm when every target was denied: the handler only reports them.
      const acts = manifest.targets === undefined || authorization.allowed.length > 0;
      if (acts && policy.confirm.includes(name) && !policy.bypass) {
        // The user's time to answer is not the call's time: the deadline starts again after a yes.
        deadline.dispose();
        const question = confirmQuestion(name, input, authorization.allowed, redactor);
        let answer: ConfirmAnswer | "unavailable" = "unavailable";
        if (callOptions.confirm) {
          const cancel = callOptions.signal
            ? AbortSignal.any([callOptions.signal, closing.signal])
            : closing.signal;
          answer = await callOptions.confirm(question, cancel).catch(() => "cancel" as const);
        }
        if (cancelled()) {
          breaker?.recordNeutral();
          const message = interruptedMessage(manifest, "cancelled", timeoutMs, wording);
          finish("cancelled", decision, message);
          return failure("cancelled", redactor.text(message));
        }
        if (answer !== "accept") {
          breaker?.recordNeutral();
          decision = unconfirmed(name, answer, decision.revision);
          finish("denied", decision);
          return denial(decision);
        }
        targets.push({ kind: "check", ref: "confirmation", allowed: true, code: "confirmed" });
        deadline = startDeadline(timeoutMs, cancels, now());
      }

      const ctx: ToolContext = {
        signal: deadline.signal,
        deadline: deadline.deadline,
        breaker: () => breaker?.status(),
        targets: authorization.allowed,
        rejected: authorization.rejected,
        exec: options.exec,
        visible: (items, describe) => {
          const visible = items.filter((item) => {
            const resource = describe(item);
            const allowed = decide(policy, { ...request, resources: toPolicyResources(resource) }).allowed;
            if (allowed) redactor.addNames(resource.names);
            return allowed;
          });
          return { visible, hidden: items.length - visible.length };
        },
        progress: (message, progress, total) => {
          try {
            callOptions.onProgress?.(redactor.text(sanitizeText(message)), progress, total);
          } catch {
            // Progress is best effort.
          }
        },
        addSecrets: (values) => redactor.add(values),
        authorize: (check) => {
          const late: DecisionRequest = {
            tool: name,
            levels: [...new Set([...manifest.levels, ...(check.levels ?? [])])],
            ...(check.resources ? { resources: check.resources.flatMap(toPolicyResources) } : {}),
            ...(check.create ? { create: check.create } : {}),
            ...(check.composeFiles ? { composeFiles: check.composeFiles } : {}),
            ...(check.build ? { build: check.build } : {}),
          };
          const d = decide(policy, late);
          for (const resource of check.resources ?? []) redactor.addNames(resource.names);
          const code = d.reasons[0]?.code ?? (d.allowed ? "allowed" : "denied");
          targets.push({
            kind: "check",
            ref: check.subject,
            ...(check.resources?.length ? { names: check.resources.flatMap((r) => r.names) } : {}),
            allowed: d.allowed,
            code,
          });
          if (!d.allowed) lateDenial = d;
          return {
            allowed: d.allowed,
            reasons: d.allowed ? [] : d.reasons.map((r) => ({ code: r.code, message: r.message })),
          };
        },
        redact: <T>(value: T): T =>
          (typeof value === "string" ? redactor.text(value) : redactor.value(value)) as T,
        redactCapped: (text, maxBytes, upstreamCut) => redactor.capped(text, maxBytes, upstreamCut),
        model: callOptions.model ?? NO_MODEL,
      };

      const work = handler(input, ctx);
      // Tracked until it really ends (not just until the deadline answered the caller), for close().
      inflight.add(work);
      work.then(
        () => inflight.delete(work),
        () => inflight.delete(work),
      );
      const output = await raceSignal(work, deadline.signal);
      const { text, structured } = shapeAnswer(
        manifest,
        output,
        redactor,
        { maxTextChars, maxStructuredChars },
        wording.product,
      );
      callBreaker?.recordSuccess();
      if (manifest.failed?.(structured)) {
        // Acted on nothing: an error, whose answer still lists what happened to each target.
        const allDenied =
          authorization.allowed.length === 0 &&
          authorization.rejected.length > 0 &&
          authorization.rejected.every((r) => r.status === "denied");
        finish(allDenied ? "denied" : "error", decision, allDenied ? undefined : text);
        return { isError: true, code: allDenied ? "denied" : "failed", text, structured };
      }
      finish("ok", decision);
      return { isError: false, text, structured };
    } catch (error) {
      const cause = deadline.cause();
      if (cause) {
        // The signal fired: whatever the handler threw, the deadline or the cancel is the real story.
        // A deadline counts against the daemon only if it does not answer a ping either.
        if (cause === "deadline") callBreaker?.recordTimeout();
        else callBreaker?.recordNeutral();
        const message = interruptedMessage({ ...manifest, timeoutClass }, cause, timeoutMs, wording);
        finish(cause === "deadline" ? "timeout" : "cancelled", decision, message);
        return failure(cause === "deadline" ? "deadline_exceeded" : "cancelled", redactor.text(message));
      }
      const code = errorCode(error) ?? "error";
      if (wording.isUnreachable(error)) callBreaker?.recordFailure();
      else callBreaker?.recordSuccess();
      const message = redactor.text(sanitizeText(errorMessage(error)));
      if (lateDenial) {
        finish("denied", lateDenial, message);
        return failure(code, message);
      }
      finish("error", decision, message);
      return failure(code, message);
    } finally {
      deadline.dispose();
      heartbeat();
    }
  }

  /** A tool is listed when some host's policy lets it be used (or the named host's; none for an unknown host). */
  function enabledTools(hostName?: string): KernelTool[] {
    const asked =
      hostName === undefined ? [...hosts.values()] : [hosts.get(hostName)].filter((h) => h !== undefined);
    return tools.filter((t) =>
      asked.some((host) => decide(host.policy, { tool: t.manifest.name, levels: t.manifest.levels }).allowed),
    );
  }

  async function close(graceMs = 8_000): Promise<void> {
    closing.abort(new DOMException(`${sentence(wording.product)} is shutting down`, "AbortError"));
    for (const host of hosts.values()) host.breaker?.dispose();
    if (inflight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...inflight]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
  }

  async function explain(
    name: string,
    args: unknown,
    explainOptions: { signal?: AbortSignal } = {},
  ): Promise<Explanation> {
    // The host is chosen as call() chooses it: the kernel's own "host" argument, else the default.
    let host = defaultHost;
    let toolArgs = args ?? {};
    if (multiHost && typeof toolArgs === "object" && !Array.isArray(toolArgs) && "host" in toolArgs) {
      const { host: wanted, ...rest } = toolArgs as Record<string, unknown>;
      toolArgs = rest;
      const found = typeof wanted === "string" ? hosts.get(wanted) : undefined;
      if (wanted !== undefined && !found) {
        return {
          tool: name,
          host: String(wanted),
          revision: host.policy.revision,
          targets: [],
          rejected: [],
          stage: "input",
          allowed: false,
          code: "invalid_input",
          message:
            wanted === EVERY_HOST
              ? `A decision is made on one host at a time; name one of ${hostNames.join(", ")}.`
              : `Unknown host ${JSON.stringify(wanted)}; the hosts are ${hostNames.join(", ")}.`,
        };
      }
      if (found) host = found;
    }
    const { policy, authorize } = host;
    const tool = loaded.tools.get(name);
    const base = {
      tool: name,
      host: host.name,
      revision: policy.revision,
      targets: [] as AuditTarget[],
      rejected: [] as RejectedTarget[],
    };
    if (!tool) {
      return {
        ...base,
        stage: "unknown_tool",
        allowed: false,
        code: "unknown_tool",
        message: `Unknown tool "${name}". Known tools: ${[...loaded.tools.keys()].join(", ")}.`,
      };
    }
    const manifest = tool.manifest;
    const parsed = manifest.input.safeParse(toolArgs);
    if (!parsed.success) {
      return {
        ...base,
        stage: "input",
        allowed: false,
        code: "invalid_input",
        message: `Invalid arguments for ${name}: ${formatIssues(parsed.error.issues, manifest.input)}.`,
      };
    }
    const request: DecisionRequest = { tool: name, levels: manifest.levels };
    const levelDecision = decide(policy, request);
    if (!levelDecision.allowed) {
      return { ...base, stage: "levels", allowed: false, decision: levelDecision, request };
    }
    const timeoutMs = timeouts[manifest.timeoutClass] as number;
    const deadline = startDeadline(timeoutMs, explainOptions.signal ?? closing.signal, now());
    const targets: AuditTarget[] = [];
    try {
      const authorization = await authorize(manifest, parsed.data, deadline.signal, targets);
      return {
        ...base,
        stage: "targets",
        targets,
        // Decided one by one, the call goes ahead when any target is allowed.
        allowed:
          authorization.proceed && (authorization.allowed.length > 0 || authorization.rejected.length === 0),
        decision: authorization.decision,
        request: authorization.request,
        rejected: authorization.rejected,
      };
    } catch (error) {
      return {
        ...base,
        stage: "resolve",
        targets,
        allowed: false,
        code: deadline.cause() === "deadline" ? "deadline_exceeded" : (errorCode(error) ?? "error"),
        message: sanitizeText(errorMessage(error)),
      };
    } finally {
      deadline.dispose();
    }
  }

  return { tools, hosts: hostNames, enabledTools, call, explain, close };
}

/** The question put to the user: the tool, what it acts on (as resolved) and the arguments, masked. */
function confirmQuestion(
  tool: string,
  input: unknown,
  allowed: readonly { kind: string; names: string[]; ref?: string; id?: string }[],
  redactor: Redactor,
): ConfirmQuestion {
  const on = allowed.map((r) => `${r.kind} "${r.names[0] ?? r.ref ?? r.id ?? "?"}"`).join(", ");
  const args = JSON.stringify(redactor.value(input));
  const message = `Allow ${tool}${on ? ` on ${on}` : ""}? Arguments: ${args.length > 500 ? `${args.slice(0, 500)}...` : args}`;
  return { tool, message: redactor.text(sanitizeText(message)) };
}

/** A denial for a call the user did not confirm, or could not be asked about. */
function unconfirmed(tool: string, answer: ConfirmAnswer | "unavailable", revision: string): Decision {
  if (answer === "unavailable") {
    return {
      allowed: false,
      revision,
      reasons: [
        {
          code: "cannot_confirm",
          message: `${tool} needs the user's confirmation (it is in the policy's "confirm" list), and this client cannot ask (it offers no MCP elicitation). Use a client that supports elicitation, or remove "${tool}" from "confirm" in the config to allow it without asking.`,
        },
      ],
    };
  }
  return {
    allowed: false,
    revision,
    reasons: [
      {
        code: "not_confirmed",
        message: `The user ${answer === "decline" ? "declined" : "did not confirm"} ${tool}; nothing was done. Ask the user before trying it again.`,
      },
    ],
  };
}

/** Every class needs a positive, finite deadline: a typo in the server's table must not mean "never". */
function checkTimeouts(timeouts: Readonly<Record<string, number>>): Readonly<Record<string, number>> {
  const entries = Object.entries(timeouts ?? {});
  if (entries.length === 0) throw new Error("createKernel: no timeout classes given (timeouts is empty)");
  for (const [name, ms] of entries) {
    if (typeof ms !== "number" || !Number.isFinite(ms) || ms <= 0) {
      throw new Error(
        `createKernel: timeout class "${name}" needs a positive number of ms, got ${String(ms)}`,
      );
    }
  }
  return { ...timeouts };
}

/** Every answer of a call on one of several hosts says which host answered. */
function namedByHost(host: string, result: CallResult): CallResult {
  return {
    ...result,
    text: `[host ${host}] ${result.text}`,
    ...(result.structured ? { structured: { ...result.structured, host } } : {}),
  };
}
