import { closest, type Decision, type DecisionRequest, decide, type Policy } from "@arktechnwa/mcp-policy";
import type { z } from "zod";
import { deriveAnnotations, type ToolAnnotations } from "./annotations.js";
import { CircuitBreaker, type CircuitBreakerOptions } from "./circuit-breaker.js";
import { raceSignal, startDeadline } from "./deadline.js";
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

export const DEFAULT_TIMEOUTS: Readonly<Record<TimeoutClass, number>> = {
  read: 30_000,
  lifecycle: 60_000,
  exec: 30_000,
  compose: 120_000,
};

/** Error codes that say the daemon itself is not answering: they feed the circuit breaker. */
const DAEMON_DOWN_CODES = new Set(["UNREACHABLE", "TIMEOUT", "deadline_exceeded"]);

export interface AuditRecord {
  time: string;
  tool: string;
  allowed: boolean;
  bypassed: boolean;
  revision: string;
  reasons: readonly { code: string; message: string }[];
  targets: { kind: string; ref: string; id?: string; names?: string[] }[];
  outcome: "ok" | "denied" | "error" | "timeout" | "cancelled" | "invalid";
  durationMs: number;
  error?: string;
}

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
  /** The text answer is cut at this many characters. */
  maxTextChars?: number;
  audit?: (record: AuditRecord) => void;
  now?: () => number;
}

export interface KernelTool {
  plugin: string;
  manifest: ToolManifest;
  annotations: ToolAnnotations;
}

export interface CallOptions {
  /** The client's cancel signal (MCP `notifications/cancelled`). */
  signal?: AbortSignal;
  onProgress?: (message: string, progress?: number, total?: number) => void;
}

export interface CallResult {
  isError: boolean;
  /** The short text rendering for the model (redacted, sanitised, capped). */
  text: string;
  /** JSON matching the tool's output schema (redacted, sanitised); only when isError is false. */
  structured?: Record<string, unknown>;
  /** A stable code for errors: denied, invalid_input, not_found, deadline_exceeded, ... */
  code?: string;
}

export interface Kernel {
  readonly tools: KernelTool[];
  /** Tools the policy lets the caller use (every level on), for `tools/list`. */
  enabledTools(): KernelTool[];
  call(name: string, args: unknown, options?: CallOptions): Promise<CallResult>;
}

