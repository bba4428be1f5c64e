import { createRequire } from "node:module";

// Node's https (with tls) and child_process cost a start ~10 ms to load, and only a TLS or SSH
// connection needs them: they are loaded on first use.
const load = createRequire(import.meta.url);

export const nodeHttps = (): typeof import("node:https") => load("node:https");
export const nodeChildProcess = (): typeof import("node:child_process") => load("node:child_process");
