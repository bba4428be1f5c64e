import {
  closest,
  type Decision,
  type DecisionRequest,
  decide,
  type Policy,
  type AuditRecord as PolicyAuditRecord,
  toAuditRecord,
} from "@arktechnwa/mcp-policy";
import type { z } from "zod";
import { CircuitBreaker, type CircuitBreakerOptions } from "./circuit-breaker.js";
import { type AbortCause, raceSignal, startDeadline } from "./deadline.js";
import { errorCode, errorMessage, ToolError } from "./errors.js";
import { type LoadedTool, loadPlugins } from "./load-plugins.js";
import type {
  AnyObjectSchema,
  ExecLimits,
  Plugin,
  RejectedTarget,
  ResolvedResource,
  ResourceResolver,
  TargetRef,
  TimeoutClass,
  ToolContext,
  ToolHandler,
  ToolManifest,
} from "./plugin.js";
import { Redactor } from "./redact.js";
import { sanitizeText } from "./sanitize.js";
import { type ToolSurface, toolSurface } from "./tool-surface.js";

export const DEFAULT_TIMEOUTS: Readonly<Record<TimeoutClass, number>> = {
  read: 30_000,
  lifecycle: 60_000,
  exec: 30_000,
  compose: 120_000,
};

/**
 * Error codes that say the daemon itself is not answering: they feed the circuit breaker (the
 * kernel's own deadline is counted where it fires).
 */
const DAEMON_DOWN_CODES = new Set(["UNREACHABLE", "TIMEOUT"]);

/** What the audit log says about one target of a call. */
export interface AuditTarget {
  kind: string;
  /** The reference as the caller gave it. */
  ref: string;
  id?: string;
  names?: readonly string[];
  /** With per-target decisions: whether this one was let through, and if not, why (reason code). */
  allowed?: boolean;
  code?: string;
}

/** One audit line: the policy's record of the decision, plus what the kernel saw happen. */
export type AuditRecord = PolicyAuditRecord & {
  targets: AuditTarget[];
  outcome: "ok" | "denied" | "error" | "timeout" | "cancelled" | "invalid";
  durationMs: number;
  error?: string;
};

export interface KernelOptions<Deps> {
  plugins: Plugin<Deps>[];
  deps: Deps;
  policy: Policy;
  /** Permission levels the policy's vocabulary knows (manifests are checked against them). */
  levels: Iterable<string>;
  /** The policy's exec limits, given to exec-like handlers. */
  exec: ExecLimits;
  timeouts?: Partial<Record<TimeoutClass, number>>;
  /** false disables the breaker. */
  breaker?: Omit<CircuitBreakerOptions, "now"> | false;
  /** Where the tools' calls go (e.g. "unix:///var/run/docker.sock"), named in timeout and breaker messages. */
  endpoint?: string;
  /** The text answer is cut at this many characters. */
  maxTextChars?: number;
  /**
   * An answer whose JSON is larger than this is refused with a way to narrow it: structured content
   * cannot be cut without breaking its schema, and a model's context is not the place for megabytes.
   */
  maxStructuredChars?: number;
  audit?: (record: AuditRecord) => void;
  /**
   * While a call runs, a progress notification this often (when the client asked for progress), so
   * clients that reset their request timer on progress do not give up on long operations.
   */
  heartbeatMs?: number;
  now?: () => number;
}

export interface KernelTool {
  plugin: string;
  manifest: ToolManifest;
  /** The `tools/list` entry, computed once at load. */
  surface: ToolSurface;
}

export interface CallOptions {
  /** The client's cancel signal (MCP `notifications/cancelled`). */
  signal?: AbortSignal;
  onProgress?: (message: string, progress?: number, total?: number) => void;
}

export interface CallResult {
  isError: boolean;
  /** The short text rendering for the model (redacted, sanitized, capped). */
  text: string;
  /** JSON matching the tool's output schema (redacted, sanitized); only when isError is false. */
  structured?: Record<string, unknown>;
  /** A stable code for errors: denied, invalid_input, not_found, deadline_exceeded, ... */
  code?: string;
}

