// The host names every package agrees on, in a module of their own: a server's start reads them
// without loading the kernel (@arktechnwa/docker-mcp-core/host-names).

/** The host of a kernel built without `hosts`. */
export const DEFAULT_HOST = "default";

/** The `host` value that asks a listing tool for every host at once. */
export const EVERY_HOST = "*";
