/**
 * Turns a command (argv, or one shell string) into the simple commands it would run, so that blocked
 * patterns are matched against what executes rather than against the text the caller typed.
 *
 * This is a careful approximation of POSIX shell, not a shell: it resolves quotes and escapes, splits on
 * `;` `&&` `||` `|` `&` newlines and parentheses, opens `$(...)`, backticks, `<(...)`, `${x:-...}`, `sh -c`
 * payloads (nested), `eval`, `trap` actions, `find -exec`, and wrappers such as `sudo`, `env`, `xargs`,
 * `busybox`, `timeout`. It FAILS CLOSED: a place where a shell would run something it cannot see (a
 * computed or globbed program name, arithmetic that may evaluate variables, here-documents, aliases, a
 * shell reading its commands from stdin or a file, wrappers it does not know, awk's `system`) makes the
 * whole command "cannot be analyzed", and the caller denies it.
 * What it still cannot see (`python -c`, programs that run commands from their own files or options)
 * is why the exec level and the allowlist are the real control and the blocklist is only a speed bump.
 */

import { normalizeHostPath } from "./host-path.js";

export interface Redirect {
  /** `>` for anything that writes (`>`, `>>`, `>|`, `&>`, `<>`), `<` for reads. */
  readonly op: ">" | "<";
  readonly target: string;
}

/** One simple command: the program (basename, quotes resolved) and what follows it. */
export interface CommandSegment {
  /** Basename of the program; `""` for a segment that is only a redirection (`> /dev/sda`). */
  readonly program: string;
  /** The program word as written (`/usr/bin/ls`, `./ls`, `ls`), for path checks. */
  readonly path: string;
  readonly args: readonly string[];
  readonly redirects: readonly Redirect[];
}

export interface CommandAnalysis {
  readonly segments: readonly CommandSegment[];
  /** Set when the command was too deep or too long to analyze; callers deny in that case. */
  readonly problem?: string;
}

export const MAX_COMMAND_LENGTH = 65_536;
const MAX_DEPTH = 8;
const MAX_SEGMENTS = 1024;

interface Context {
  segments: CommandSegment[];
  problem: string | undefined;
  /** The directory after the last `cd`: undefined before any, null once it cannot be known. */
  cwd: string | null | undefined;
}

/** Records why the command cannot be analyzed (the first reason wins). */
function refuse(ctx: Context, why: string): void {
  ctx.problem ??= `it cannot be analyzed: ${why}`;
}

/**
 * Analyzes argv. A single-element argv is read as a shell string (that is how it reaches a shell in
 * practice, and reading it as one is the stricter choice); longer argv is taken literally, as exec does.
 */
export function analyseCommand(argv: readonly string[], workdir?: string): CommandAnalysis {
  // Without a workdir the starting directory is the image's: relative targets are judged as written.
  const start = workdir === undefined ? undefined : (normalizeHostPath(workdir) ?? null);
  const ctx: Context = { segments: [], problem: undefined, cwd: start };
  let length = 0;
  for (const a of argv) length += a.length + 1;
  if (length > MAX_COMMAND_LENGTH) {
    return { segments: [], problem: `the command is longer than ${MAX_COMMAND_LENGTH} characters` };
  }
  if (argv.length === 1) parseShell(argv[0]!, ctx, 0);
  else analyseArgv([...argv], undefined, [], ctx, 0);
  return ctx.problem === undefined
    ? { segments: ctx.segments }
    : { segments: ctx.segments, problem: ctx.problem };
}

// ---------------------------------------------------------------------------------------------------
// Shell strings

const SEPARATORS = new Set([";", "&", "|", "\n", "(", ")"]);
const BLANKS = new Set([" ", "\t", "\r", "\f", "\v"]);

/** Arithmetic that only holds numbers and operators: it cannot evaluate a variable's text as code. */
const LITERAL_ARITHMETIC = /^[\s0-9+\-*/%()<>=!&|^~?:,]*$/;

/**
 * Parses a shell string. In word mode (the text of `${x:-word}`) nothing is a command of its own:
 * only the substitutions inside are opened.
 */
