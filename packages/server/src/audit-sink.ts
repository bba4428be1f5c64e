import { appendFileSync } from "node:fs";
import type { AuditRecord } from "@arktechnwa/docker-mcp-core";

export type AuditSink = (record: AuditRecord) => void;

/**
 * One JSON line per decision, to a file (appended synchronously so nothing is lost on a crash) or to
 * stderr. Never stdout: on stdio that is the protocol channel.
 */
export function createAuditSink(
  options: { enabled: boolean; file?: string },
  stderr: NodeJS.WritableStream,
): AuditSink | undefined {
  if (!options.enabled) return undefined;
  const file = options.file;
  if (file) return (record) => appendFileSync(file, `${JSON.stringify(record)}\n`);
  return (record) => {
    stderr.write(`docker-mcp audit ${JSON.stringify(record)}\n`);
  };
}
