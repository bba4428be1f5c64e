import type { ApiClient } from "./api-client.js";
import { LineSplitter } from "./line-splitter.js";

export interface EventsOptions {
  /** Unix seconds (may be fractional). Both bounds are required: an open-ended read would never end. */
  since: number;
  until: number;
  /** Docker event filters, e.g. { type: ["container"], container: [id] }. */
  filters?: Record<string, string[]>;
  /** Events kept at most (the daemon holds 256 in memory; a bound all the same). Default 1024. */
  max?: number;
}

/** One daemon event (GET /events), normalized. */
export interface DaemonEvent {
  /** Epoch milliseconds. */
  timeMs: number;
  /** container, image, network, volume, daemon, ... */
  type: string;
  /** create, start, die, kill, oom, stop, restart, "health_status: unhealthy", ... */
  action: string;
  /** The object's ID (a container's full ID). */
  id: string;
  attributes: Record<string, string>;
}

/**
 * The daemon's past events between `since` and `until`, oldest first. With `until` at or before the
 * daemon's now, the daemon answers from its in-memory buffer (its last 256 events) and closes the stream.
 */
export async function readEvents(
  api: ApiClient,
  options: EventsOptions,
  signal: AbortSignal,
): Promise<DaemonEvent[]> {
  if (!(options.until >= options.since)) throw new RangeError("readEvents needs until >= since");
  const what = "read the daemon's events";
  const max = options.max ?? 1024;
  const res = await api.stream(
    {
      method: "GET",
      path: "/events",
      query: {
        since: options.since.toFixed(3),
        until: options.until.toFixed(3),
        ...(options.filters ? { filters: JSON.stringify(options.filters) } : {}),
      },
      what,
    },
    signal,
  );
  const events: DaemonEvent[] = [];
  let full = false;
  const splitter = new LineSplitter((line) => {
    if (full || line.trim() === "") return;
    const event = parseEvent(line);
    if (!event) return;
    events.push(event);
    if (events.length >= max) full = true;
  }, 64 * 1024);
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      splitter.push(chunk);
      if (full) break;
    }
    if (!full) splitter.end();
  } catch (error) {
    throw api.toEngineError(error, { what }, signal);
  } finally {
    res.destroy();
  }
  return events;
}

function parseEvent(line: string): DaemonEvent | undefined {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const actor = (raw["Actor"] ?? {}) as { ID?: unknown; Attributes?: Record<string, unknown> };
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(actor.Attributes ?? {})) {
    if (typeof value === "string") attributes[key] = value;
  }
  const nano = typeof raw["timeNano"] === "number" ? raw["timeNano"] : undefined;
  const seconds = typeof raw["time"] === "number" ? raw["time"] : 0;
  return {
    timeMs: nano !== undefined ? Math.floor(nano / 1e6) : seconds * 1000,
    type: String(raw["Type"] ?? raw["type"] ?? ""),
    action: String(raw["Action"] ?? raw["status"] ?? ""),
    id: String(actor.ID ?? raw["id"] ?? ""),
    attributes,
  };
}
