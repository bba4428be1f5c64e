import { createHash } from "node:crypto";
import { type CallModel, errorMessage, startDeadline } from "@arktechnwa/docker-mcp-core";
import { z } from "zod";
import type { FactsResult } from "./find-facts.js";
import { type Confidence, confidenceOf, lowerOnly } from "./findings.js";

export type SynthesisSource = "rules" | "sampling" | "anthropic";

export interface Synthesis {
  analysis: string;
  suggested_fix: string;
  confidence: Confidence;
  source: SynthesisSource;
  /** The model that answered (AI sources only). */
  model?: string;
  /** Why the AI was not used or its answer was not taken, when AI was asked for. */
  note?: string;
}

/** The rules' own explanation: the findings in order, cause first. */
export function rulesSynthesis(facts: FactsResult): Synthesis {
  const confidence = confidenceOf(facts.findings);
  const conclusive = facts.findings.filter((f) => f.class !== "nonzero_exit");
  if (conclusive.length === 0) {
    const base =
      facts.findings[0]?.summary ??
      `The container is ${facts.container.status} and nothing in its state, health, events or last logs explains a failure.`;
    return {
      analysis: `Inconclusive. ${base}`,
      suggested_fix: `Look next at: ${facts.next.join(" ")}`,
      confidence,
      source: "rules",
    };
  }
  const [first, ...rest] = conclusive;
  return {
    analysis: [first?.summary, ...rest.map((f) => f.summary)].join(" "),
    suggested_fix: conclusive
      .map((f) => f.fix)
      .filter((fix, i, all) => all.indexOf(fix) === i)
      .slice(0, 2)
      .join(" "),
    confidence,
    source: "rules",
  };
}

/** The fixed answer shape a model must give; anything else falls back to the rules. */
const ModelAnswer = z.object({
  analysis: z.string().trim().min(1).max(4000),
  suggested_fix: z.string().trim().min(1).max(2000),
  confidence: z.enum(["high", "medium", "low"]),
});

export const SYSTEM_PROMPT = [
  "You explain why a Docker container failed. You are given facts that rules established from the Docker daemon",
  "(container state, State.Error, the health check log, daemon events, stats) and the container's last log lines.",
  "Secrets were replaced by [REDACTED]. Use only the facts and lines given; never invent a fact; if they do not",
  "explain the failure, say so. Answer with one JSON object and nothing else, exactly:",
  '{"analysis": "<what happened and why, at most 4 sentences>", "suggested_fix": "<the next concrete step, at most 2 sentences>", "confidence": "high" | "medium" | "low"}.',
  "Your confidence may not exceed the rules' confidence given in the facts.",
].join(" ");

/** What goes to a model: the facts and at most `maxLogLines` log lines, all masked by the caller. */
export function modelPrompt(facts: FactsResult, logs: readonly string[], maxLogLines: number): string {
  const c = facts.container;
  const lines = logs.slice(-Math.max(0, maxLogLines));
  const payload = {
    container: {
      name: c.name,
      image: c.image,
      status: c.status,
      exit_code: c.exitCode,
      oom_killed: c.oomKilled,
      state_error: c.error || undefined,
      restart_count: c.restartCount,
      restart_policy: c.restartPolicy,
      memory_limit_bytes: c.memoryLimitBytes || undefined,
      health: c.health ? { status: c.health.status, failing_streak: c.health.failingStreak } : undefined,
      started_at: c.startedAt?.toISOString(),
      finished_at: c.finishedAt?.toISOString(),
    },
    rules_confidence: confidenceOf(facts.findings),
    findings: facts.findings.map((f) => ({ class: f.class, strength: f.strength, summary: f.summary })),
    evidence: facts.evidence,
    log_lines: lines,
    log_note:
      logs.length > lines.length
        ? `the last ${lines.length} of the ${logs.length} lines read; older lines left out`
        : `all ${lines.length} lines read`,
  };
  return JSON.stringify(payload, null, 1);
}

