import type { ComposeFeatures } from "./compose-version.js";

/** Global flags that make the CLI report progress as plain lines (or JSON lines from v2.29). */
export function progressArgs(features: ComposeFeatures): string[] {
  if (features.progressJson) return ["--progress", "json"];
  if (features.progressFlag) return ["--progress", "plain"];
  return [];
}

/**
 * One stderr line of the CLI as a progress message. `--progress json` (v2.29+) writes objects such
 * as {"id":"Container shop-web-1","status":"Started"} (or {"level":"error","message":...});
 * everything else is text as it is.
 */
export function progressMessage(line: string): string | undefined {
  const text = line.trim();
  if (!text) return undefined;
  if (text.startsWith("{")) {
    try {
      const event = JSON.parse(text) as Record<string, unknown>;
      const parts = [event["id"], event["status"] ?? event["text"], event["message"], event["details"]]
        .filter((p) => typeof p === "string" && p.length > 0)
        .map(String);
      if (parts.length > 0) return parts.join(" ");
    } catch {
      // Not JSON after all: relay it as text.
    }
  }
  return text;
}

/** Relays CLI progress to the client and keeps the last lines for the answer. */
export class ProgressLog {
  readonly lines: string[] = [];
  constructor(
    private readonly send: (message: string) => void,
    private readonly keep = 40,
  ) {}

  line = (raw: string): void => {
    const message = progressMessage(raw);
    if (!message) return;
    this.lines.push(message);
    if (this.lines.length > this.keep) this.lines.shift();
    this.send(message.length > 200 ? `${message.slice(0, 197)}...` : message);
  };
}
