import { listVisibleContainers } from "@arktechnwa/docker-kit";
import { defineTool, errorMessage, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import type { StatsSample } from "@arktechnwa/docker-mcp-engine";
import { z } from "zod";
import { type ContainerFacts, containerFacts } from "../container-facts.js";
import type { AnalysisDeps } from "../deps.js";
import { type Synthesis, SynthesisCache, synthesize } from "../synthesis.js";
import { DEFAULT_AI_TIMEOUT_MS } from "./diagnose.js";

const KINDS = [
  "memory_near_limit",
  "cpu_throttled",
  "restarting",
  "unhealthy",
  "pids_growing",
  "exited_nonzero",
  "oom_killed",
] as const;
type Kind = (typeof KINDS)[number];

/** Gap between the two stats samples that show growth and throttling. */
const SAMPLE_GAP_MS = 2000;
const INSPECT_CONCURRENCY = 8;

const input = z.strictObject({
  memory_percent: z
    .number()
    .min(1)
    .max(100)
    .optional()
    .describe("Memory use of the limit that counts as near (default 90)."),
  throttled_percent: z
    .number()
    .min(1)
    .max(100)
    .optional()
    .describe("Share of CPU periods throttled that counts (default 20)."),
  use_ai: z
    .boolean()
    .optional()
    .describe("Also ask a model for a short summary of the anomalies (masked facts only). Default false."),
});

const output = z.object({
  anomalies: z.array(
    z.object({
      container: z.string(),
      id: z.string(),
      kind: z.enum(KINDS),
      summary: z.string(),
      numbers: z.record(z.string(), z.number()),
    }),
  ),
  checked: z.object({
    containers: z.number().int(),
    running: z.number().int(),
    hidden: z.number().int().describe("Containers the policy hides (not checked)."),
    sample_gap_ms: z.number().int(),
    errors: z.array(z.string()),
  }),
  summary: z
    .object({
      analysis: z.string(),
      suggested_fix: z.string(),
      confidence: z.enum(["high", "medium", "low"]),
      source: z.enum(["rules", "sampling", "anthropic"]),
      model: z.string().optional(),
      note: z.string().optional(),
    })
    .optional(),
});

export const anomaliesTool = defineTool({
  name: "docker_anomalies",
  title: "Find resource anomalies",
  description:
    "Across the containers you may see: near their memory limit, CPU-throttled, restarting, unhealthy, with PIDs growing, OOM-killed, or exited non-zero without restarts. " +
    "Facts with numbers (two stats samples about 2 s apart); use_ai adds a short model summary of the masked facts.",
  levels: ["read"],
  timeoutClass: "read",
  effect: "read",
  idempotent: true,
  input,
  output,
  render: (out) => {
    const c = out.checked;
    const head = `${out.anomalies.length} anomal${out.anomalies.length === 1 ? "y" : "ies"} in ${c.containers} container(s) (${c.running} running${c.hidden ? `, ${c.hidden} hidden by policy` : ""})`;
    const lines = out.anomalies.map((a) => `- ${a.container} [${a.kind}] ${a.summary}`);
    if (out.summary)
      lines.push(
        `Summary (${out.summary.source}): ${out.summary.analysis}`,
        `Fix: ${out.summary.suggested_fix}`,
      );
    if (out.summary?.note) lines.push(`Note: ${out.summary.note}`);
    if (c.errors.length > 0) lines.push(...c.errors.map((e) => `! ${e}`));
    return [head, ...lines].join("\n");
  },
});

const SUMMARY_PROMPT = [
  "You summarize resource anomalies of Docker containers for an operator. You are given facts with numbers that rules",
  "established from the Docker daemon; secrets were replaced by [REDACTED]. Use only these facts. Answer with one JSON",
  'object and nothing else: {"analysis": "<the most important problems, at most 4 sentences>", "suggested_fix": "<the first',
  'steps, at most 2 sentences>", "confidence": "high" | "medium" | "low"}.',
].join(" ");

function mib(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MiB`;
}

async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i] as T);
      }
    }),
  );
  return out;
}

export function anomaliesHandler(deps: AnalysisDeps): ToolHandler<typeof input, typeof output> {
  const cache = new SynthesisCache();
  return async (args, ctx) => {
    const memoryPercent = args.memory_percent ?? 90;
    const throttledPercent = args.throttled_percent ?? 20;
    const { visible, hidden } = await listVisibleContainers(deps, ctx, { all: true });
    const errors: string[] = [];
    const inspected = await mapLimited(visible, INSPECT_CONCURRENCY, async (row) => {
      try {
        return containerFacts(await deps.engine.inspectContainer(row.id, ctx.signal));
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        errors.push(`${row.names[0] ?? row.id.slice(0, 12)}: ${errorMessage(error)}`);
        return undefined;
      }
    });
    const facts = inspected.filter((f): f is ContainerFacts => f !== undefined);
    const running = facts.filter((f) => f.running);
    const ids = running.map((f) => f.id);
    let first: StatsSample[] = [];
    let second: StatsSample[] = [];
    let gap = 0;
    if (ids.length > 0) {
      try {
        const t0 = Date.now();
        first = await deps.engine.stats(ids, ctx.signal);
        await new Promise((resolve) => setTimeout(resolve, SAMPLE_GAP_MS));
        second = await deps.engine.stats(ids, ctx.signal);
        gap = Date.now() - t0;
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        errors.push(`stats: ${errorMessage(error)}`);
      }
    }
    const byId = (list: StatsSample[]) => new Map(list.filter((s) => !s.error).map((s) => [s.id, s]));
    const s1 = byId(first);
    const s2 = byId(second);

    const anomalies: z.input<typeof output>["anomalies"] = [];
    const add = (f: ContainerFacts, kind: Kind, summary: string, numbers: Record<string, number>) =>
      anomalies.push({ container: f.name, id: f.id, kind, summary, numbers });
    for (const f of facts) {
      const a = s1.get(f.id);
      const b = s2.get(f.id) ?? a;
      if (b && f.memoryLimitBytes > 0) {
        const pct = (100 * b.memoryUsageBytes) / f.memoryLimitBytes;
        if (pct >= memoryPercent) {
          add(
            f,
            "memory_near_limit",
            `using ${mib(b.memoryUsageBytes)} of its ${mib(f.memoryLimitBytes)} limit (${pct.toFixed(0)}%)`,
            {
              memory_usage_bytes: b.memoryUsageBytes,
              memory_limit_bytes: f.memoryLimitBytes,
              memory_percent: Math.round(pct * 10) / 10,
            },
          );
        }
      }
      if (b?.cpuPeriods !== undefined && b.cpuThrottledPeriods !== undefined) {
        const dp = a?.cpuPeriods !== undefined ? b.cpuPeriods - a.cpuPeriods : 0;
        const dt = a?.cpuThrottledPeriods !== undefined ? b.cpuThrottledPeriods - a.cpuThrottledPeriods : 0;
        // Over the sample gap when the counters moved, else since the container started.
        const [periods, throttled, over] =
          dp > 0
            ? [dp, dt, "over the last samples"]
            : [b.cpuPeriods, b.cpuThrottledPeriods, "since it started"];
        const pct = periods > 0 ? (100 * throttled) / periods : 0;
        if (periods > 0 && pct >= throttledPercent) {
          add(
            f,
            "cpu_throttled",
            `CPU-throttled in ${throttled} of ${periods} periods (${pct.toFixed(0)}%) ${over}`,
            {
              throttled_periods: throttled,
              periods,
              throttled_percent: Math.round(pct * 10) / 10,
            },
          );
        }
      }
      if (a && b && b.pids > a.pids && b.pids - a.pids >= 3) {
        add(f, "pids_growing", `processes grew from ${a.pids} to ${b.pids} in ${(gap / 1000).toFixed(1)} s`, {
          pids_before: a.pids,
          pids_after: b.pids,
          seconds: Math.round(gap / 100) / 10,
        });
      }
      if (f.restarting || f.restartCount >= 3) {
        add(
          f,
          "restarting",
          `${f.restarting ? "restarting now; " : ""}restarted ${f.restartCount} time(s) under policy ${f.restartPolicy}, last exit ${f.exitCode ?? "unknown"}`,
          {
            restart_count: f.restartCount,
            ...(f.exitCode !== null ? { exit_code: f.exitCode } : {}),
          },
        );
      }
      if (f.health?.status === "unhealthy") {
        const last = f.health.log.at(-1);
        add(
          f,
          "unhealthy",
          `health check failing ${f.health.failingStreak} time(s) in a row; last probe ${last?.exitCode === -1 ? "timed out" : `exit ${last?.exitCode ?? "?"}`}`,
          {
            failing_streak: f.health.failingStreak,
          },
        );
      }
      if (f.oomKilled) {
        add(
          f,
          "oom_killed",
          `killed for running out of memory${f.memoryLimitBytes > 0 ? ` (limit ${mib(f.memoryLimitBytes)})` : ""}`,
          {
            memory_limit_bytes: f.memoryLimitBytes,
          },
        );
      }
      if (
        !f.running &&
        !f.restarting &&
        f.status === "exited" &&
        f.exitCode !== null &&
        f.exitCode !== 0 &&
        f.restartCount === 0
      ) {
        add(
          f,
          "exited_nonzero",
          `exited with ${f.exitCode} at ${f.finishedAt?.toISOString() ?? "unknown time"} and was never restarted`,
          {
            exit_code: f.exitCode,
          },
        );
      }
    }

    let summary: Synthesis | undefined;
    if (args.use_ai) {
      const rules: Synthesis = {
        analysis:
          anomalies.length === 0
            ? "No anomalies in the containers checked."
            : `${anomalies.length} anomal${anomalies.length === 1 ? "y" : "ies"}: ${anomalies.map((a) => `${a.container} ${a.kind}`).join(", ")}.`,
        suggested_fix:
          anomalies.length === 0
            ? "Nothing to do."
            : "Run docker_diagnose on each container listed for the cause.",
        confidence: anomalies.length === 0 ? "low" : "high",
        source: "rules",
      };
      const model = ctx.model;
      summary = await synthesize({
        rules,
        system: SUMMARY_PROMPT,
        prompt: ctx.redact(
          JSON.stringify({ anomalies, checked: { containers: facts.length, running: running.length } }),
        ),
        model,
        cache,
        signal: ctx.signal,
        deadline: ctx.deadline,
        aiTimeoutMs: (model.source === "none" ? undefined : model.timeoutMs) ?? DEFAULT_AI_TIMEOUT_MS,
      });
    }
    return {
      anomalies,
      checked: { containers: facts.length, running: running.length, hidden, sample_gap_ms: gap, errors },
      ...(summary ? { summary } : {}),
    };
  };
}
