/** Where a piece of evidence was read. */
export type EvidenceSource = "state" | "health_log" | "events" | "logs" | "stats" | "inspect";

/** One thing found, and where: the answer shows every one, so a reader can check the reasoning. */
export interface Evidence {
  source: EvidenceSource;
  found: string;
}

export type Confidence = "high" | "medium" | "low";

/**
 * What a finding rests on. "primary": a fact the daemon records (OOMKilled, State.Error, the health log,
 * an exit code, the restart count, an event). "pattern": only a log line that looks like a known failure.
 */
export type Strength = "primary" | "pattern";

/** The failure classes the facts engine knows. */
export const FINDING_CLASSES = [
  "oom_killed",
  "memory_exhausted",
  "killed",
  "terminated",
  "segfault",
  "aborted",
  "command_not_found",
  "command_not_executable",
  "bad_mount",
  "start_failed",
  "port_conflict",
  "restart_loop",
  "unhealthy",
  "missing_module",
  "missing_file",
  "permission_denied",
  "connection_refused",
  "dns_failure",
  "disk_full",
  "missing_env",
  "app_error",
  "nonzero_exit",
  "exited_cleanly",
] as const;
export type FindingClass = (typeof FINDING_CLASSES)[number];

export interface Finding {
  class: FindingClass;
  strength: Strength;
  /** One sentence: what happened, with the numbers. */
  summary: string;
  /** What to do about it. */
  fix: string;
  evidence: Evidence[];
}

/** High for a primary fact, medium for log patterns only, low when nothing is conclusive. */
export function confidenceOf(findings: readonly Finding[]): Confidence {
  if (findings.some((f) => f.strength === "primary" && f.class !== "nonzero_exit")) return "high";
  if (findings.some((f) => f.strength === "pattern")) return "medium";
  return "low";
}

const ORDER: Record<Confidence, number> = { low: 0, medium: 1, high: 2 };

/** A model may lower confidence, never raise it. */
export function lowerOnly(rules: Confidence, model: Confidence): Confidence {
  return ORDER[model] < ORDER[rules] ? model : rules;
}
