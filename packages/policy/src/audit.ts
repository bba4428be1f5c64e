import { maskArgv, maskText, maskValue } from "@arktechnwa/mcp-mask";
import type { Decision, DecisionRequest, Reason } from "./types.js";

/** One line of the audit log: what was asked, what was decided and why, under which policy revision. */
export interface AuditRecord {
  readonly time: string;
  readonly tool: string;
  readonly levels: readonly string[];
  readonly resources?: readonly { kind: string; names: readonly string[]; id?: string; image?: string }[];
  /** argv with environment values and secrets masked. */
  readonly command?: readonly string[];
  /** The create spec with secrets masked. */
  readonly create?: unknown;
  /** The build spec (its context directory). */
  readonly build?: unknown;
  readonly allowed: boolean;
  readonly bypassed: boolean;
  readonly reasons: readonly Reason[];
  readonly revision: string;
}

/**
 * Builds an audit record. The time is passed in (decide() has no clock); environment values, secret-looking
 * flags and well-known token shapes in the request are masked. Never throws.
 */
export function toAuditRecord(
  request: DecisionRequest,
  decision: Decision,
  time: Date | number | string,
): AuditRecord {
  const req = (request ?? {}) as Partial<DecisionRequest>;
  const record: {
    -readonly [K in keyof AuditRecord]: AuditRecord[K];
  } = {
    time: isoTime(time),
    tool: typeof req.tool === "string" ? maskText(req.tool) : "",
    levels: Array.isArray(req.levels) ? req.levels.map(String) : [],
    allowed: decision.allowed === true,
    bypassed: decision.reasons.some((r) => r.code === "bypass"),
    reasons: decision.reasons.map((r) => ({ code: r.code, message: maskText(r.message) })),
    revision: String(decision.revision),
  };
  if (Array.isArray(req.resources)) {
    record.resources = req.resources.map((r) => ({
      kind: String(r?.kind),
      names: Array.isArray(r?.names) ? r.names.map((n: unknown) => maskText(String(n))) : [],
      ...(typeof r?.id === "string" ? { id: r.id } : {}),
      ...(typeof r?.image === "string" ? { image: maskText(r.image) } : {}),
    }));
  }
  if (Array.isArray(req.command)) record.command = maskArgv(req.command.map(String));
  if (req.create !== undefined) record.create = maskValue(req.create, { everyEnvValue: true });
  if (req.build !== undefined) record.build = maskValue(req.build);
  return record;
}

function isoTime(time: Date | number | string): string {
  const date = time instanceof Date ? time : new Date(time);
  return Number.isNaN(date.getTime()) ? String(time) : date.toISOString();
}
