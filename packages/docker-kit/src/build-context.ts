import { createReadStream, type Stats } from "node:fs";
import { lstat, readdir, readFile, readlink } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { DockerIgnore } from "./dockerignore.js";

const BLOCK = 512;
const ZERO = Buffer.alloc(BLOCK);

export interface ContextTally {
  files: number;
  bytes: number;
}

export interface ContextTarOptions {
  /** Paths (relative to the root) sent even when .dockerignore excludes them: the Dockerfile. */
  keep?: string[];
  /**
   * A file sent with these bytes instead of what is on disk at that path (the Dockerfile as it was read
   * and judged, or an inline one): a file swapped after the check is never what the daemon builds.
   */
  replace?: { path: string; content: Buffer };
  signal?: AbortSignal;
}

/**
 * The build context as a tar stream, produced while the daemon reads it (never buffered whole), as the
 * docker CLI sends it: `.dockerignore` applied (the Dockerfile and .dockerignore are sent regardless),
 * symlinks sent as links (never followed, so a link cannot pull a file from outside the context),
 * sockets, pipes and devices left out, owners 0:0. `tally` counts what was sent so far.
 */
export function contextTar(
  root: string,
  options: ContextTarOptions = {},
): { stream: Readable; tally: ContextTally } {
  const tally: ContextTally = { files: 0, bytes: 0 };
  const stream = Readable.from(entries(root, options, tally), { objectMode: false });
  return { stream, tally };
}

async function* entries(
  root: string,
  options: ContextTarOptions,
  tally: ContextTally,
): AsyncGenerator<Buffer> {
  const ignoreText = await readFile(join(root, ".dockerignore"), "utf8").catch(() => "");
  const ignore = new DockerIgnore(ignoreText);
  const keep = new Set([".dockerignore", ...(options.keep ?? [])]);
  const keepDirs = new Set<string>();
  for (const path of keep) {
    const parts = path.split("/");
    for (let i = 1; i < parts.length; i++) keepDirs.add(parts.slice(0, i).join("/"));
  }

  const replaced = options.replace;
  async function* walk(dir: string): AsyncGenerator<Buffer> {
    const names = (await readdir(join(root, dir))).sort();
    for (const name of names) {
      if (options.signal?.aborted) throw options.signal.reason;
      const rel = dir ? `${dir}/${name}` : name;
      if (rel === replaced?.path) continue; // sent first, from memory
      const abs = join(root, rel);
      const stat = await lstat(abs).catch(() => undefined);
      if (!stat) continue; // gone since readdir
      const excluded = ignore.excludes(rel) && !keep.has(rel);
      if (stat.isDirectory()) {
        if (!excluded) yield header(`${rel}/`, stat, "5");
        if (!excluded || ignore.mayReinclude() || keepDirs.has(rel)) yield* walk(rel);
      } else if (excluded) {
      } else if (stat.isSymbolicLink()) {
        // A link where the replaced file's directory is would clash with it: the directory wins.
        if (replaced?.path.startsWith(`${rel}/`)) continue;
        yield header(rel, stat, "2", await readlink(abs));
        tally.files++;
      } else if (stat.isFile()) {
        yield header(rel, stat, "0");
        let sent = 0;
        const content = stat.size > 0 ? createReadStream(abs, { end: stat.size - 1 }) : [];
        for await (const chunk of content as AsyncIterable<Buffer>) {
          const piece = chunk.subarray(0, stat.size - sent);
          sent += piece.length;
          yield piece;
          if (sent >= stat.size) break;
        }
        // A file that shrank while it was read is padded to the size its header promised.
        if (sent < stat.size) yield Buffer.alloc(stat.size - sent);
        const pad = (BLOCK - (stat.size % BLOCK)) % BLOCK;
        if (pad) yield Buffer.alloc(pad);
        tally.files++;
        tally.bytes += stat.size;
      }
    }
  }

  if (replaced) {
    const size = replaced.content.length;
    yield header(replaced.path, { mode: 0o644, size, mtimeMs: Date.now() }, "0");
    yield replaced.content;
    const pad = (BLOCK - (size % BLOCK)) % BLOCK;
    if (pad) yield Buffer.alloc(pad);
    tally.files++;
    tally.bytes += size;
  }
  yield* walk("");
  yield ZERO;
  yield ZERO;
}

/** A ustar header, preceded by a PAX record when the name or link is too long (or the file too big). */
function header(
  name: string,
  stat: Pick<Stats, "mode" | "size" | "mtimeMs">,
  type: "0" | "2" | "5",
  linkname = "",
): Buffer {
  const size = type === "0" ? stat.size : 0;
  const pax: Record<string, string> = {};
  const nameBytes = Buffer.byteLength(name);
  if (nameBytes > 100) pax["path"] = name;
  if (Buffer.byteLength(linkname) > 100) pax["linkpath"] = linkname;
  if (size > 0o77777777777) pax["size"] = String(size);
  const main = ustar({
    name: nameBytes > 100 ? truncate(name, 100) : name,
    mode: stat.mode & 0o7777,
    size: size > 0o77777777777 ? 0 : size,
    mtime: Math.floor(stat.mtimeMs / 1000),
    type,
    linkname: truncate(linkname, 100),
  });
  if (Object.keys(pax).length === 0) return main;
  const body = Buffer.from(
    Object.entries(pax)
      .map(([k, v]) => paxRecord(k, v))
      .join(""),
  );
  const paxHeader = ustar({
    name: truncate(`PaxHeaders/${name}`, 100),
    mode: 0o644,
    size: body.length,
    mtime: Math.floor(stat.mtimeMs / 1000),
    type: "x",
    linkname: "",
  });
  const pad = Buffer.alloc((BLOCK - (body.length % BLOCK)) % BLOCK);
  return Buffer.concat([paxHeader, body, pad, main]);
}

/** "<len> key=value\n", where len counts the whole record including its own digits. */
function paxRecord(key: string, value: string): string {
  const rest = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(rest) + 1;
  while (String(len).length + Buffer.byteLength(rest) !== len)
    len = String(len).length + Buffer.byteLength(rest);
  return `${len}${rest}`;
}

function ustar(h: {
  name: string;
  mode: number;
  size: number;
  mtime: number;
  type: string;
  linkname: string;
}): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(h.name, 0, 100, "utf8");
  octal(b, 100, 8, h.mode);
  octal(b, 108, 8, 0);
  octal(b, 116, 8, 0);
  octal(b, 124, 12, h.size);
  octal(b, 136, 12, Math.max(0, h.mtime));
  b.fill(" ", 148, 156);
  b.write(h.type, 156, 1, "ascii");
  b.write(h.linkname, 157, 100, "utf8");
  b.write("ustar\u000000", 257, 8, "binary");
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, "0")}\u0000 `, 148, 8, "ascii");
  return b;
}

function octal(b: Buffer, offset: number, length: number, value: number): void {
  b.write(`${value.toString(8).padStart(length - 1, "0")}\u0000`, offset, length, "ascii");
}

/** At most `max` bytes of UTF-8, never half a character. */
function truncate(text: string, max: number): string {
  let out = text;
  while (Buffer.byteLength(out) > max) out = out.slice(0, -1);
  return out;
}
