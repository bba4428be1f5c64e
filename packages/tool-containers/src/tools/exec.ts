import { displayName, targetData } from "@arktechnwa/docker-kit";
import {
  defineTool,
  formatBytes,
  sanitizeText,
  secretValuesFromEnv,
  type ToolContext,
  ToolError,
  type ToolHandler,
} from "@arktechnwa/docker-mcp-core";
import { type ContainerIdentity, EXEC_KILL_BUDGET_MS } from "@arktechnwa/docker-mcp-engine";
import { z } from "zod";
import { commandInput, execEnvInput, toArgv, toEnvEntries } from "../command-input.js";
import type { ContainersDeps } from "../deps.js";

const input = z.strictObject({
  container: z.string().min(1).describe("Container name, ID prefix or full ID."),
  command: commandInput.describe(
    'The command: a string split into words like a shell would (no shell runs), or an argv array. For shell features use ["sh", "-c", "..."].',
  ),
  workdir: z.string().min(1).optional(),
  user: z.string().min(1).optional().describe("user, user:group, uid or uid:gid"),
  env: execEnvInput.optional(),
  timeout: z
    .number()
    .positive()
    .max(3600)
    .optional()
    .describe("Seconds before the command is killed (at most the policy's exec_safety.timeout)."),
});

const output = z.object({
  container: z.string().describe("The container's name, e.g. 'myapp-web'."),
  container_id: z.string().describe("Its full ID."),
  command: z.array(z.string()).describe("The argv that ran, e.g. ['ls', '-la', '/app']."),
  exit_code: z.number().int().nullable().describe("null when unknown (killed or the daemon did not say)."),
  stdout: z.string(),
  stderr: z.string(),
  stdout_truncated_bytes: z.number().int().describe("Bytes of stdout dropped past exec_safety.max_output."),
  stderr_truncated_bytes: z.number().int(),
  timed_out: z.boolean(),
  killed: z.boolean().optional().describe("After a timeout: whether the process was confirmed gone."),
  note: z.string().optional(),
});

export const execTool = defineTool({
  name: "docker_exec",
  title: "Run a command in a container",
  description:
    "Run a command in a running container and return its exit code, stdout and stderr (kept apart, capped at the " +
    "policy's exec_safety.max_output). The command is killed at the timeout. Blocked commands are refused.",
  levels: ["exec"],
  timeoutClass: "exec",
  effect: "destructive",
  input,
  output,
  targetKinds: ["container"],
  targets: (args) => [{ kind: "container", ref: args.container }],
  command: (args) => toArgv(args.command),
  workdir: (args) => args.workdir,
  render: (out) => {
    const head = `${out.container}$ ${out.command.join(" ")}\nexit code: ${out.exit_code ?? "unknown"}${out.timed_out ? " (timed out)" : ""}`;
    const parts = [head];
    if (out.stdout) parts.push(`stdout:\n${out.stdout}`);
    if (out.stdout_truncated_bytes)
      parts.push(`[stdout: ${formatBytes(out.stdout_truncated_bytes)} more dropped]`);
    if (out.stderr) parts.push(`stderr:\n${out.stderr}`);
    if (out.stderr_truncated_bytes)
      parts.push(`[stderr: ${formatBytes(out.stderr_truncated_bytes)} more dropped]`);
    if (out.note) parts.push(out.note);
    return parts.join("\n");
  },
});

/**
 * Read this much past exec_safety.max_output, so that a secret across the cap is still whole when it is
 * masked; the cut to max_output happens after masking.
 */
export const MASK_LOOKAHEAD_BYTES = 64 * 1024;

/** Masks a stream, then cuts it to the cap; what the engine already dropped makes it an upstream cut. */
function keepMasked(
  ctx: ToolContext,
  text: string,
  engineDropped: number,
): { text: string; dropped: number } {
  const kept = ctx.redactCapped(sanitizeText(text), ctx.exec.maxOutputBytes, engineDropped > 0);
  return { text: kept.text, dropped: kept.droppedBytes + engineDropped };
}

export function execHandler(deps: ContainersDeps): ToolHandler<typeof input, typeof output> {
  return async (args, ctx) => {
    const identity = targetData<ContainerIdentity>(ctx, "container");
    if (identity.state !== "running") {
      throw new ToolError(
        "not_running",
        `${displayName(identity)} is ${identity.state}; exec needs a running container. Start it first (docker_start) if that is what you want.`,
      );
    }
    const cmd = toArgv(args.command);
    const env = args.env ? toEnvEntries(args.env) : undefined;
    if (env) ctx.addSecrets(secretValuesFromEnv(env));
    // The caller may ask for less time than the policy allows, never more; and the kill must fit in the call's deadline.
    const wanted = Math.min(
      ctx.exec.timeoutMs,
      args.timeout !== undefined ? args.timeout * 1000 : Number.POSITIVE_INFINITY,
    );
    const timeoutMs = Math.max(100, Math.min(wanted, ctx.deadline - Date.now() - EXEC_KILL_BUDGET_MS));
    const result = await deps.engine.exec(
      identity.id,
      {
        cmd,
        ...(args.workdir ? { workdir: args.workdir } : {}),
        ...(args.user ? { user: args.user } : {}),
        ...(env ? { env } : {}),
        maxOutputBytes: ctx.exec.maxOutputBytes + MASK_LOOKAHEAD_BYTES,
        timeoutMs,
      },
      ctx.signal,
    );
    let note = result.note;
    if (result.timedOut) {
      const killed = result.killed
        ? `The command ran past ${Math.round(timeoutMs / 1000)} s and was killed.`
        : `The command ran past ${Math.round(timeoutMs / 1000)} s and could NOT be confirmed killed: it may still be running in the container.`;
      note = [killed, note].filter(Boolean).join(" ");
    }
    const stdout = keepMasked(ctx, result.stdout, result.stdoutDroppedBytes);
    const stderr = keepMasked(ctx, result.stderr, result.stderrDroppedBytes);
    return {
      container: displayName(identity),
      container_id: identity.id,
      command: cmd,
      exit_code: result.exitCode,
      stdout: stdout.text,
      stderr: stderr.text,
      stdout_truncated_bytes: stdout.dropped,
      stderr_truncated_bytes: stderr.dropped,
      timed_out: result.timedOut,
      ...(result.killed !== undefined ? { killed: result.killed } : {}),
      ...(note ? { note } : {}),
    };
  };
}
