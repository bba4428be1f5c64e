import { createRequire } from "node:module";

// Node's http, https (with tls) and child_process cost a start ~15 ms to load, and only a request to
// the daemon (https: over TLS; child_process: over SSH) needs them: they are loaded on first use.
const load = createRequire(import.meta.url);

export const nodeHttp = (): typeof import("node:http") => load("node:http");
export const nodeHttps = (): typeof import("node:https") => load("node:https");
export const nodeChildProcess = (): typeof import("node:child_process") => load("node:child_process");