export interface Kernel {
  readonly tools: KernelTool[];
  /** Tools the policy lets the caller use (every level on), for `tools/list`. */
  enabledTools(): KernelTool[];
  /**
   * Cancels every call in flight and waits (at most `graceMs`) for their handlers to finish, so a
   * timed-out exec is killed in its container before the process exits. Later calls are refused.
   */
  close(graceMs?: number): Promise<void>;
  call(name: string, args: unknown, options?: CallOptions): Promise<CallResult>;
}

interface RunningTool<Deps> extends LoadedTool<Deps> {
  // biome-ignore lint/suspicious/noExplicitAny: handler input is validated by the tool's schema
  handler: ToolHandler<any, any>;
}

/**
 * The call pipeline, the same for every tool:
 * validate input -> check levels -> resolve targets -> decide -> run under a deadline -> redact -> cap.
 */
export function createKernel<Deps>(options: KernelOptions<Deps>): Kernel {
  const now = options.now ?? Date.now;
  const loaded = loadPlugins(options.plugins, new Set(options.levels));
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const maxTextChars = options.maxTextChars ?? 50_000;
  const maxStructuredChars = options.maxStructuredChars ?? 1_000_000;
  const breaker =
    options.breaker === false
      ? undefined
      : new CircuitBreaker({ failureThreshold: 5, cooldownMs: 30_000, ...options.breaker, now });
  const policy = options.policy;
  const heartbeatMs = options.heartbeatMs ?? 10_000;
  const closing = new AbortController();
  const inflight = new Set<Promise<unknown>>();

  const resolvers = new Map<string, ResourceResolver>();
  for (const plugin of options.plugins) {
    for (const [kind, factory] of Object.entries(plugin.resolvers ?? {})) {
      if (!resolvers.has(kind)) resolvers.set(kind, factory(options.deps));
    }
  }

  const running = new Map<string, RunningTool<Deps>>();
  for (const [name, tool] of loaded) {
    running.set(name, {
      ...tool,
      handler: tool.createHandler(options.deps),
    });
  }
  const tools: KernelTool[] = [...running.values()].map((t) => ({
    plugin: t.plugin,
    manifest: t.manifest,
    surface: toolSurface(t.manifest),
  }));

  /** One line per call, built on the policy's own audit record (which masks secrets in the request). */
  function audit(
    outcome: AuditRecord["outcome"],
    request: DecisionRequest,
    decision: Decision | undefined,
    extra: { targets: AuditTarget[]; started: number; error?: string },
  ): void {
    if (!options.audit) return;
    try {
      const base = decision
        ? toAuditRecord(request, decision, now())
        : toAuditRecord(request, { allowed: false, reasons: [], revision: policy.revision }, now());
      options.audit({
        ...base,
        targets: extra.targets,
        outcome,
        durationMs: now() - extra.started,
        ...(extra.error ? { error: extra.error } : {}),
      });
    } catch {
      // An audit sink that fails must not fail the call.
    }
  }

  async function call(name: string, args: unknown, callOptions: CallOptions = {}): Promise<CallResult> {
    const started = now();
    const tool = running.get(name);
    if (!tool) {
      return failure(
        "unknown_tool",
        `Unknown tool "${name}". Call tools/list to see the tools this server offers.`,
      );
    }
    if (closing.signal.aborted)
      return failure("shutting_down", "docker-mcp is shutting down; no new calls are taken.");
    const manifest = tool.manifest;
    const redactor = new Redactor();
    const targets: AuditTarget[] = [];
    let request: DecisionRequest = { tool: name, levels: manifest.levels };
    const finish = (outcome: AuditRecord["outcome"], decision: Decision | undefined, error?: string) =>
      audit(outcome, request, decision, {
        targets,
        started,
        ...(error ? { error: redactor.text(error) } : {}),
      });

    const parsed = manifest.input.safeParse(args ?? {});
    if (!parsed.success) {
      const message = `Invalid arguments for ${name}: ${formatIssues(parsed.error.issues, manifest.input)}. See the tool's input schema in tools/list.`;
      finish("invalid", undefined, message);
      return failure("invalid_input", redactor.text(message));
    }
    const input = parsed.data;

    // Levels first: a tool whose level is off learns nothing about the daemon, not even whether a name exists.
    const levelDecision = decide(policy, request);
    if (!levelDecision.allowed) {
      finish("denied", levelDecision);
      return denial(levelDecision);
    }

    if (breaker && !breaker.tryAcquire()) {
      const message = `The Docker daemon${options.endpoint ? ` at ${options.endpoint}` : ""} failed repeatedly to answer, so calls are paused for ${Math.ceil(breaker.retryInMs() / 1000)} s (circuit breaker). Check that dockerd is running and reachable, then retry.`;
      finish("error", levelDecision, message);
      return failure("circuit_open", message);
    }

    const cancel = callOptions.signal
      ? AbortSignal.any([callOptions.signal, closing.signal])
      : closing.signal;
    const deadline = startDeadline(timeouts[manifest.timeoutClass], cancel, now());
    const heartbeat = startHeartbeat(name, heartbeatMs, callOptions.onProgress, now);
    let decision: Decision = levelDecision;
    try {
      const authorization = await authorize(manifest, input, deadline.signal, targets);
      request = authorization.request;
      decision = authorization.decision;
      if (!authorization.proceed) {
        // The daemon answered every lookup: a denial says nothing bad about its health.
        breaker?.recordSuccess();
        finish("denied", decision);
        return denial(decision, authorization.resolved);
      }
      for (const resource of authorization.allowed) redactor.add(resource.secrets ?? []);

      const ctx: ToolContext = {
        signal: deadline.signal,
        deadline: deadline.deadline,
        targets: authorization.allowed,
        rejected: authorization.rejected,
        exec: options.exec,
        visible: (items, describe) => {
          const visible = items.filter(
            (item) => decide(policy, { ...request, resources: toPolicyResources(describe(item)) }).allowed,
          );
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
      };

      const work = tool.handler(input, ctx);
      // Tracked until it really ends (not just until the deadline answered the caller), for close().
      inflight.add(work);
      work.then(
        () => inflight.delete(work),
        () => inflight.delete(work),
      );
      const output = await raceSignal(work, deadline.signal);
      const checked = manifest.output.safeParse(output);
      if (!checked.success) {
        throw new ToolError(
          "internal_error",
          `${name} produced an answer that does not match its output schema (${formatIssues(checked.error.issues)}). This is a bug in docker-mcp; please report it.`,
        );
      }
      redactor.learn(checked.data);
      const structured = redactor.value(sanitizeDeep(checked.data)) as Record<string, unknown>;
      const size = JSON.stringify(structured).length;
      if (size > maxStructuredChars) {
        throw new ToolError(
          "too_large",
          `${name}'s answer is ${Math.round(size / 1000)} kB, more than the ${Math.round(maxStructuredChars / 1000)} kB a call may return. Narrow the request (a section, a tail, a grep, a filter or a limit) and call again.`,
        );
      }
      const text = capText(redactor.text(sanitizeText(manifest.render(structured))), maxTextChars);
      breaker?.recordSuccess();
      finish("ok", decision);
      return { isError: false, text, structured };
    } catch (error) {
      const cause = deadline.cause();
      if (cause) {
        // The signal fired: whatever the handler threw, the deadline or the cancel is the real story.
        if (cause === "deadline") breaker?.recordFailure();
        else breaker?.recordNeutral();
        const message = interruptedMessage(
          manifest,
          cause,
          timeouts[manifest.timeoutClass],
          options.endpoint,
        );
        finish(cause === "deadline" ? "timeout" : "cancelled", decision, message);
        return failure(cause === "deadline" ? "deadline_exceeded" : "cancelled", redactor.text(message));
      }
      const code = errorCode(error) ?? "error";
      if (DAEMON_DOWN_CODES.has(code)) breaker?.recordFailure();
      else breaker?.recordSuccess();
      const message = redactor.text(sanitizeText(errorMessage(error)));
      finish("error", decision, message);
      return failure(code, message);
    } finally {
      deadline.dispose();
      heartbeat();
    }
  }

  /**
   * Resolves every target and asks the policy. "all": one decision over every resource, and any
   * target that cannot be resolved fails the call. "each": the command/creation facts are decided once,
   * then every target on its own, so one denied container never blocks (or unblocks) another.
   */
  async function authorize(
    manifest: ToolManifest,
    input: Record<string, unknown>,
    signal: AbortSignal,
    audited: AuditTarget[],
  ): Promise<{
    proceed: boolean;
    request: DecisionRequest;
    decision: Decision;
    allowed: ResolvedResource[];
    rejected: RejectedTarget[];
    /** Every resolved target, for denial messages. */
    resolved: ResolvedResource[];
  }> {
    const refs = manifest.targets?.(input) ?? [];
    const command = manifest.command?.(input);
    const create = manifest.create?.(input);
    const base: DecisionRequest = {
      tool: manifest.name,
      levels: manifest.levels,
      ...(command ? { command } : {}),
      ...(create ? { create } : {}),
    };
    const resolved = await raceSignal(
      Promise.all(refs.map(async (ref) => ({ ref, r: await resolveTarget(ref, signal) }))),
      signal,
    );
    for (const { ref, r } of resolved) {
      audited.push({
        kind: ref.kind,
        ref: ref.ref,
        ...(r.ok ? { id: r.resource.id, names: r.resource.names } : {}),
      });
    }

    if ((manifest.targetMode ?? "all") === "all") {
      const failed = resolved.find(({ r }) => !r.ok)?.r;
      if (failed && !failed.ok) throw failed.error;
      const resources = resolved.flatMap(({ r }) => (r.ok ? [r.resource] : []));
      const request = { ...base, resources: resources.flatMap(toPolicyResources) };
      const decision = decide(policy, request);
      return {
        proceed: decision.allowed,
        request,
        decision,
        allowed: decision.allowed ? resources : [],
        rejected: [],
        resolved: resources,
      };
    }

    const decision = decide(policy, base);
    const allowed: ResolvedResource[] = [];
    const rejected: RejectedTarget[] = [];
    if (!decision.allowed)
      return { proceed: false, request: base, decision, allowed, rejected, resolved: [] };
    resolved.forEach(({ ref, r }, i) => {
      const entry = audited[i] as AuditTarget;
      if (!r.ok) {
        const code = errorCode(r.error) ?? "error";
        rejected.push({
          ref: ref.ref,
          kind: ref.kind,
          status: "unresolved",
          code,
          message: errorMessage(r.error),
        });
        Object.assign(entry, { allowed: false, code });
        return;
      }
      const d = decide(policy, { ...base, resources: toPolicyResources(r.resource) });
      const code = d.reasons[0]?.code ?? (d.allowed ? "allowed" : "denied");
      Object.assign(entry, { allowed: d.allowed, code });
      if (d.allowed) allowed.push(r.resource);
      else {
        const message = hideIdentities(reasonText(d), [r.resource]);
        rejected.push({ ref: ref.ref, kind: ref.kind, status: "denied", code, message });
      }
    });
    const resources = resolved.flatMap(({ r }) => (r.ok ? toPolicyResources(r.resource) : []));
    return { proceed: true, request: { ...base, resources }, decision, allowed, rejected, resolved: [] };
  }

  async function resolveTarget(
    ref: TargetRef,
    signal: AbortSignal,
  ): Promise<{ ok: true; resource: ResolvedResource } | { ok: false; error: unknown }> {
    const resolver = ref.resolve === false ? undefined : resolvers.get(ref.kind);
    if (!resolver) {
      return {
        ok: true,
        resource: {
          kind: ref.kind,
          ref: ref.ref,
          names: ref.ref ? [ref.ref] : [],
          ...(ref.image ? { image: ref.image } : {}),
        },
      };
    }
    try {
      return { ok: true, resource: { ...(await resolver(ref.ref, signal)), ref: ref.ref } };
    } catch (error) {
      return { ok: false, error };
    }
  }

  function enabledTools(): KernelTool[] {
    return tools.filter((t) => decide(policy, { tool: t.manifest.name, levels: t.manifest.levels }).allowed);
  }

  async function close(graceMs = 8_000): Promise<void> {
    closing.abort(new DOMException("docker-mcp is shutting down", "AbortError"));
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

  return { tools, enabledTools, call, close };
}

/** The resource and those it belongs to (e.g. a container's compose project): the policy judges them all. */
function toPolicyResources(resource: ResolvedResource): NonNullable<DecisionRequest["resources"]>[number][] {
  const main = {
    kind: resource.kind,
    names: resource.names,
    ...(resource.id ? { id: resource.id } : {}),
    ...(resource.image ? { image: resource.image } : {}),
  };
  return [main, ...(resource.related ?? []).map((r) => ({ kind: r.kind, names: r.names }))];
}

/** Sends "still running" progress every `everyMs` until the returned stop function is called. */
function startHeartbeat(
  name: string,
  everyMs: number,
  onProgress: CallOptions["onProgress"],
  now: () => number,
): () => void {
  if (!onProgress || everyMs <= 0) return () => {};
  const started = now();
  const timer = setInterval(() => {
    try {
      onProgress(`${name} still running after ${Math.round((now() - started) / 1000)} s`);
    } catch {
      // Progress is best effort.
    }
  }, everyMs);
  timer.unref?.();
  return () => clearInterval(timer);
}

/** What to tell the model when the deadline or the client's cancel ended a call. */
function interruptedMessage(
  manifest: ToolManifest,
  cause: AbortCause,
  timeoutMs: number,
  endpoint?: string,
): string {
  const what =
    cause === "deadline"
      ? `did not finish within its ${Math.round(timeoutMs / 1000)} s deadline (timeout class "${manifest.timeoutClass}")`
      : "was cancelled by the client";
  return manifest.effect === "read"
    ? `${manifest.name} ${what}. The daemon${endpoint ? ` at ${endpoint}` : ""} may be overloaded or stuck; try again, narrow the request, or raise neverhang.timeouts.${manifest.timeoutClass}.`
    : `${manifest.name} ${what}: the outcome is unknown, the change may or may not have happened. Check the current state with docker_ps or docker_inspect before retrying.`;
}

function reasonText(decision: Decision): string {
  return decision.reasons.map((r) => r.message).join(" ");
}

function denial(decision: Decision, resolved: ResolvedResource[] = []): CallResult {
  const text = hideIdentities(`Denied by policy: ${reasonText(decision)}`, resolved);
  return failure(decision.reasons[0]?.code ?? "denied", text);
}

/**
 * A denied resource the caller named by ID or ID prefix stays as anonymous as the caller left it: its
 * names, ID and image are replaced by the reference the caller gave (the audit line keeps them all).
 */
export function hideIdentities(text: string, resources: readonly ResolvedResource[]): string {
  let out = text;
  for (const resource of resources) {
    const ref = resource.ref;
    if (ref === undefined || resource.names.includes(ref.replace(/^\//, ""))) continue;
    // The policy quotes every name and image it mentions.
    for (const name of resource.names) out = out.split(`"${name}"`).join(`"${ref}"`);
    if (resource.id) out = out.split(resource.id.slice(0, 12)).join(ref);
    if (resource.image) out = out.split(`"${resource.image}"`).join("(not shown)");
  }
  return out;
}

function failure(code: string, text: string): CallResult {
  return { isError: true, code, text };
}

function formatIssues(issues: readonly z.core.$ZodIssue[], schema?: AnyObjectSchema): string {
  return issues
    .map((issue) => {
      const path = issue.path.map(String).join(".");
      if (issue.code === "unrecognized_keys" && schema && issue.path.length === 0) {
        const known = Object.keys(schema.shape);
        return issue.keys
          .map((key) => {
            const guess = closest(key, known);
            return `unknown argument "${key}"${guess ? ` (did you mean "${guess}"?)` : ` (known: ${known.join(", ")})`}`;
          })
          .join("; ");
      }
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join("; ");
}

function sanitizeDeep(value: unknown): unknown {
  if (typeof value === "string") return sanitizeText(value);
  if (Array.isArray(value)) return value.map(sanitizeDeep);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sanitizeDeep(v)]));
  }
  return value;
}

function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n[... ${text.length - max} more characters cut; narrow the request (tail, grep, filters) to see them]`;
}
