import { readFile, realpath } from "node:fs/promises";
import { dirname, isAbsolute, resolve } from "node:path";
import { type ToolContext, ToolError } from "@arktechnwa/docker-mcp-core";
import { parse as parseYaml } from "yaml";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** How deep `extends` and `include` chains are followed before the call is refused. */
const MAX_DEPTH = 8;

/**
 * The host files a compose file makes the CLI read besides itself: every service's `env_file`, the
 * files of `extends` and `include`, read from the source (the resolved model has already merged
 * their contents into `environment`, where `compose config` would show them). Paths are relative to
 * the file that names them.
 */
export function hostFilesOf(
  source: string,
  file: string,
): { files: { path: string; what: string; compose: boolean }[]; problems: string[] } {
  let doc: unknown;
  try {
    doc = parseYaml(source, { merge: true, maxAliasCount: 1000 });
  } catch {
    // The CLI will refuse it with its own message.
    return { files: [], problems: [] };
  }
  const files: { path: string; what: string; compose: boolean }[] = [];
  const problems: string[] = [];
  const base = dirname(file);
  const add = (path: unknown, what: string, compose = false) => {
    if (typeof path !== "string" || path === "") return;
    // An interpolated path is only known to the CLI, after it has read the file.
    if (path.includes("$")) {
      problems.push(`${what} '${path}' in ${file} uses a variable; write the path without one`);
      return;
    }
    if (path.startsWith("~")) {
      problems.push(`${what} '${path}' in ${file} starts with '~'; write an absolute or relative path`);
      return;
    }
    files.push({ path: isAbsolute(path) ? path : resolve(base, path), what, compose });
  };
  if (!isObj(doc)) return { files, problems };
  for (const entry of Array.isArray(doc["include"]) ? doc["include"] : [doc["include"]]) {
    if (isObj(entry)) {
      for (const p of [entry["path"]].flat()) add(p, "include", true);
      for (const p of [entry["env_file"]].flat()) add(p, "include env_file");
    } else add(entry, "include", true);
  }
  const services = isObj(doc["services"]) ? doc["services"] : {};
  for (const [name, value] of Object.entries(services)) {
    if (!isObj(value)) continue;
    for (const e of [value["env_file"]].flat()) add(isObj(e) ? e["path"] : e, `service ${name}: env_file`);
    const ext = value["extends"];
    if (isObj(ext)) add(ext["file"], `service ${name}: extends file`, true);
  }
  return { files, problems };
}

/**
 * Refuses the call unless every host file the compose files read (env_file, extends, include, and the
 * project's `.env`) lies under compose_safety.allowed_directories, by its path and its real path.
 * Without this, `env_file: /etc/shadow` would land in the model docker_compose_config shows.
 */
export async function checkHostFiles(
  ctx: ToolContext,
  composeFiles: string[],
  workingDir: string,
): Promise<void> {
  const problems: string[] = [];
  const seen = new Set<string>();
  const judge = async (path: string, what: string): Promise<boolean> => {
    const real = await realpath(path).catch(() => undefined);
    for (const p of new Set([path, ...(real ? [real] : [])])) {
      const d = ctx.authorize({ subject: `${what} ${path}`, composeFiles: [p] });
      if (!d.allowed) {
        // The reason goes first: "passwd: ..." would read as a secret's key to the masker.
        problems.push(
          `${what} ${path}${p !== path ? ` (really ${p})` : ""} is refused (${d.reasons[0]?.message ?? "denied"})`,
        );
        return false;
      }
    }
    return true;
  };
  const visit = async (file: string, depth: number): Promise<void> => {
    if (seen.has(file)) return;
    seen.add(file);
    if (depth > MAX_DEPTH) {
      problems.push(`${file}: extends or include is nested more than ${MAX_DEPTH} deep`);
      return;
    }
    const source = await readFile(file, "utf8").catch(() => undefined);
    if (source === undefined) return;
    const found = hostFilesOf(source, file);
    problems.push(...found.problems);
    for (const f of found.files) {
      if ((await judge(f.path, f.what)) && f.compose) await visit(f.path, depth + 1);
    }
  };
  for (const file of composeFiles) await visit(file, 0);
  // The project's .env is read for interpolation; a symlink there may lead anywhere.
  await judge(resolve(workingDir, ".env"), "the project's env file");
  if (problems.length > 0) {
    throw new ToolError(
      "path_not_allowed",
      `Denied by policy: the compose project reads host files outside compose_safety.allowed_directories, so nothing was run.\n- ${[...new Set(problems)].join("\n- ")}\n` +
        "Move those files under an allowed directory (next to the compose file), or add their directory to compose_safety.allowed_directories.",
    );
  }
}
