import { maskText } from "@arktechnwa/mcp-mask";
import { analyseCommand, type CommandSegment, type Redirect } from "./command-analysis.js";
import { normalizeHostPath } from "./host-path.js";
import type { PatternSet } from "./pattern.js";
import type { Reason } from "./types.js";

/** A command reduced to what matching needs: program, flags as sets, other arguments, redirections. */
export interface CommandShape {
  readonly program: string;
  readonly short: ReadonlySet<string>;
  readonly long: ReadonlySet<string>;
  readonly args: readonly string[];
  readonly redirects: readonly Redirect[];
}

/** Spellings that mean the same flag, per program (`rm -R` = `rm -r`, `--force` = `-f`). */
const FLAG_ALIASES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  rm: { R: "r", recursive: "r", force: "f", dir: "d" },
  cp: { R: "r", recursive: "r", force: "f" },
  chmod: { recursive: "R" },
  chown: { recursive: "R" },
  chgrp: { recursive: "R" },
};

/** Writes to these devices are harmless and everywhere (`2>/dev/null`), so `> /dev/` does not catch them. */
const HARMLESS_TARGETS = new Set([
  "/dev/null",
  "/dev/zero",
  "/dev/stdout",
  "/dev/stderr",
  "/dev/stdin",
  "/dev/tty",
]);

export function shapeOf(segment: CommandSegment): CommandShape {
  const aliases = FLAG_ALIASES[segment.program];
  const short = new Set<string>();
  const long = new Set<string>();
  const args: string[] = [];
  let flagsDone = false;
  for (const a of segment.args) {
    if (flagsDone || a === "-" || !a.startsWith("-")) {
      args.push(a);
    } else if (a === "--") {
      flagsDone = true;
    } else if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const alias = aliases?.[name];
      if (alias !== undefined) short.add(alias);
      else long.add(name);
      // `--opt=value` is also kept whole, so a pattern can name the value.
      if (eq >= 0) args.push(a);
    } else {
      for (const ch of a.slice(1)) short.add(aliases?.[ch] ?? ch);
    }
  }
  const redirects = segment.redirects.map((r) => ({
    op: r.op,
    target: normalizeHostPath(r.target) ?? r.target,
  }));
  return { program: segment.program, short, long, args, redirects };
}

/** Compiles a `blocked_commands` entry; `undefined` (with a reason) when it cannot be used. */
export function compileBlockedCommand(text: string): { shape?: CommandShape; problem?: string } {
  const analysis = analyseCommand([text]);
  // An entry is a pattern, not a command to run: `sh` alone blocks every shell, though running a bare
  // `sh` cannot be analyzed. Only an entry with no command in it at all is unusable.
  if (analysis.problem !== undefined && analysis.segments.length === 0) return { problem: analysis.problem };
  if (analysis.segments.length === 0)
    return { problem: "it has nothing left to match once quotes and blanks are removed" };
  if (analysis.segments.length > 1) {
    return {
      problem:
        "it must be one simple command (no ';', '&&', '|', shell -c or wrappers); list each part separately",
    };
  }
  const shape = shapeOf(analysis.segments[0]!);
  // An empty program would match every command: refuse it rather than block everything by accident.
  if (shape.program === "" && shape.redirects.length === 0) {
    return { problem: "it has nothing left to match once quotes and blanks are removed" };
  }
  return { shape };
}

export function shapeMatches(pattern: CommandShape, s: CommandShape): boolean {
  if (
    pattern.program !== "" &&
    s.program !== pattern.program &&
    !s.program.startsWith(`${pattern.program}.`)
  ) {
    return false;
  }
  for (const f of pattern.short) if (!s.short.has(f)) return false;
  for (const f of pattern.long) if (!s.long.has(f)) return false;
  for (const a of pattern.args) if (!s.args.some((x) => x.startsWith(a))) return false;
  for (const r of pattern.redirects) {
    const hit = s.redirects.some(
      (x) =>
        x.op === r.op &&
        x.target.startsWith(r.target) &&
        !HARMLESS_TARGETS.has(x.target) &&
        !x.target.startsWith("/dev/fd/"),
    );
    if (!hit) return false;
  }
  return true;
}

