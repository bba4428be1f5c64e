export { GroupWatchdog, WATCHDOG_NAME } from "./group-watchdog.js";
export { groupAlive, signalGroup, terminateGroup, waitGroupGone } from "./process-group.js";
export { type LiveProcess, ProcessRegistry, processRegistry } from "./process-registry.js";
export { type RunProcessOptions, type RunProcessResult, runProcess, SpawnError } from "./run-process.js";
