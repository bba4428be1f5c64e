import { defineTool, errorMessage, startDeadline, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import { z } from "zod";
import type { ContainersDeps } from "../deps.js";

/** The ping's own deadline: a daemon that takes longer than this to answer /_ping is not healthy. */
export const HEALTH_PING_TIMEOUT_MS = 2_000;

const input = z.strictObject({});

const output = z.object({
  endpoint: z.string().describe("Where the daemon is reached, e.g. unix:///var/run/docker.sock."),
  answering: z.boolean().describe("The daemon answered GET /_ping within its deadline."),
  latency_ms: z.number().int().describe("How long the ping took (up to its deadline when it failed)."),
  api_version: z.string().optional().describe("The Engine API version spoken with it."),
  engine_version: z.string().optional().describe("The daemon's version, e.g. '26.1.5'."),
  error: z.string().optional().describe("Why it did not answer."),
  breaker: z
    .object({
      state: z.enum(["closed", "open", "half-open"]).describe("closed: calls go through; open: paused."),
      recent_failures: z.number().int().describe("Daemon failures counted in the current window."),
      failure_threshold: z.number().int(),
      window_ms: z.number().int().optional(),
      cooldown_ms: z.number().int(),
      retry_in_ms: z.number().int().describe("When calls go through again (0 when closed)."),
      probing: z.boolean().describe("A /_ping probe is checking the daemon while the circuit is open."),
    })
    .optional()
    .describe("The circuit breaker in front of the daemon (absent when it is turned off)."),
});

export const healthTool = defineTool({
  name: "docker_health",
  title: "Docker daemon health",
  description:
    "Whether the Docker daemon answers (GET /_ping with a 2 s deadline), how fast, its API and engine versions, and " +
    "the circuit breaker's state (closed, open with when calls resume, half-open). Runs even while the breaker is open.",
  levels: ["read"],
  timeoutClass: "read",
  healthCheck: true,
  effect: "read",
  idempotent: true,
  input,
  output,
  render: (out) => {
    const head = out.answering
      ? `Docker daemon at ${out.endpoint} answers in ${out.latency_ms} ms (engine ${out.engine_version ?? "?"}, API ${out.api_version ?? "?"})`
      : `Docker daemon at ${out.endpoint} does not answer (${out.error ?? "no answer"}, after ${out.latency_ms} ms)`;
    const b = out.breaker;
    if (!b) return `${head}; circuit breaker off`;
    const breaker =
      b.state === "closed"
        ? `circuit breaker closed (${b.recent_failures} of ${b.failure_threshold} failures in the window)`
        : `circuit breaker ${b.state}: calls are paused, retry in ${Math.ceil(b.retry_in_ms / 1000)} s${b.probing ? ", or sooner when the /_ping probe gets an answer" : ""}`;
    return `${head}; ${breaker}`;
  },
});

export function healthHandler(deps: ContainersDeps): ToolHandler<typeof input, typeof output> {
  return async (_args, ctx) => {
    const started = performance.now();
    // Inside the call's own deadline, so a daemon that does not answer is an answer, not a timeout.
    const budget = Math.max(100, Math.min(HEALTH_PING_TIMEOUT_MS, ctx.deadline - Date.now() - 250));
    // Not AbortSignal.any over AbortSignal.timeout: on Node 20 the timeout can be collected and never fire.
    const ping = startDeadline(budget, ctx.signal);
    const signal = ping.signal;
    let answer: Partial<z.input<typeof output>>;
    try {
      const pong = await deps.engine.ping(signal).finally(() => ping.dispose());
      answer = {
        answering: true,
        ...(pong.apiVersion ? { api_version: pong.apiVersion } : {}),
        ...(pong.engineVersion ? { engine_version: pong.engineVersion } : {}),
      };
    } catch (error) {
      // The caller's own cancel is not a health fact.
      if (ctx.signal.aborted) throw error;
      answer = { answering: false, error: errorMessage(error) };
    }
    const b = ctx.breaker();
    return {
      endpoint: deps.engine.endpoint,
      answering: answer.answering ?? false,
      latency_ms: Math.round(performance.now() - started),
      ...answer,
      ...(b
        ? {
            breaker: {
              state: b.state,
              recent_failures: b.recentFailures,
              failure_threshold: b.failureThreshold,
              ...(b.windowMs !== undefined ? { window_ms: b.windowMs } : {}),
              cooldown_ms: b.cooldownMs,
              retry_in_ms: b.retryInMs,
              probing: b.probing,
            },
          }
        : {}),
    };
  };
}