export interface CompiledExec {
  readonly blocked: readonly { readonly text: string; readonly shape: CommandShape }[];
  readonly allowed: PatternSet;
  /** `allowed_commands` entries written as paths, normalized. */
  readonly allowedPaths: ReadonlySet<string>;
}

const MAX_QUOTE = 160;

export function describeSegment(s: CommandSegment): string {
  const parts = [s.program, ...s.args, ...s.redirects.map((r) => `${r.op} ${r.target}`)].filter(
    (p) => p !== "",
  );
  const text = maskText(parts.join(" "));
  return text.length > MAX_QUOTE ? `${text.slice(0, MAX_QUOTE)}...` : text;
}

/** The deny reasons for a command (argv); empty when it passes. */
export function checkCommand(exec: CompiledExec, argv: readonly string[], workdir?: string): Reason[] {
  if (argv.length === 0 || (argv.length === 1 && argv[0]!.trim() === "")) {
    return [{ code: "command_empty", message: "The command is empty; give the program and its arguments." }];
  }
  const analysis = analyseCommand(argv, workdir);
  if (analysis.problem !== undefined) {
    return [
      {
        code: "command_too_complex",
        message: analysis.problem.startsWith("it cannot be analyzed")
          ? `The command was refused because ${maskText(analysis.problem)}. When in doubt the policy refuses: run the program directly in the array form (e.g. ["ls", "-la", "/data"]), without a shell.`
          : `The command was refused because ${maskText(analysis.problem)}; run a simpler command.`,
      },
    ];
  }
  const reasons: Reason[] = [];
  const refusedPrograms = new Set<string>();
  for (const segment of analysis.segments) {
    const shape = shapeOf(segment);
    for (const b of exec.blocked) {
      if (shapeMatches(b.shape, shape)) {
        reasons.push({
          code: "command_blocked",
          message:
            `The command runs "${describeSegment(segment)}", which matches exec_safety.blocked_commands entry "${b.text}". ` +
            "Run a narrower command, or remove that entry from exec_safety.blocked_commands if this is intended.",
        });
        break;
      }
    }
    if (exec.allowed.size > 0 && segment.program !== "" && !refusedPrograms.has(segment.path)) {
      const outside = exec.allowedPaths.has(normalizeHostPath(segment.path) ?? "")
        ? undefined
        : outsideStandardDirs(segment.path);
      if (outside !== undefined) {
        refusedPrograms.add(segment.path);
        reasons.push({
          code: "command_not_allowed",
          message:
            `The command runs "${maskText(segment.path)}" from ${maskText(outside)}: with exec_safety.allowed_commands set, a program ` +
            `given by path must be in ${STANDARD_DIRS.join(", ")} (an allowed name anywhere else is a different program). Call it by name or by its path there.`,
        });
      } else if (exec.allowed.find([segment.program]) === undefined) {
        refusedPrograms.add(segment.path);
        refusedPrograms.add(segment.program);
        reasons.push({
          code: "command_not_allowed",
          message:
            `The command runs "${maskText(segment.program)}", which is not in exec_safety.allowed_commands ` +
            `(${summarize(exec.allowed.patterns)}). Use an allowed program, or add "${maskText(segment.program)}" to exec_safety.allowed_commands.`,
        });
      }
    }
  }
  return reasons;
}

/** Where the allowlist's names may come from when a program is given by path. */
const STANDARD_DIRS = ["/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"];

/** The directory of a program given by path when it is not a standard one; undefined for a bare name. */
function outsideStandardDirs(path: string): string | undefined {
  if (!path.includes("/")) return undefined;
  const normal = normalizeHostPath(path);
  if (normal === undefined) return "a relative path";
  const dir = normal.slice(0, normal.lastIndexOf("/")) || "/";
  return STANDARD_DIRS.includes(dir) ? undefined : dir;
}

export function summarize(items: readonly string[], max = 8): string {
  const shown = items.slice(0, max).join(", ");
  return items.length > max ? `${shown}, and ${items.length - max} more` : shown;
}
