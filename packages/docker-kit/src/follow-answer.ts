import { z } from "zod";

/** How long a log follow reads when the call names no `duration`, in seconds. */
export const FOLLOW_DEFAULT_SECONDS = 10;

/** The `duration` and `max_lines` inputs of a log follow; `counted` says what max_lines counts. */
export function followLimitInputs(counted: string) {
  return {
    duration: z
      .number()
      .positive()
      .max(3600)
      .optional()
      .describe(
        `With follow: how long to read, in seconds (default ${FOLLOW_DEFAULT_SECONDS}; at most the server's follow timeout minus a few seconds, 297 s by default).`,
      ),
    max_lines: z
      .number()
      .int()
      .positive()
      .max(1_000_000)
      .optional()
      .describe(`With follow: stop after this many new lines${counted} (counted after grep).`),
  };
}

/**
 * The `follow` field of a log answer (docker_logs, docker_compose_logs): why and when following ended,
 * and what it saw. `stoppedBy` describes `stopped_by` for the tool (what "container_stopped" means there).
 */
export function followAnswerSchema(stoppedBy: string) {
  return z
    .object({
      stopped_by: z
        .enum(["duration", "max_lines", "container_stopped", "connection_lost", "deadline_margin"])
        .describe(stoppedBy),
      reason: z.string().describe("The same, in a sentence."),
      followed_ms: z.number().int(),
      duration_s: z.number().describe("The duration the follow ran under (after the server's cap)."),
      lines_seen: z.number().int().describe("Lines seen while following (after grep)."),
      lines_dropped: z
        .number()
        .int()
        .describe("Older lines left out of `lines` to stay under the size cap (they went out as progress)."),
    })
    .optional()
    .describe("Set when follow was asked for.");
}
