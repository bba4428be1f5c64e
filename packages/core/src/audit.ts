import { maskValue, type Redactor } from "@arktechnwa/mcp-mask";
import {
  type Decision,
  type DecisionRequest,
  type Policy,
  type AuditRecord as PolicyAuditRecord,
  toAuditRecord,
} from "@arktechnwa/mcp-policy";

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
  /** With several hosts: the host the call went to. */
  host?: string;
};

export type AuditWriter = (
  outcome: AuditRecord["outcome"],
  request: DecisionRequest,
  decision: Decision | undefined,
  extra: { targets: AuditTarget[]; started: number; error?: string; redactor?: Redactor },
) => void;

/**
 * One line per call, built on the policy's own audit record (which masks secrets in the request with
 * the same table), then masked whole with the call's redactor, so the secrets the call learned (the
 * target's environment and argv) are hidden in the record as in the answer. A sink that throws never
 * fails the call.
 */
export function createAuditWriter(
  sink: ((record: AuditRecord) => void) | undefined,
  policy: Policy,
  now: () => number,
  /** Named in every record (set when the kernel has several hosts). */
  host?: string,
): AuditWriter {
  return (outcome, request, decision, extra) => {
    if (!sink) return;
    try {
      const base = decision
        ? toAuditRecord(request, decision, now())
        : toAuditRecord(request, { allowed: false, reasons: [], revision: policy.revision }, now());
      const record: AuditRecord = {
        ...(host ? { host } : {}),
        ...base,
        targets: extra.targets,
        outcome,
        durationMs: now() - extra.started,
        ...(extra.error ? { error: extra.error } : {}),
      };
      sink(extra.redactor ? extra.redactor.value(record) : maskValue(record));
    } catch {
      // An audit sink that fails must not fail the call.
    }
  };
}