/** Parses a model's text into the answer shape, or says what was wrong with it. */
export function parseModelAnswer(text: string): z.infer<typeof ModelAnswer> | string {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(text)?.[1];
  const candidate = (fenced ?? text).trim();
  const start = candidate.indexOf("{");
  const end = candidate.lastIndexOf("}");
  if (start < 0 || end <= start) return "the model's answer held no JSON object";
  let value: unknown;
  try {
    value = JSON.parse(candidate.slice(start, end + 1));
  } catch {
    return "the model's answer was not valid JSON";
  }
  const checked = ModelAnswer.safeParse(value);
  if (!checked.success)
    return `the model's answer did not have the fields asked for (${checked.error.issues[0]?.path.join(".") || "shape"})`;
  return checked.data;
}

/** Identical masked input is not sent twice within the TTL: the earlier answer is reused. */
export class SynthesisCache {
  private readonly entries = new Map<string, { value: Synthesis; expires: number }>();

  constructor(
    private readonly ttlMs = 60_000,
    private readonly maxEntries = 64,
    private readonly now: () => number = Date.now,
  ) {}

  static key(parts: readonly string[]): string {
    const hash = createHash("sha256");
    for (const part of parts) hash.update(part).update("\0");
    return hash.digest("hex");
  }

  get(key: string): Synthesis | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: Synthesis): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expires: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}

export interface SynthesizeOptions {
  rules: Synthesis;
  /** Instructions for the model (default: the diagnosis prompt). */
  system?: string;
  /** The masked prompt (modelPrompt passed through the call's masker). */
  prompt: string;
  model: CallModel;
  cache: SynthesisCache;
  /** The tool call's signal and deadline (epoch ms): the AI call gets its own, shorter one inside. */
  signal: AbortSignal;
  deadline: number;
  /** The most the AI call may take. */
  aiTimeoutMs: number;
  /** Time kept after the AI call for building the answer. */
  reserveMs?: number;
  now?: () => number;
}

/**
 * Asks the call's model to explain the facts; on no model, a failure, a timeout or an answer of the
 * wrong shape, keeps the rules' synthesis and says why. The model may lower the confidence, never raise it.
 */
export async function synthesize(options: SynthesizeOptions): Promise<Synthesis> {
  const { rules, model } = options;
  const now = options.now ?? Date.now;
  if (model.source === "none") return { ...rules, note: `AI not used: ${model.reason}.` };
  const system = options.system ?? SYSTEM_PROMPT;
  const key = SynthesisCache.key([model.source, String(model.maxTokens), system, options.prompt]);
  const cached = options.cache.get(key);
  if (cached) return { ...cached, confidence: lowerOnly(rules.confidence, cached.confidence) };

  const budget = Math.min(options.aiTimeoutMs, options.deadline - now() - (options.reserveMs ?? 1500));
  if (budget < 500)
    return { ...rules, note: "AI not used: too little time was left before the call's deadline." };
  // Not AbortSignal.any over AbortSignal.timeout: on Node 20 the timeout can be collected and never fire.
  const aiDeadline = startDeadline(budget, options.signal);
  const signal = aiDeadline.signal;
  let text: string;
  let answeredBy: string | undefined;
  try {
    const reply = await raceAbort(
      model.complete({ system, prompt: options.prompt, maxTokens: model.maxTokens, signal }),
      signal,
    );
    text = reply.text;
    answeredBy = reply.model;
    aiDeadline.dispose();
  } catch (error) {
    aiDeadline.dispose();
    const why =
      aiDeadline.cause() === "deadline"
        ? `the model did not answer within ${(budget / 1000).toFixed(1)} s`
        : options.signal.aborted
          ? "the call was cancelled"
          : `the model call failed (${oneLine(errorMessage(error))})`;
    return { ...rules, note: `AI (${model.source}) not used: ${why}; this is the rules' answer.` };
  }
  const parsed = parseModelAnswer(text);
  if (typeof parsed === "string") {
    return { ...rules, note: `AI (${model.source}) answer not used: ${parsed}; this is the rules' answer.` };
  }
  const synthesis: Synthesis = {
    analysis: parsed.analysis,
    suggested_fix: parsed.suggested_fix,
    confidence: lowerOnly(rules.confidence, parsed.confidence),
    source: model.source,
    ...(answeredBy ? { model: answeredBy } : {}),
  };
  options.cache.set(key, synthesis);
  return synthesis;
}

function oneLine(text: string): string {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length > 300 ? `${t.slice(0, 300)}...` : t;
}

/** Settles at the signal even if the port ignores it. */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
