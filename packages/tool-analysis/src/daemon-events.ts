/** One daemon event about the container (GET /events), reduced to what the diagnosis reads. */
export interface DaemonEvent {
  /** Epoch milliseconds. */
  timeMs: number;
  /** "die", "kill", "oom", "stop", "start", "restart", "health_status: unhealthy", ... */
  action: string;
  attributes: Record<string, string>;
}

/** The daemon's events around the container, and how far back the daemon's memory reaches. */
export interface EventWindow {
  /** This container's events, oldest first. */
  events: DaemonEvent[];
  /**
   * The oldest event the daemon still holds (any container), epoch ms; undefined when it holds none.
   * The daemon keeps only its last 256 events, and none across its own restart.
   */
  oldestMs: number | undefined;
  /** The daemon returned its whole buffer (256 events): older ones were dropped. */
  bufferFull: boolean;
  /** Set when the events could not be read (the diagnosis goes on without them). */
  error?: string;
}

/** moby keeps this many events in memory. */
export const DAEMON_EVENT_BUFFER = 256;

/**
 * How far before a stop its cause can lie in events: `docker stop` sends SIGTERM, waits (10 s by
 * default), then kills; the kill and stop events sit in that window.
 */
export const CAUSE_WINDOW_MS = 15_000;

/**
 * Whether the daemon still holds every event from just before `whenMs` on: its oldest event must be
 * older than the cause window. After a daemon restart (events start after the crash) or once 256 newer
 * events have pushed them out, they are gone, whether the buffer is full or not.
 */
export function eventsCover(window: EventWindow, whenMs: number): boolean {
  if (window.error || window.oldestMs === undefined) return false;
  return window.oldestMs <= whenMs - CAUSE_WINDOW_MS;
}
