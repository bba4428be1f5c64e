/**
 * Turns a command (argv, or one shell string) into the simple commands it would run, so that blocked
 * patterns are matched against what executes rather than against the text the caller typed.
 *
 * This is a careful approximation of POSIX shell, not a shell: it resolves quotes and escapes, splits on
 * `;` `&&` `||` `|` `&` newlines and parentheses, opens `$(...)`, backticks, `<(...)`, `sh -c` payloads
 * (nested), `eval`, `find -exec`, and wrappers such as `sudo`, `env`, `xargs`, `busybox`, `timeout`.
 * What it cannot see (variables, `base64 -d | sh`, `python -c`) is exactly why the exec level and the
 * allowlist are the real control and the blocklist is only a speed bump.
 */

export interface Redirect {
  /** `>` for anything that writes (`>`, `>>`, `>|`, `&>`, `<>`), `<` for reads. */
  readonly op: ">" | "<";
  readonly target: string;
}

/** One simple command: the program (basename, quotes resolved) and what follows it. */
export interface CommandSegment {
  /** Basename of the program; `""` for a segment that is only a redirection (`> /dev/sda`). */
  readonly program: string;
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
}

/**
 * Analyses argv. A single-element argv is read as a shell string (that is how it reaches a shell in
 * practice, and reading it as one is the stricter choice); longer argv is taken literally, as exec does.
 */
export function analyseCommand(argv: readonly string[]): CommandAnalysis {
  const ctx: Context = { segments: [], problem: undefined };
  let length = 0;
  for (const a of argv) length += a.length + 1;
  if (length > MAX_COMMAND_LENGTH) {
    return { segments: [], problem: `the command is longer than ${MAX_COMMAND_LENGTH} characters` };
  }
  if (argv.length === 1) parseShell(argv[0]!, ctx, 0);
  else analyseArgv([...argv], [], ctx, 0);
  return ctx.problem === undefined
    ? { segments: ctx.segments }
    : { segments: ctx.segments, problem: ctx.problem };
}

// ---------------------------------------------------------------------------------------------------
// Shell strings

const SEPARATORS = new Set([";", "&", "|", "\n", "(", ")"]);
const BLANKS = new Set([" ", "\t", "\r", "\f", "\v"]);

