/**
 * The timeout classes a tool may name, with their default total deadline. `neverhang.timeouts.<class>`
 * overrides each; a tool naming a class not listed here does not load.
 */
export const TIMEOUT_CLASSES = {
  // Inspecting, listing, logs: the daemon answers these from memory in well under a second; 30 s
  // leaves room for a busy daemon without leaving a model waiting on a stuck one.
  read: 30_000,
  // Start/stop/restart/remove: a stop waits out the container's own grace period (10 s by default)
  // before SIGKILL, so the call needs that plus the daemon's work.
  lifecycle: 60_000,
  // The command's own limit comes from exec_safety.timeout; the config raises this class to at least
  // that plus the time to kill the command (see config.ts).
  exec: 30_000,
  // A compose up/down acts on several containers and networks in turn.
  compose: 120_000,
  // Following a log or a stats stream on purpose (docker_logs follow, docker_stats no_stream: false):
  // the call's deadline is also the longest follow it may ask for (a few seconds less, for the answer).
  follow: 300_000,
  // A pull downloads layers of hundreds of MB over a registry link.
  pull: 300_000,
  // A build runs the Dockerfile's own steps (package installs, compiles), the slowest thing asked for.
  build: 600_000,
} as const satisfies Record<string, number>;

export type TimeoutClassName = keyof typeof TIMEOUT_CLASSES;

export const TIMEOUT_CLASS_NAMES = Object.keys(TIMEOUT_CLASSES) as TimeoutClassName[];