interface RunningTool<Deps> extends LoadedTool<Deps> {
  // biome-ignore lint/suspicious/noExplicitAny: handler input is validated by the tool's schema
  handler: ToolHandler<any, any>;
  annotations: ToolAnnotations;
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
  const breaker =
    options.breaker === false
      ? undefined
      : new CircuitBreaker({ failureThreshold: 5, cooldownMs: 30_000, ...options.breaker, now });
  const policy = options.policy;

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
      annotations: deriveAnnotations(tool.manifest),
    });
  }
  const tools: KernelTool[] = [...running.values()].map((t) => ({
    plugin: t.plugin,
    manifest: t.manifest,
    annotations: t.annotations,
  }));

  function audit(record: Omit<AuditRecord, "time" | "revision" | "bypassed">, decision?: Decision): void {
    if (!options.audit) return;
    try {
      options.audit({
        time: new Date(now()).toISOString(),
        revision: decision?.revision ?? policy.revision,
        bypassed: policy.bypass,
        ...record,
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
    const manifest = tool.manifest;
    const redactor = new Redactor();
    const auditTargets: AuditRecord["targets"] = [];
    const finish = (outcome: AuditRecord["outcome"], decision: Decision | undefined, error?: string) =>
      audit(
        {
          tool: name,
          allowed: decision?.allowed ?? false,
          reasons: decision?.reasons ?? [],
          targets: auditTargets,
          outcome,
          durationMs: now() - started,
          ...(error ? { error: redactor.text(error) } : {}),
        },
        decision,
      );

    const parsed = manifest.input.safeParse(args ?? {});
    if (!parsed.success) {
      const message = `Invalid arguments for ${name}: ${formatIssues(parsed.error.issues, manifest.input)}. See the tool's input schema in tools/list.`;
      finish("invalid", undefined, message);
      return failure("invalid_input", redactor.text(message));
    }
    const input = parsed.data;

    // Levels first: a tool whose level is off learns nothing about the daemon, not even whether a name exists.
    const levelDecision = decide(policy, { tool: name, levels: manifest.levels });
    if (!levelDecision.allowed) {
      finish("denied", levelDecision);
      return denial(levelDecision);
    }

    if (breaker && !breaker.tryAcquire()) {
      const message = `The Docker daemon failed repeatedly to answer, so calls are paused for ${Math.ceil(breaker.retryInMs() / 1000)} s (circuit breaker). Check that dockerd is running and reachable, then retry.`;
      finish("error", levelDecision, message);
      return failure("circuit_open", message);
    }

    const deadline = startDeadline(timeouts[manifest.timeoutClass], callOptions.signal, now());
    let decision: Decision = levelDecision;
    try {
      const targetRefs = manifest.targets?.(input) ?? [];
      const command = manifest.command?.(input);
      const create = manifest.create?.(input);
      const mode = manifest.targetMode ?? "all";
      const allowed: ResolvedResource[] = [];
      const rejected: RejectedTarget[] = [];

      const resolved = await raceSignal(
        Promise.all(targetRefs.map((ref) => resolveTarget(ref, deadline.signal).then((r) => ({ ref, r })))),
        deadline.signal,
      );
      for (const { ref, r } of resolved) {
        auditTargets.push({
          kind: ref.kind,
          ref: ref.ref,
          ...(r.ok ? { id: r.resource.id, names: r.resource.names } : {}),
        });
        if (!r.ok && mode === "all") throw r.error;
      }

      const baseRequest: DecisionRequest = {
        tool: name,
        levels: manifest.levels,
        ...(command ? { command } : {}),
        ...(create ? { create } : {}),
      };
      if (mode === "all") {
        const resources = resolved.flatMap(({ r }) => (r.ok ? [r.resource] : []));
        decision = decide(policy, { ...baseRequest, resources: resources.map(toPolicyResource) });
        if (!decision.allowed) {
          finish("denied", decision);
          return denial(decision);
        }
        allowed.push(...resources);
      } else {
        // Each target stands alone: one denied container never blocks (or unblocks) another.
        const commandDecision = decide(policy, baseRequest);
        if (!commandDecision.allowed) {
          finish("denied", commandDecision);
          return denial(commandDecision);
        }
        for (const { ref, r } of resolved) {
          if (!r.ok) {
            rejected.push({
              ref: ref.ref,
              kind: ref.kind,
              status: "unresolved",
              code: errorCode(r.error) ?? "error",
              message: errorMessage(r.error),
            });
            continue;
          }
          const d = decide(policy, { ...baseRequest, resources: [toPolicyResource(r.resource)] });
          if (d.allowed) allowed.push(r.resource);
          else
            rejected.push({
              ref: ref.ref,
              kind: ref.kind,
              status: "denied",
              code: d.reasons[0]?.code ?? "denied",
              message: reasonText(d),
            });
        }
        decision = commandDecision;
      }
      for (const resource of allowed) redactor.add(resource.secrets ?? []);

      const ctx: ToolContext = {
        signal: deadline.signal,
        deadline: deadline.deadline,
        targets: allowed,
        rejected,
        exec: options.exec,
        visible: (items, describe) => {
          const visible = items.filter(
            (item) =>
              decide(policy, {
                tool: name,
                levels: manifest.levels,
                resources: [toPolicyResource(describe(item))],
              }).allowed,
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

      const output = await raceSignal(tool.handler(input, ctx), deadline.signal);
      const checked = manifest.output.safeParse(output);
      if (!checked.success) {
        throw new ToolError(
          "internal_error",
          `${name} produced an answer that does not match its output schema (${formatIssues(checked.error.issues)}). This is a bug in docker-mcp; please report it.`,
        );
      }
      redactor.learn(checked.data);
      const structured = redactor.value(sanitizeDeep(checked.data)) as Record<string, unknown>;
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
        const seconds = Math.round(timeouts[manifest.timeoutClass] / 1000);
        const what =
          cause === "deadline"
            ? `did not finish within its ${seconds} s deadline (timeout class "${manifest.timeoutClass}")`
            : "was cancelled by the client";
        const message =
          manifest.effect === "read"
            ? `${name} ${what}. The daemon may be overloaded or stuck; try again, narrow the request, or raise neverhang.timeouts.${manifest.timeoutClass}.`
            : `${name} ${what}: the outcome is unknown, the change may or may not have happened. Check the current state with docker_ps or docker_inspect before retrying.`;
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
    }
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
          names: [ref.ref],
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

  return { tools, enabledTools, call };
}

function toPolicyResource(resource: ResolvedResource): NonNullable<DecisionRequest["resources"]>[number] {
  return {
    kind: resource.kind,
    names: resource.names,
    ...(resource.id ? { id: resource.id } : {}),
    ...(resource.image ? { image: resource.image } : {}),
  };
}

function reasonText(decision: Decision): string {
  return decision.reasons.map((r) => r.message).join(" ");
}

function denial(decision: Decision): CallResult {
  return failure(decision.reasons[0]?.code ?? "denied", `Denied by policy: ${reasonText(decision)}`);
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
