import { lstat, realpath } from "node:fs/promises";
import { posix } from "node:path";
import type { CreateRequest, MountFacts } from "@arktechnwa/mcp-policy";

/** The real path of a host path, or why it could not be found. */
export type HostRealPath = { real: string } | { problem: string };

/** Finds the real path of a host path (symlinks resolved); given to the kernel when the daemon is local. */
export type HostPathResolver = (path: string) => Promise<HostRealPath>;

/**
 * Resolves symlinks the way the daemon will meet them on this machine. A path that does not exist yet
 * (Docker creates a missing bind source) resolves through its deepest existing ancestor; a dangling
 * symlink, or a directory this process cannot search, is a problem: the bind is then refused.
 */
export async function localRealPath(path: string): Promise<HostRealPath> {
  const missing: string[] = [];
  let current = path;
  for (;;) {
    try {
      const real = await realpath(current);
      return { real: missing.length === 0 ? real : posix.join(real, ...missing) };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR") {
        return { problem: `${current} cannot be resolved (${code ?? "unknown error"})` };
      }
    }
    const link = await lstat(current).then(
      (s) => s.isSymbolicLink(),
      () => false,
    );
    if (link) return { problem: `${current} is a symlink to a path that does not exist` };
    if (current === "/") return { problem: `no part of ${path} exists` };
    missing.unshift(posix.basename(current));
    current = posix.dirname(current);
  }
}

/** The creation facts with every bind's real path filled in by `resolve`. */
export async function withRealBindSources(
  create: CreateRequest,
  resolve: HostPathResolver,
): Promise<CreateRequest> {
  if (create.mounts === undefined || !create.mounts.some((m) => m.type === "bind")) return create;
  const mounts = await Promise.all(
    create.mounts.map(async (m): Promise<MountFacts> => {
      if (m.type !== "bind" || typeof m.source !== "string" || !m.source.startsWith("/")) return m;
      const found = await resolve(m.source).catch(
        (error: unknown): HostRealPath => ({ problem: `${m.source} cannot be resolved (${String(error)})` }),
      );
      return "real" in found ? { ...m, realSource: found.real } : { ...m, realSourceProblem: found.problem };
    }),
  );
  return { ...create, mounts };
}
