/**
 * Normalizes an absolute path lexically: `//etc/`, `/etc/./`, `/etc/../etc` all become `/etc`.
 * Symlinks cannot be resolved without I/O, which is why both `/var/run/docker.sock` and
 * `/run/docker.sock` are blocked by default. Returns `undefined` for a relative path.
 */
export function normalizeHostPath(path: string): string | undefined {
  if (!path.startsWith("/")) return undefined;
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}

/** True when `path` is `base` or lies below it (both normalized). */
export function isAtOrBelow(path: string, base: string): boolean {
  return base === "/" || path === base || path.startsWith(`${base}/`);
}
