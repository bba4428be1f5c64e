import type { DockerDeps } from "@arktechnwa/docker-kit";
import { defineTool, sanitizeText, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import { z } from "zod";
import { allowedService } from "../visible-services.js";

/** The same cap as container logs. */
const MAX_LOG_BYTES = 256 * 1024;

const input = z.strictObject({
  service: z.string().min(1).describe("Service name, ID or ID prefix."),
  tail: z
    .number()
    .int()
    .min(0)
    .max(100_000)
    .optional()
    .describe("Lines from the end of each task's log (default 100)."),
  grep: z
    .string()
    .min(1)
    .optional()
    .describe("Keep lines containing this text (matched on the masked line)."),
  timestamps: z.boolean().optional(),
});

const output = z.object({
  service: z.object({ id: z.string(), name: z.string() }),
  lines: z.array(z.object({ stream: z.enum(["stdout", "stderr"]), text: z.string() })),
  line_count: z.number().int(),
  truncated: z.boolean().describe("The size cap stopped reading before the end."),
  bytes_read: z.number().int(),
});

export const serviceLogsTool = defineTool({
  name: "docker_service_logs",
  title: "Read Swarm service logs",
  description:
    "Read a Swarm service's logs (all its tasks, merged by the manager): last N lines, a grep filter; stdout and stderr marked; capped at 256 KiB like container logs.",
  levels: ["read"],
  timeoutClass: "read",
  effect: "read",
  idempotent: true,
  input,
  output,
  render: (o) =>
    [
      `${o.service.name}: ${o.line_count} line(s)${o.truncated ? " (cut at the size cap)" : ""}`,
      ...o.lines.map((l) => `${l.stream === "stderr" ? "E " : "  "}${l.text}`),
    ].join("\n"),
});

export function serviceLogsHandler(deps: DockerDeps): ToolHandler<typeof input, typeof output> {
  return async (args, ctx) => {
    const service = await allowedService(deps, ctx, args.service);
    const result = await deps.engine.readServiceLogs(
      service.id,
      {
        tail: args.tail ?? 100,
        ...(args.timestamps ? { timestamps: true } : {}),
        ...(args.grep ? { grep: args.grep } : {}),
        maxBytes: MAX_LOG_BYTES,
        // Grep and the cap see the masked line, as for container logs.
        normalizeLine: (line, cut) =>
          ctx.redactCapped(sanitizeText(line), Number.POSITIVE_INFINITY, cut).text,
      },
      ctx.signal,
    );
    return {
      service: { id: service.id, name: service.name },
      lines: result.lines,
      line_count: result.lines.length,
      truncated: result.truncated,
      bytes_read: result.bytesRead,
    };
  };
}