function parseShell(src: string, ctx: Context, depth: number, wordMode = false): void {
  if (depth > MAX_DEPTH) {
    ctx.problem ??= `shells are nested more than ${MAX_DEPTH} deep`;
    return;
  }
  let words: string[] = [];
  let dynamics: boolean[] = [];
  let redirects: Redirect[] = [];
  let cur: string | null = null;
  let quoted = false;
  /** The word's value is only known when the shell runs (expansion, substitution, glob, brace, tilde). */
  let dynamic = false;
  let brace = false;
  let bracket = false;
  let pending: ">" | "<" | ">&" | null = null;

  const flushWord = () => {
    if (cur === null) return;
    if (brace && /,|\.\./.test(cur)) dynamic = true;
    if (bracket && /\[[^\]]*\]/.test(cur)) dynamic = true;
    if (pending !== null) {
      if (pending === ">&") {
        // `>&2` duplicates a descriptor; `>&file` writes to a file.
        if (!/^(\d+|-)$/.test(cur)) redirects.push({ op: ">", target: cur });
      } else {
        redirects.push({ op: pending, target: cur });
      }
      pending = null;
    } else {
      words.push(cur);
      dynamics.push(dynamic);
    }
    cur = null;
    quoted = false;
    dynamic = false;
    brace = false;
    bracket = false;
  };
  const endSegment = () => {
    flushWord();
    pending = null;
    if (!wordMode && (words.length > 0 || redirects.length > 0)) {
      analyseArgv(words, dynamics, redirects, ctx, depth);
    }
    words = [];
    dynamics = [];
    redirects = [];
  };
  const append = (s: string) => {
    cur = (cur ?? "") + s;
  };
  const substitute = (inner: string, open: string, close: string) => {
    // A `case` pattern's `)` would end the substitution early here, and what follows would be read
    // as arguments instead of commands.
    if (open !== "`" && /(^|[\s;&|(])case(\s|$)/.test(inner)) {
      refuse(ctx, `'case' inside ${open}...) is not followed`);
      return;
    }
    parseShell(inner, ctx, depth + 1);
    // The word keeps the substitution's text: unknown programs then fail an allowlist.
    append(open + inner + close);
    dynamic = true;
  };
  /** `$((...))` at `i` (`$` included); returns the index after it. */
  const arithmetic = (i: number): number => {
    const end = findClosingParen(src, i + 2);
    const inner = src.slice(i + 3, Math.max(i + 3, end - 1));
    // A variable in arithmetic is evaluated as an expression, and `a[$(cmd)]` in its text runs cmd.
    if (!LITERAL_ARITHMETIC.test(inner)) {
      refuse(ctx, "arithmetic with variables or substitutions may run commands from their values");
    }
    append(src.slice(i, end + 1));
    dynamic = true;
    return end + 1;
  };
  /** `${...}` at `i`; returns the index after it. */
  const parameter = (i: number): number => {
    const end = findClosingBrace(src, i + 2);
    const inner = src.slice(i + 2, end);
    const m = /^(#?)([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])(.*)$/s.exec(inner);
    if (m === null) {
      refuse(ctx, `the expansion \${${inner.slice(0, 40)}} (indirection, arrays or an odd name)`);
    } else {
      const rest = m[3]!;
      const op = /^(:?[-=?+]|##?|%%?|\/[/#%]?|\^\^?|,,?)/.exec(rest);
      if (rest !== "" && (op === null || (m[1] === "#" && rest !== ""))) {
        refuse(
          ctx,
          `the expansion \${${inner.slice(0, 40)}} (subscripts, substrings and transformations evaluate text)`,
        );
      } else if (op !== null) {
        parseShell(rest.slice(op[0].length), ctx, depth + 1, true);
      }
    }
    append(src.slice(i, end + 1));
    dynamic = true;
    return end + 1;
  };

  let i = 0;
  const n = src.length;
  while (i < n) {
    if (ctx.problem !== undefined) return;
    const c = src[i]!;
    const next = src[i + 1];

    if (c === "\\") {
      if (next === "\n") i += 2;
      else {
        append(next ?? "");
        quoted = true;
        i += 2;
      }
      continue;
    }
    if (c === "'") {
      const close = src.indexOf("'", i + 1);
      const end = close < 0 ? n : close;
      append(src.slice(i + 1, end));
      quoted = true;
      i = end + 1;
      continue;
    }
    if (c === '"' || (c === "$" && next === '"')) {
      // `$"..."` is a translated string: the same as "..." here.
      if (c === "$") i++;
      quoted = true;
      append("");
      i++;
      while (i < n && src[i] !== '"') {
        if (ctx.problem !== undefined) return;
        const d = src[i]!;
        if (d === "\\" && i + 1 < n && '$`"\\\n'.includes(src[i + 1]!)) {
          if (src[i + 1] !== "\n") append(src[i + 1]!);
          i += 2;
        } else if (d === "$" && src[i + 1] === "(" && src[i + 2] === "(") {
          i = arithmetic(i);
        } else if (d === "$" && src[i + 1] === "(") {
          const end = findClosingParen(src, i + 2);
          substitute(src.slice(i + 2, end), "$(", ")");
          i = end + 1;
        } else if (d === "$" && src[i + 1] === "[") {
          refuse(ctx, "the old $[...] arithmetic");
          return;
        } else if (d === "$" && src[i + 1] === "{") {
          i = parameter(i);
        } else if (d === "`") {
          const end = findBacktick(src, i + 1);
          substitute(unescapeBackticks(src.slice(i + 1, end)), "`", "`");
          i = end + 1;
        } else {
          if (d === "$" && /[A-Za-z0-9_@*#?$!-]/.test(src[i + 1] ?? "")) dynamic = true;
          append(d);
          i++;
        }
      }
      i++;
      continue;
    }
    if (c === "$") {
      if (next === "'") {
        const { text, end } = ansiC(src, i + 2);
        append(text);
        quoted = true;
        i = end + 1;
        continue;
      }
      if (next === "(" && src[i + 2] === "(") {
        i = arithmetic(i);
        continue;
      }
      if (next === "(") {
        const end = findClosingParen(src, i + 2);
        substitute(src.slice(i + 2, end), "$(", ")");
        i = end + 1;
        continue;
      }
      if (next === "[") {
        refuse(ctx, "the old $[...] arithmetic");
        return;
      }
      // `$IFS` is whitespace to the shell: `rm${IFS}-rf${IFS}/` is `rm -rf /`.
      const ifs = /^\$(\{IFS\}|IFS(?![A-Za-z0-9_]))/.exec(src.slice(i, i + 7));
      if (ifs !== null) {
        flushWord();
        i += ifs[0].length;
        continue;
      }
      if (next === "{") {
        i = parameter(i);
        continue;
      }
      if (/[A-Za-z0-9_@*#?$!-]/.test(next ?? "")) dynamic = true;
      append(c);
      i++;
      continue;
    }
    if (c === "`") {
      const end = findBacktick(src, i + 1);
      substitute(unescapeBackticks(src.slice(i + 1, end)), "`", "`");
      i = end + 1;
      continue;
    }
    if (c === "#" && cur === null) {
      const nl = src.indexOf("\n", i);
      i = nl < 0 ? n : nl;
      continue;
    }
    if (BLANKS.has(c)) {
      flushWord();
      i++;
      continue;
    }
    if ((c === "<" || c === ">") && next === "(") {
      const end = findClosingParen(src, i + 2);
      substitute(src.slice(i + 2, end), `${c}(`, ")");
      i = end + 1;
      continue;
    }
    if (c === ">" || c === "<" || (c === "&" && next === ">")) {
      // A bare number right before the operator is a file descriptor (`2>`), not a word.
      if (cur !== null && !quoted && /^\d+$/.test(cur)) {
        cur = null;
        dynamic = false;
        brace = false;
        bracket = false;
      } else {
        flushWord();
      }
      const op = /^(&>>|&>|>>|>\||>&|>|<<<|<<-|<<|<>|<&|<)/.exec(src.slice(i, i + 3))![0];
      if (op === "<<" || op === "<<-") {
        // The body's text is read in a mode of its own (quotes are literal, `$(...)` still runs).
        refuse(ctx, "here-documents (<<) are not followed");
        return;
      }
      i += op.length;
      pending = op === ">&" || op === "<&" ? ">&" : op.startsWith("<") && op !== "<>" ? "<" : ">";
      continue;
    }
    if (c === "(" && next === "(" && !wordMode && cur === null) {
      // `(( expr ))`, also in `for ((...))`: arithmetic evaluates variables' text as expressions.
      const end = findClosingParen(src, i + 1);
      const inner = src.slice(i + 2, Math.max(i + 2, end - 1));
      if (!LITERAL_ARITHMETIC.test(inner)) {
        refuse(ctx, "arithmetic with variables or substitutions may run commands from their values");
        return;
      }
    }
    if (SEPARATORS.has(c)) {
      endSegment();
      i++;
      continue;
    }
    // Ordinary characters: take the whole run at once.
    PLAIN_RUN.lastIndex = i;
    const run = PLAIN_RUN.exec(src);
    const end = run === null ? i + 1 : i + run[0].length;
    const text = src.slice(i, end);
    if (/[*?]/.test(text) || (cur === null && text.startsWith("~"))) dynamic = true;
    if (text.includes("{")) brace = true;
    if (text.includes("[")) bracket = true;
    append(text);
    i = end;
  }
  endSegment();
}

/** A run of characters with no meaning to the shell (`#` is only special at the start of a word). */
const PLAIN_RUN = /[^\\'"$`\s<>&;|()]+/y;

/** Index of the `)` closing a group whose content starts at `start` (quotes and nesting respected). */
function findClosingParen(src: string, start: number): number {
  let depth = 1;
  let i = start;
  while (i < src.length) {
    const c = src[i]!;
    if (c === "\\") i += 2;
    else if (c === "'") {
      const close = src.indexOf("'", i + 1);
      i = close < 0 ? src.length : close + 1;
    } else if (c === '"') {
      i++;
      while (i < src.length && src[i] !== '"') i += src[i] === "\\" ? 2 : 1;
      i++;
    } else if (c === "(") {
      depth++;
      i++;
    } else if (c === ")") {
      depth--;
      if (depth === 0) return i;
      i++;
    } else i++;
  }
  return src.length;
}

/** Index of the `}` closing a `${` whose content starts at `start` (quotes and nesting respected). */
function findClosingBrace(src: string, start: number): number {
  let depth = 1;
  let i = start;
  while (i < src.length) {
    const c = src[i]!;
    if (c === "\\") i += 2;
    else if (c === "'") {
      const close = src.indexOf("'", i + 1);
      i = close < 0 ? src.length : close + 1;
    } else if (c === '"') {
      i++;
      while (i < src.length && src[i] !== '"') i += src[i] === "\\" ? 2 : 1;
      i++;
    } else if (c === "$" && src[i + 1] === "(") {
      i = findClosingParen(src, i + 2) + 1;
    } else if (c === "{") {
      depth++;
      i++;
    } else if (c === "}") {
      depth--;
      if (depth === 0) return i;
      i++;
    } else i++;
  }
  return src.length;
}

function findBacktick(src: string, start: number): number {
  let i = start;
  while (i < src.length && src[i] !== "`") i += src[i] === "\\" ? 2 : 1;
  return Math.min(i, src.length);
}

function unescapeBackticks(s: string): string {
  return s.replace(/\\([`$\\])/g, "$1");
}

const ANSI_SIMPLE: Readonly<Record<string, string>> = {
  n: "\n",
  t: "\t",
  r: "\r",
  a: "\x07",
  b: "\b",
  e: "\x1b",
  E: "\x1b",
  f: "\f",
  v: "\v",
  "\\": "\\",
  "'": "'",
  '"': '"',
  "?": "?",
};

/** `\xHH`, `\uHHHH`, `\UHHHHHHHH` and octal `\NNN` escapes: group 1 is the letter, group 2 the digits. */
const ANSI_NUMERIC: readonly RegExp[] = [
  /^(x)([0-9A-Fa-f]{1,2})/,
  /^(u)([0-9A-Fa-f]{1,4})/,
  /^(U)([0-9A-Fa-f]{1,8})/,
  /^()([0-7]{1,3})/,
];

/** Decodes a `$'...'` string starting at `start` (just after the quote); `end` is the closing quote. */
function ansiC(src: string, start: number): { text: string; end: number } {
  let text = "";
  let i = start;
  while (i < src.length && src[i] !== "'") {
    const c = src[i]!;
    if (c !== "\\") {
      text += c;
      i++;
      continue;
    }
    const e = src[i + 1] ?? "";
    const simple = ANSI_SIMPLE[e];
    if (simple !== undefined) {
      text += simple;
      i += 2;
      continue;
    }
    const rest = src.slice(i + 1, i + 10);
    const numeric = ANSI_NUMERIC.map((r) => r.exec(rest)).find((m) => m !== null);
    if (numeric === undefined || numeric === null) {
      text += `\\${e}`;
      i += 2;
      continue;
    }
    const digits = numeric[2]!;
    if (numeric[1] === "x") text += String.fromCharCode(Number.parseInt(digits, 16));
    else if (numeric[1] === "") text += String.fromCharCode(Number.parseInt(digits, 8) & 0xff);
    else {
      const cp = Number.parseInt(digits, 16);
      text += cp <= 0x10ffff ? String.fromCodePoint(cp) : "";
    }
    i += 1 + numeric[0].length;
  }
  return { text, end: i };
}

// ---------------------------------------------------------------------------------------------------
// Simple commands and the wrappers that run other commands

/** Reserved words that may precede a command in a segment (`if rm ...`, `{ rm ...`). */
const LEADING_KEYWORDS = new Set([
  "if",
  "then",
  "else",
  "elif",
  "fi",
  "do",
  "done",
  "while",
  "until",
  "!",
  "{",
  "}",
]);
/** Segments that begin with these are not commands (`for x in a b`, `case $x in`). */
const NON_COMMANDS = new Set(["for", "select", "case", "esac", "function", "in"]);

const SHELLS = new Set(["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "yash", "posh", "fish", "rbash"]);

interface WrapperSpec {
  /** Short options that take a value (`-u root`). */
  readonly short?: string;
  /** Long options that take a value when not written with `=`. */
  readonly long?: readonly string[];
  /** Positional arguments before the wrapped command (`timeout 5 cmd`, `chroot /new cmd`). */
  readonly positional?: number;
  /** `NAME=value` arguments are skipped (env). */
  readonly assignments?: boolean;
  /** An option whose value is itself a shell string (`env -S`, `su -c`, `flock -c`). */
  readonly shellShort?: string;
  readonly shellLong?: string;
  /** The wrapped command is joined and run by a shell (`watch`). */
  readonly joinsShell?: boolean;
  /** Runs a command only through its shell option, which may come anywhere (`su root -c 'cmd'`). */
  readonly onlyShell?: boolean;
}

const WRAPPERS: Readonly<Record<string, WrapperSpec>> = {
  env: {
    short: "uC",
    long: ["unset", "chdir"],
    assignments: true,
    shellShort: "S",
    shellLong: "split-string",
  },
  sudo: {
    short: "ughpCDrtUT",
    long: [
      "user",
      "group",
      "host",
      "prompt",
      "close-from",
      "chdir",
      "role",
      "type",
      "other-user",
      "command-timeout",
    ],
  },
  doas: { short: "uC" },
  su: { short: "sg", long: ["shell", "group"], shellShort: "c", shellLong: "command", onlyShell: true },
  runuser: {
    short: "ugs",
    long: ["user", "group", "shell"],
    shellShort: "c",
    shellLong: "command",
    onlyShell: true,
  },
  nice: { short: "n", long: ["adjustment"] },
  ionice: { short: "cnpPut", long: ["class", "classdata", "pid", "pgid", "uid"] },
  timeout: { short: "sk", long: ["signal", "kill-after"], positional: 1 },
  nohup: {},
  setsid: {},
  stdbuf: { short: "ioe", long: ["input", "output", "error"] },
  time: { short: "fo", long: ["format", "output"] },
  command: {},
  builtin: {},
  exec: { short: "a" },
  xargs: {
    short: "adEILnPs",
    long: [
      "arg-file",
      "delimiter",
      "eof",
      "replace",
      "max-lines",
      "max-args",
      "max-procs",
      "max-chars",
      "process-slot-var",
    ],
  },
  busybox: {},
  toybox: {},
  chroot: { long: ["userspec", "groups"], positional: 1 },
  flock: {
    short: "wE",
    long: ["timeout", "conflict-exit-code"],
    positional: 1,
    shellShort: "c",
    shellLong: "command",
  },
  chrt: { positional: 1 },
  taskset: { positional: 1 },
  nsenter: { short: "tSGmuinpUCT", long: ["target", "setuid", "setgid"] },
  gosu: { positional: 1 },
  "su-exec": { positional: 1 },
  unbuffer: {},
  "dumb-init": {},
  tini: {},
  strace: { short: "eoOpPsSuEXbaI", long: ["output"] },
  ltrace: { short: "eoOpPsSuEXbaI", long: ["output"] },
  watch: { short: "nqd", long: ["interval", "differences"], joinsShell: true },
};

/**
 * Programs that run another command in a way this analyser does not unwrap. Named in a command
 * position, they make the command "cannot be analyzed" rather than letting the inner command pass.
 */
const OPAQUE_RUNNERS = new Set([
  "setpriv",
  "linux32",
  "linux64",
  "setarch",
  "i386",
  "x86_64",
  "start-stop-daemon",
  "capsh",
  "unshare",
  "prlimit",
  "systemd-run",
  "systemd-nspawn",
  "script",
  "expect",
  "parallel",
  "runcon",
  "numactl",
  "cgexec",
  "firejail",
  "bwrap",
  "proot",
  "fakeroot",
  "faketime",
  "eatmydata",
  "valgrind",
  "catchsegv",
  "sg",
  "newgrp",
  "pkexec",
  "machinectl",
  "sshpass",
  "ssh",
  "dbus-launch",
  "xvfb-run",
  "setuidgid",
  "envdir",
  "envuidgid",
  "softlimit",
  "chpst",
  "s6-setuidgid",
  "s6-envdir",
  "s6-applyuidgid",
  "s6-softlimit",
  "torsocks",
  "proxychains",
  "proxychains4",
  "trickle",
  "screen",
  "tmux",
  "at",
  "batch",
  "coproc",
  "ld.so",
  "ld-linux.so.2",
  "ld-linux-x86-64.so.2",
  "ld-linux-aarch64.so.1",
  "ld-musl-x86_64.so.1",
  "ld-musl-aarch64.so.1",
  "gdb",
  "perf",
  "entr",
  "inotifyd",
  "crond",
  "nsenter-wrap",
  "run-parts",
  "lxc-attach",
  "sudoedit",
]);

/** Builtins that take variable names: a subscript in a name (`a[$(cmd)]`) is evaluated as arithmetic. */
const NAME_TAKERS = new Set([
  "unset",
  "read",
  "printf",
  "declare",
  "typeset",
  "local",
  "export",
  "readonly",
  "mapfile",
  "readarray",
  "test",
  "[",
]);

const DECLARERS = new Set(["declare", "typeset", "local", "export", "readonly"]);

/** Builtins that make a later word run something else: `hash -p`, `enable -f`, `mapfile -C`. */
function rebindProblem(program: string, args: readonly string[]): string | undefined {
  const has = (letter: string) => args.some((a) => new RegExp(`^-[a-zA-Z]*${letter}`).test(a));
  if (program === "hash" && has("p")) return "hash -p makes a name run another file";
  if (program === "enable" && has("f")) return "enable -f loads a builtin from a file";
  if ((program === "mapfile" || program === "readarray") && has("C")) return `${program} -C runs a callback`;
  return undefined;
}

/** The argument that makes a name-taking builtin evaluate text, if any. */
function nameProblem(program: string, args: readonly string[]): string | undefined {
  if (program === "test" || program === "[") return args.includes("-v") ? "-v" : undefined;
  if (program === "printf") {
    const v = args.indexOf("-v");
    return v >= 0 && /[$`[]/.test(args[v + 1] ?? "") ? args[v + 1] : undefined;
  }
  for (const a of args) {
    if (DECLARERS.has(program) && /^[-+][a-zA-Z]*[inaA]/.test(a)) return a;
    if (a.startsWith("-")) continue;
    if (/[$`[]/.test(a.split("=")[0]!)) return a;
  }
  return undefined;
}

/** Variables that decide which program runs or what a shell runs first. */
const PROGRAM_CHANGING =
  /^(PATH|LD_[A-Z_]+|BASH_ENV|ENV|IFS|SHELLOPTS|BASHOPTS|PS4|PROMPT_COMMAND|BASH_FUNC_.*|CDPATH)(\+?=|$)/;

/** Programs whose arguments set variables (`export PATH=...`, `env PATH=... cmd`, `read PATH`). */
const SETTERS = new Set([
  "env",
  "export",
  "declare",
  "typeset",
  "local",
  "readonly",
  "read",
  "getopts",
  "printf",
  "mapfile",
  "readarray",
]);

const AWKS = new Set(["awk", "gawk", "mawk", "nawk", "busybox-awk"]);

function analyseArgv(
  argv: readonly string[],
  dyn: readonly boolean[] | undefined,
  redirects: readonly Redirect[],
  ctx: Context,
  depth: number,
): void {
  if (depth > MAX_DEPTH) {
    ctx.problem ??= `commands are wrapped more than ${MAX_DEPTH} deep`;
    return;
  }
  if (ctx.segments.length >= MAX_SEGMENTS) {
    ctx.problem ??= `the command has more than ${MAX_SEGMENTS} parts`;
    return;
  }
  // Words from a shell string are expanded by that shell; argv words are taken as they are.
  const fromShell = dyn !== undefined;
  const isDynamic = (k: number) => dyn?.[k] === true;
  const resolved = redirects.map((r) => resolveRedirect(r, ctx));
  if (ctx.problem !== undefined) return;
  let k = 0;
  for (;;) {
    while (k < argv.length && (LEADING_KEYWORDS.has(argv[k]!) || isAssignment(argv[k]!))) k++;
    const word = argv[k];
    if (word === "function" && fromShell) {
      // `function name [()] { body; }`: the body follows in this segment.
      k += 2;
      if (argv[k] === "()") k++;
      continue;
    }
    if ((word === "for" || word === "select") && fromShell) {
      // `for x in a b; do body` usually splits at `;`; `for x do body` does not.
      const d = argv.indexOf("do", k);
      k = d < 0 ? argv.length : d + 1;
      continue;
    }
    break;
  }
  if (k < argv.length && NON_COMMANDS.has(argv[k]!)) k = argv.length;
  if (k >= argv.length) {
    if (resolved.length > 0) ctx.segments.push({ program: "", path: "", args: [], redirects: resolved });
    return;
  }
  const first = argv[k]!;
  // Brace expansion turns `{rm,-rf,/}` into `rm -rf /`.
  if (fromShell && /^\{[^{}\s]*,[^{}\s]*\}$/.test(first)) {
    const parts = first.slice(1, -1).split(",");
    analyseArgv(
      [...parts, ...argv.slice(k + 1)],
      [...parts.map((p) => /[*?[{$`~]/.test(p)), ...(dyn?.slice(k + 1) ?? [])],
      resolved,
      ctx,
      depth + 1,
    );
    return;
  }
  if (isDynamic(k)) {
    refuse(
      ctx,
      `the program name ${JSON.stringify(first.slice(0, 60))} is only known when the shell runs (a variable, substitution, glob, brace or ~)`,
    );
    return;
  }
  const program = basename(first);
  const args = argv.slice(k + 1);
  const argDyn = dyn?.slice(k + 1);
  const changed = [...argv.slice(0, k), ...(SETTERS.has(program) ? args : [])].find((w) =>
    PROGRAM_CHANGING.test(w),
  );
  if (changed !== undefined) {
    refuse(ctx, `it sets ${changed.split(/\+?=/)[0]}, which changes which program runs`);
    return;
  }
  ctx.segments.push({ program, path: first, args, redirects: resolved });

  if (program === "zsh" || program === "fish") {
    refuse(ctx, `${program}'s syntax (glob qualifiers, its own substitutions) is not POSIX sh`);
    return;
  }
  if (SHELLS.has(program)) {
    const at = shellPayloadIndex(args);
    if (at === undefined) {
      refuse(ctx, `${program} without -c reads its commands from stdin or a file`);
    } else if (at >= args.length) {
      refuse(ctx, `${program} -c has no command string here (it would come from elsewhere)`);
    } else if (argDyn?.[at]) {
      refuse(ctx, `${program} -c runs a string that is only known when the outer shell runs`);
    } else parseShell(args[at]!, ctx, depth + 1);
    return;
  }
  if (program === "eval" || program === "trap") {
    if (argDyn?.some((d) => d)) {
      refuse(ctx, `${program} of text that is only known when the shell runs`);
      return;
    }
    if (program === "eval") parseShell(args.join(" "), ctx, depth + 1);
    else {
      // `trap ACTION SIGNAL...`; `trap -l`, `trap -p` and `trap - SIG` run nothing.
      const action = args[0] === "--" ? args[1] : args[0];
      if (action !== undefined && action !== "-" && !/^-[lp]$/.test(action) && args.length > 1) {
        parseShell(action, ctx, depth + 1);
      }
    }
    return;
  }
  if (program === "alias" && args.some((a) => a.includes("="))) {
    refuse(ctx, "aliases change what later words run");
    return;
  }
  const rebinding = rebindProblem(program, args);
  if (rebinding !== undefined) {
    refuse(ctx, rebinding);
    return;
  }
  if (program === "." || program === "source") {
    refuse(ctx, `'${program}' runs the commands of a file`);
    return;
  }
  if (program === "let" || (program === "[[" && args.some((a) => /^-(eq|ne|lt|le|gt|ge)$/.test(a)))) {
    refuse(ctx, "arithmetic with variables or substitutions may run commands from their values");
    return;
  }
  if (fromShell && NAME_TAKERS.has(program)) {
    const bad = nameProblem(program, args);
    if (bad !== undefined) {
      refuse(
        ctx,
        `${program} ${JSON.stringify(bad.slice(0, 40))} (subscripts, integer and name-reference variables evaluate text as code)`,
      );
      return;
    }
  }
  if (program === "cd" || program === "pushd" || program === "popd") {
    trackDirectory(program, args, argDyn, ctx);
    return;
  }
  if (AWKS.has(program) || (program === "busybox" && args[0] === "awk")) {
    if (args.some((a) => /system|\||getline|^-f|^--file/.test(a))) {
      refuse(ctx, "awk's system(), pipes, getline and program files run commands");
      return;
    }
  }
  if (OPAQUE_RUNNERS.has(program) || /^ld-.*\.so/.test(program)) {
    refuse(ctx, `'${program}' runs another command in a way that is not followed`);
    return;
  }
  if (program === "find") {
    for (const { at, inner } of findExecCommands(args)) {
      analyseArgv(inner, argDyn?.slice(at, at + inner.length), [], ctx, depth + 1);
    }
    return;
  }
  if (program === "xargs" && args.some((a) => /^(-[a-zA-Z]*[IiJ]|--replace)/.test(a))) {
    // `-I{}` puts words read from stdin anywhere, the program's name included.
    refuse(ctx, "xargs -I builds commands from its input");
    return;
  }
  const spec = WRAPPERS[program];
  if (spec !== undefined) {
    const { start, shellAt } = unwrap(spec, args);
    if (shellAt !== undefined) {
      if (argDyn?.[shellAt.index]) {
        refuse(ctx, `${program} runs a string that is only known when the shell runs`);
        return;
      }
      if (shellAt.text === undefined) {
        refuse(ctx, `${program} has no command string here`);
        return;
      }
      parseShell(shellAt.text, ctx, depth + 1);
    }
    const inner = args.slice(start);
    if (inner.length > 0) {
      if (spec.joinsShell) {
        if (argDyn?.slice(start).some((d) => d)) {
          refuse(ctx, `${program} runs text that is only known when the shell runs`);
          return;
        }
        parseShell(inner.join(" "), ctx, depth + 1);
      } else analyseArgv(inner, argDyn?.slice(start), [], ctx, depth + 1);
    }
  }
}

/** A redirection's target as the shell will open it, against the directory `cd` left (when known). */
function resolveRedirect(r: Redirect, ctx: Context): Redirect {
  if (r.target.startsWith("/") || ctx.cwd === undefined) return r;
  if (ctx.cwd === null) {
    if (r.op === ">") refuse(ctx, "a relative redirect after cd to a directory that is not known");
    return r;
  }
  return { op: r.op, target: `${ctx.cwd}/${r.target}` };
}

function trackDirectory(
  program: string,
  args: readonly string[],
  dyn: readonly boolean[] | undefined,
  ctx: Context,
): void {
  const j = args.findIndex((a) => !a.startsWith("-") || a === "-");
  const dir = j < 0 ? undefined : args[j]!;
  if (program === "popd" || dir === undefined || dir === "-" || dyn?.[j] === true) {
    ctx.cwd = null;
  } else if (dir.startsWith("/")) {
    ctx.cwd = dir;
  } else {
    ctx.cwd = ctx.cwd === undefined || ctx.cwd === null ? null : `${ctx.cwd}/${dir}`;
  }
}

function basename(word: string): string {
  const trimmed = word.replace(/\/+$/, "");
  const slash = trimmed.lastIndexOf("/");
  const base = slash >= 0 ? trimmed.slice(slash + 1) : trimmed;
  return base === "" ? word : base;
}

function isAssignment(word: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*\+?=/.test(word);
}

/**
 * Where the string a shell runs for `sh -c STRING` is (options may be combined: `bash -lc`,
 * `sh -e -c`): an index into args (args.length when it is missing), or undefined without -c.
 */
function shellPayloadIndex(args: readonly string[]): number | undefined {
  let sawC = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--" || a === "-") return sawC ? i + 1 : undefined;
    if (a.startsWith("--")) {
      if (a === "--rcfile" || a === "--init-file") i++;
      if (a === "--command") sawC = true;
      continue;
    }
    if ((a.startsWith("-") || a.startsWith("+")) && a.length > 1) {
      if (a.startsWith("-") && a.includes("c")) sawC = true;
      if (/[oO]/.test(a.slice(1))) i++;
      continue;
    }
    return sawC ? i : undefined;
  }
  return sawC ? args.length : undefined;
}

function findExecCommands(args: readonly string[]): { at: number; inner: string[] }[] {
  const found: { at: number; inner: string[] }[] = [];
  for (let i = 0; i < args.length; i++) {
    if (!["-exec", "-execdir", "-ok", "-okdir"].includes(args[i]!)) continue;
    const inner: string[] = [];
    let j = i + 1;
    while (j < args.length && args[j] !== ";" && args[j] !== "+") inner.push(args[j++]!);
    if (inner.length > 0) found.push({ at: i + 1, inner });
    i = j;
  }
  return found;
}

/**
 * Where a wrapper's inner command starts, and the shell string it runs through an option (with its
 * index, to know whether it was computed).
 */
function unwrap(
  spec: WrapperSpec,
  args: readonly string[],
): { start: number; shellAt: { index: number; text: string | undefined } | undefined } {
  const shortWithValue = spec.short ?? "";
  const longWithValue = spec.long ?? [];
  let shellAt: { index: number; text: string | undefined } | undefined;
  let i = 0;
  while (i < args.length) {
    const a = args[i]!;
    if (a === "--") {
      i++;
      break;
    }
    if (spec.assignments && isAssignment(a)) {
      i++;
      continue;
    }
    if (a.startsWith("--") && a.length > 2) {
      const eq = a.indexOf("=");
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const value = eq >= 0 ? a.slice(eq + 1) : undefined;
      if (name === spec.shellLong) {
        shellAt = value !== undefined ? { index: i, text: value } : { index: i + 1, text: args[i + 1] };
        i += value === undefined ? 2 : 1;
      } else {
        i += value === undefined && longWithValue.includes(name) ? 2 : 1;
      }
      continue;
    }
    if (a.startsWith("-") && a.length > 1 && !/^-\d/.test(a)) {
      let skip = 1;
      for (let j = 1; j < a.length; j++) {
        const ch = a[j]!;
        if (ch === spec.shellShort) {
          const attached = a.slice(j + 1);
          shellAt = attached !== "" ? { index: i, text: attached } : { index: i + 1, text: args[i + 1] };
          if (attached === "") skip = 2;
          break;
        }
        if (shortWithValue.includes(ch)) {
          if (j === a.length - 1) skip = 2;
          break;
        }
      }
      i += skip;
      continue;
    }
    if (a.startsWith("-") && a.length > 1) {
      // `nice -10 cmd`: a numeric option.
      i++;
      continue;
    }
    break;
  }
  if (spec.onlyShell) {
    for (let j = 0; j < args.length && shellAt === undefined; j++) {
      const a = args[j]!;
      if (a === `-${spec.shellShort}` || a === `--${spec.shellLong}`)
        shellAt = { index: j + 1, text: args[j + 1] };
      else if (spec.shellLong !== undefined && a.startsWith(`--${spec.shellLong}=`))
        shellAt = { index: j, text: a.slice(spec.shellLong.length + 3) };
    }
    return { start: args.length, shellAt };
  }
  i += spec.positional ?? 0;
  // `flock FILE -c 'cmd'`: the shell option may follow the positional arguments.
  if (shellAt === undefined && spec.shellShort !== undefined && args[i] === `-${spec.shellShort}`) {
    return { start: args.length, shellAt: { index: i + 1, text: args[i + 1] } };
  }
  return { start: Math.min(i, args.length), shellAt };
}
