import { LineSplitter } from "./line-splitter.js";

/**
 * One message of the JSON stream the daemon answers pulls, pushes and builds with (moby's jsonmessage):
 * a layer's status and bytes, a line of build output, an aux record (the built image's ID), or an
 * error that arrives inside a 200 answer.
 */
export interface ProgressMessage {
  /** "Pulling fs layer", "Downloading", "Pull complete", "Digest: sha256:...", ... */
  status?: string;
  /** The layer (short ID) or tag the status is about. */
  id?: string;
  /** Bytes done and expected for this step of this layer, when the daemon says. */
  current?: number;
  total?: number;
  /** A line of build output ("Step 1/3 : FROM scratch"). */
  stream?: string;
  /** Build records such as `{ ID: "sha256:..." }`. */
  aux?: Record<string, unknown>;
  /** The operation failed: the daemon's message. Nothing follows. */
  error?: string;
  /** A line that is not JSON (kept as text, never fatal). */
  text?: string;
}

/** The longest line kept: progress lines are short, build output may be long; the rest is cut. */
const MAX_LINE_CHARS = 64 * 1024;

/**
 * Reads the daemon's JSON-lines progress stream, chunk by chunk, into messages. Unlike docker-modem's
 * followProgress it never throws on a line that is not JSON (that line becomes `text`), keeps at most
 * 64 KiB of a line, and leaves aborting to the caller's stream.
 */
export class ProgressReader {
  private readonly lines: LineSplitter;

  constructor(onMessage: (message: ProgressMessage) => void) {
    this.lines = new LineSplitter((line) => {
      const message = parseProgressLine(line);
      if (message) onMessage(message);
    }, MAX_LINE_CHARS);
  }

  push(chunk: Uint8Array): void {
    this.lines.push(chunk);
  }

  end(): void {
    this.lines.end();
  }
}

/** One line of the stream as a message; undefined for a blank line. */
export function parseProgressLine(line: string): ProgressMessage | undefined {
  const trimmed = line.trim();
  if (trimmed === "") return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(trimmed);
  } catch {
    return { text: trimmed };
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return { text: trimmed };
  const r = raw as Record<string, unknown>;
  const out: ProgressMessage = {};
  const detail = (r["errorDetail"] ?? {}) as Record<string, unknown>;
  // errorDetail.message is the fuller text when both are there.
  const detailMessage = typeof detail["message"] === "string" ? detail["message"] : "";
  const error = detailMessage || (typeof r["error"] === "string" ? r["error"] : "");
  if (error) out.error = error;
  if (typeof r["status"] === "string") out.status = r["status"];
  if (typeof r["id"] === "string") out.id = r["id"];
  if (typeof r["stream"] === "string") out.stream = r["stream"];
  if (r["aux"] && typeof r["aux"] === "object" && !Array.isArray(r["aux"])) {
    out.aux = r["aux"] as Record<string, unknown>;
  }
  const progress = r["progressDetail"];
  if (progress && typeof progress === "object") {
    const { current, total } = progress as Record<string, unknown>;
    if (typeof current === "number" && Number.isFinite(current) && current >= 0) out.current = current;
    if (typeof total === "number" && Number.isFinite(total) && total > 0) out.total = total;
  }
  return out;
}