function parseShell(src: string, ctx: Context, depth: number): void {
  if (depth > MAX_DEPTH) {
    ctx.problem ??= `shells are nested more than ${MAX_DEPTH} deep`;
    return;
  }
  let words: string[] = [];
  let redirects: Redirect[] = [];
  let cur: string | null = null;
  let quoted = false;
  let pending: ">" | "<" | ">&" | null = null;

  const flushWord = () => {
    if (cur === null) return;
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
    }
    cur = null;
    quoted = false;
  };
  const endSegment = () => {
    flushWord();
    pending = null;
    if (words.length > 0 || redirects.length > 0) analyseArgv(words, redirects, ctx, depth);
    words = [];
    redirects = [];
  };
  const append = (s: string) => {
    cur = (cur ?? "") + s;
  };
  const substitute = (inner: string, open: string, close: string) => {
    parseShell(inner, ctx, depth + 1);
    // The word keeps the substitution's text: unknown programs then fail an allowlist.
    append(open + inner + close);
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
    if (c === '"') {
      quoted = true;
      append("");
      i++;
      while (i < n && src[i] !== '"') {
        const d = src[i]!;
        if (d === "\\" && i + 1 < n && '$`"\\\n'.includes(src[i + 1]!)) {
          if (src[i + 1] !== "\n") append(src[i + 1]!);
          i += 2;
        } else if (d === "$" && src[i + 1] === "(" && src[i + 2] !== "(") {
          const end = findClosingParen(src, i + 2);
          substitute(src.slice(i + 2, end), "$(", ")");
          i = end + 1;
        } else if (d === "`") {
          const end = findBacktick(src, i + 1);
          substitute(unescapeBackticks(src.slice(i + 1, end)), "`", "`");
          i = end + 1;
        } else {
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
        // Arithmetic `$((...))` runs nothing; keep it as text.
        const end = findClosingParen(src, i + 2);
        append(src.slice(i, end + 1));
        i = end + 1;
        continue;
      }
      if (next === "(") {
        const end = findClosingParen(src, i + 2);
        substitute(src.slice(i + 2, end), "$(", ")");
        i = end + 1;
        continue;
      }
      // `$IFS` is whitespace to the shell: `rm${IFS}-rf${IFS}/` is `rm -rf /`.
      const ifs = /^\$(\{IFS\}|IFS(?![A-Za-z0-9_]))/.exec(src.slice(i, i + 7));
      if (ifs !== null) {
        flushWord();
        i += ifs[0].length;
        continue;
      }
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
      } else {
        flushWord();
      }
      const op = /^(&>>|&>|>>|>\||>&|>|<<<|<<-|<<|<>|<&|<)/.exec(src.slice(i, i + 3))![0];
      i += op.length;
      pending = op === ">&" || op === "<&" ? ">&" : op.startsWith("<") && op !== "<>" ? "<" : ">";
      continue;
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
    append(src.slice(i, end));
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

function analyseArgv(
  argv: readonly string[],
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
  let k = 0;
  while (k < argv.length && (LEADING_KEYWORDS.has(argv[k]!) || isAssignment(argv[k]!))) k++;
  if (k < argv.length && NON_COMMANDS.has(argv[k]!)) k = argv.length;
  if (k >= argv.length) {
    if (redirects.length > 0) ctx.segments.push({ program: "", args: [], redirects });
    return;
  }
  const first = argv[k]!;
  // Brace expansion turns `{rm,-rf,/}` into `rm -rf /`.
  if (/^\{[^{}\s]*,[^{}\s]*\}$/.test(first)) {
    analyseArgv([...first.slice(1, -1).split(","), ...argv.slice(k + 1)], redirects, ctx, depth + 1);
    return;
  }
  const program = basename(first);
  const args = argv.slice(k + 1);
  ctx.segments.push({ program, args, redirects });

  if (SHELLS.has(program)) {
    const payload = shellPayload(args);
    if (payload !== undefined) parseShell(payload, ctx, depth + 1);
    return;
  }
  if (program === "eval") {
    parseShell(args.join(" "), ctx, depth + 1);
    return;
  }
  if (program === "find") {
    for (const inner of findExecCommands(args)) analyseArgv(inner, [], ctx, depth + 1);
    return;
  }
  const spec = WRAPPERS[program];
  if (spec !== undefined) {
    const { inner, shell } = unwrap(spec, args);
    if (shell !== undefined) parseShell(shell, ctx, depth + 1);
    if (inner.length > 0) {
      if (spec.joinsShell) parseShell(inner.join(" "), ctx, depth + 1);
      else analyseArgv(inner, [], ctx, depth + 1);
    }
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

/** The string a shell runs for `sh -c STRING` (options may be combined: `bash -lc`, `sh -e -c`). */
function shellPayload(args: readonly string[]): string | undefined {
  let sawC = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--" || a === "-") return sawC ? args[i + 1] : undefined;
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
    return sawC ? a : undefined;
  }
  return undefined;
}

function findExecCommands(args: readonly string[]): string[][] {
  const found: string[][] = [];
  for (let i = 0; i < args.length; i++) {
    if (!["-exec", "-execdir", "-ok", "-okdir"].includes(args[i]!)) continue;
    const inner: string[] = [];
    let j = i + 1;
    while (j < args.length && args[j] !== ";" && args[j] !== "+") inner.push(args[j++]!);
    if (inner.length > 0) found.push(inner);
    i = j;
  }
  return found;
}

function unwrap(spec: WrapperSpec, args: readonly string[]): { inner: string[]; shell: string | undefined } {
  const shortWithValue = spec.short ?? "";
  const longWithValue = spec.long ?? [];
  let shell: string | undefined;
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
        shell = value ?? args[i + 1];
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
          shell = attached !== "" ? attached : args[i + 1];
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
    for (let j = 0; j < args.length && shell === undefined; j++) {
      const a = args[j]!;
      if (a === `-${spec.shellShort}` || a === `--${spec.shellLong}`) shell = args[j + 1];
      else if (spec.shellLong !== undefined && a.startsWith(`--${spec.shellLong}=`))
        shell = a.slice(spec.shellLong.length + 3);
    }
    return { inner: [], shell };
  }
  i += spec.positional ?? 0;
  // `flock FILE -c 'cmd'`: the shell option may follow the positional arguments.
  if (shell === undefined && spec.shellShort !== undefined && args[i] === `-${spec.shellShort}`) {
    return { inner: [], shell: args[i + 1] };
  }
  return { inner: args.slice(i), shell };
}
