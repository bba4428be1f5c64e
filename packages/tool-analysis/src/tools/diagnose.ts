import { displayName, targetData } from "@arktechnwa/docker-kit";
import { defineTool, errorMessage, sanitizeText, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import type { ContainerIdentity } from "@arktechnwa/docker-mcp-engine";
import { z } from "zod";
import { DAEMON_EVENT_BUFFER, type EventWindow } from "../daemon-events.js";
import type { AnalysisDeps } from "../deps.js";
import { findFacts, type StatsFacts } from "../find-facts.js";
import { FINDING_CLASSES } from "../findings.js";
import { lastLogs } from "../last-logs.js";
import { modelPrompt, rulesSynthesis, SynthesisCache, synthesize } from "../synthesis.js";

/** Lines of log the facts engine reads (the model gets at most the fallback's max_log_lines of them). */
const LOG_TAIL = 500;
const LOG_MAX_BYTES = 256 * 1024;
/** The longest an AI call may take when the model port does not say (inside the tool's own deadline). */
export const DEFAULT_AI_TIMEOUT_MS = 20_000;

const input = z.strictObject({
  container: z.string().min(1).describe("Container name, ID prefix or full ID."),
  use_ai: z
    .boolean()
    .optional()
    .describe(
      "Also ask a model to explain the facts (the client's model through MCP sampling when it offers it, else the configured fallback). Only the masked facts and at most max_log_lines masked log lines are sent. Default false: rules only.",
    ),
});

const confidence = z.enum(["high", "medium", "low"]);
const output = z.object({
  container: z.string(),
  id: z.string(),
  status: z.string().describe("created | running | paused | restarting | removing | exited | dead"),
  exit_code: z.number().int().nullable(),
  last_logs: z.string().describe("The error lines around the end of the log (at most 40 lines)."),
  synthesis: z.object({
    analysis: z.string(),
    suggested_fix: z.string(),
    confidence: confidence.describe(
      "high: a fact the daemon records (OOMKilled, State.Error, health log, exit signal); medium: log patterns only; low: inconclusive.",
    ),
    source: z.enum(["rules", "sampling", "anthropic"]),
    model: z.string().optional(),
    note: z.string().optional().describe("Why AI was not used or its answer not taken."),
  }),
  findings: z.array(
    z.object({
      class: z.enum(FINDING_CLASSES),
      strength: z.enum(["primary", "pattern"]),
      summary: z.string(),
      suggested_fix: z.string(),
    }),
  ),
  evidence: z.array(
    z.object({
      source: z.enum(["state", "health_log", "events", "logs", "stats", "inspect"]),
      found: z.string(),
    }),
  ),
  look_next: z.array(z.string()).describe("When inconclusive: what to look at next."),
});

export const diagnoseTool = defineTool({
  name: "docker_diagnose",
  title: "Diagnose a container",
  description:
    "Why did this container crash or fail? Reads its state (exit code, OOMKilled, State.Error), health check log, restart count, recent daemon events, stats and last log lines, and answers with findings, the evidence for each, and a synthesis with a confidence (high: a recorded fact; medium: log patterns only; low: inconclusive). " +
    "With use_ai, a model explains the facts; secrets are masked before anything is sent.",
  levels: ["read"],
  timeoutClass: "read",
  effect: "read",
  idempotent: true,
  input,
  output,
  targetKinds: ["container"],
  targets: (args) => [{ kind: "container", ref: args.container }],
  render: (out) => {
    const s = out.synthesis;
    const head = `${out.container}: ${out.status}${out.exit_code === null ? "" : ` (exit ${out.exit_code})`}, confidence ${s.confidence} (${s.source}${s.model ? `, ${s.model}` : ""})`;
    const parts = [head, s.analysis, `Fix: ${s.suggested_fix}`];
    if (s.note) parts.push(`Note: ${s.note}`);
    parts.push("Evidence:", ...out.evidence.map((e) => `- [${e.source}] ${e.found}`));
    if (out.look_next.length > 0) parts.push("Look next:", ...out.look_next.map((n) => `- ${n}`));
    if (out.last_logs) parts.push("Last logs:", out.last_logs);
    return parts.join("\n");
  },
});

async function readEventWindow(
  deps: AnalysisDeps,
  id: string,
  now: number,
  signal: AbortSignal,
): Promise<EventWindow> {
  try {
    // The whole buffer (at most 256 events, bounded by until=now), to know how far back it reaches;
    // only this container's events are used, other containers' only for their timestamps.
    const all = await deps.engine.readEvents(
      { since: 1, until: now / 1000, max: 4 * DAEMON_EVENT_BUFFER },
      signal,
    );
    return {
      events: all.filter((e) => e.type === "container" && e.id === id),
      oldestMs: all[0]?.timeMs,
      bufferFull: all.length >= DAEMON_EVENT_BUFFER,
    };
  } catch (error) {
    return { events: [], oldestMs: undefined, bufferFull: false, error: errorMessage(error) };
  }
}

export function diagnoseHandler(deps: AnalysisDeps): ToolHandler<typeof input, typeof output> {
  const cache = new SynthesisCache();
  return async (args, ctx) => {
    const identity = targetData<ContainerIdentity>(ctx, "container");
    const now = (deps.now ?? Date.now)();
    // What the container wrote itself (health probe output, the start error) is masked before any
    // rule quotes or cuts it: a cut of raw text could leave the start of a secret at its edge.
    const inspect = maskContainerOutput(await deps.engine.inspectContainer(identity.id, ctx.signal), ctx);
    const running = (inspect["State"] as { Running?: boolean } | undefined)?.Running === true;
    const [logs, events, stats] = await Promise.all([
      deps.engine
        .readLogs(
          identity.id,
          identity.tty,
          {
            tail: LOG_TAIL,
            maxBytes: LOG_MAX_BYTES,
            // Masked as read: every later cut (signals, quotes, the prompt) works on masked text, so
            // none can leave the start of a secret at its edge.
            normalizeLine: (line, cut) =>
              ctx.redactCapped(sanitizeText(line), Number.POSITIVE_INFINITY, cut).text,
          },
          ctx.signal,
        )
        .then((r) => ({ lines: r.lines.map((l) => l.text), error: undefined as string | undefined }))
        .catch((error: unknown) => ({ lines: [] as string[], error: errorMessage(error) })),
      readEventWindow(deps, identity.id, now, ctx.signal),
      running
        ? deps.engine
            .stats([identity.id], ctx.signal)
            .then((s): StatsFacts | undefined => (s[0] && !s[0].error ? s[0] : undefined))
            .catch(() => undefined)
        : Promise.resolve(undefined),
    ]);
    const facts = findFacts({ inspect, logs: logs.lines, events, ...(stats ? { stats } : {}), now });
    if (logs.error)
      facts.evidence.push({ source: "logs", found: `the log could not be read: ${logs.error}` });
    const rules = rulesSynthesis(facts);
    let synthesis = rules;
    if (args.use_ai) {
      const model = ctx.model;
      // The call's one masking table: the target's secrets (from its environment) and every known shape.
      const prompt = ctx.redact(
        modelPrompt(facts, logs.lines, model.source === "none" ? 0 : model.maxLogLines),
      );
      synthesis = await synthesize({
        rules,
        prompt,
        model,
        cache,
        signal: ctx.signal,
        deadline: ctx.deadline,
        aiTimeoutMs: (model.source === "none" ? undefined : model.timeoutMs) ?? DEFAULT_AI_TIMEOUT_MS,
        now: deps.now ?? Date.now,
      });
    }
    const c = facts.container;
    return {
      container: c.name || displayName(identity),
      id: identity.id,
      status: c.status,
      exit_code: c.exitCode,
      last_logs: lastLogs(logs.lines),
      synthesis,
      findings: facts.findings.map((f) => ({
        class: f.class,
        strength: f.strength,
        summary: f.summary,
        suggested_fix: f.fix,
      })),
      evidence: [...facts.evidence, ...facts.findings.flatMap((f) => f.evidence)].filter(
        (e, i, all) => all.findIndex((o) => o.source === e.source && o.found === e.found) === i,
      ),
      look_next: facts.next,
    };
  };
}

/** The inspect with State.Error and each health probe's Output masked by the call's table. */
function maskContainerOutput(
  inspect: Record<string, unknown>,
  ctx: { redact<T>(value: T): T },
): Record<string, unknown> {
  const state = inspect["State"];
  if (!state || typeof state !== "object") return inspect;
  const s = { ...(state as Record<string, unknown>) };
  if (typeof s["Error"] === "string") s["Error"] = ctx.redact(s["Error"]);
  const health = s["Health"];
  if (health && typeof health === "object") {
    const h = { ...(health as Record<string, unknown>) };
    if (Array.isArray(h["Log"])) {
      h["Log"] = h["Log"].map((probe: unknown) =>
        probe && typeof probe === "object" && typeof (probe as { Output?: unknown }).Output === "string"
          ? { ...probe, Output: ctx.redact((probe as { Output: string }).Output) }
          : probe,
      );
    }
    s["Health"] = h;
  }
  return { ...inspect, State: s };
}
