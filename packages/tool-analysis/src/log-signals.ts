import type { FindingClass } from "./findings.js";

/** A log line that looks like a known failure, with what it names (a module, a host, a variable). */
export interface LogSignal {
  class: FindingClass;
  /** Index of the line in the lines given. */
  line: number;
  text: string;
  /** What the line names: module, file, host[:port], variable, port. */
  subject?: string;
}

interface Rule {
  class: FindingClass;
  pattern: RegExp;
  /** Capture group holding the subject (default 1 when the pattern has one). */
  group?: number;
}

// Fixed patterns without nested quantifiers; lines are cut to MAX_LINE before matching, so matching
// stays linear in practice.
const RULES: Rule[] = [
  // Missing modules and libraries.
  { class: "missing_module", pattern: /Cannot find (?:module|package) '([^']{1,200})'/ },
  { class: "missing_module", pattern: /ModuleNotFoundError: No module named '([^']{1,200})'/ },
  {
    class: "missing_module",
    pattern: /ImportError: (?:No module named|cannot import name) '?([\w.]{1,200})/,
  },
  { class: "missing_module", pattern: /cannot load such file -- (\S{1,200})/ },
  { class: "missing_module", pattern: /(?:ClassNotFoundException|NoClassDefFoundError):? ([\w.$/]{1,200})/ },
  { class: "missing_module", pattern: /error while loading shared libraries: ([^:\s]{1,200})/ },
  // Disk full before missing file: "No space left on device" must not read as a missing file.
  { class: "disk_full", pattern: /No space left on device|ENOSPC|Disk quota exceeded|disk (?:is )?full/i },
  // Missing environment variables (before missing file: "X is not set" is not about a file).
  {
    class: "missing_env",
    pattern:
      /(?:environment variable|env var(?:iable)?)s?:?\s+["'`]?([A-Z_][A-Z0-9_]{1,100})["'`]?\s+(?:is\s+)?(?:not set|required|missing|must be set|undefined|not defined|empty)/i,
  },
  {
    class: "missing_env",
    pattern:
      /(?:missing|required|undefined|unset)\s+(?:required\s+)?(?:environment variable|env var(?:iable)?)s?[:\s]+["'`]?([A-Z_][A-Z0-9_]{1,100})/i,
  },
  {
    class: "missing_env",
    pattern:
      /\b([A-Z][A-Z0-9_]{2,100}):? (?:is not set|is required|must be set|is not defined|is missing|is undefined|parameter not set|parameter null or not set)/,
  },
  { class: "missing_env", pattern: /KeyError: '([A-Z][A-Z0-9_]{1,100})'/ },
  // Dependencies: DNS before "connection refused" (a name that does not resolve is the deeper cause).
  { class: "dns_failure", pattern: /getaddrinfo (?:ENOTFOUND|EAI_AGAIN) ([\w.-]{1,253})/ },
  {
    class: "dns_failure",
    pattern: /lookup ([\w.-]{1,253})(?: on [\d.:[\]a-f]{1,60})?: (?:no such host|server misbehaving)/,
  },
  { class: "dns_failure", pattern: /could not translate host name "([\w.-]{1,253})"/ },
  {
    class: "dns_failure",
    pattern:
      /(?:bad address|can't resolve|Unknown host|unknown host|UnknownHostException:?) '?"?([\w.-]{1,253})/,
  },
  {
    class: "dns_failure",
    pattern: /Name or service not known|Temporary failure in name resolution|nodename nor servname provided/,
  },
  { class: "connection_refused", pattern: /ECONNREFUSED ([\w.:[\]-]{1,260})/ },
  {
    class: "connection_refused",
    pattern: /can't connect to remote host \(([\w.:[\]-]{1,260})\): Connection refused/,
  },
  { class: "connection_refused", pattern: /dial tcp ([\w.:[\]-]{1,260}): connect: connection refused/ },
  {
    class: "connection_refused",
    pattern:
      /(?:connect(?:ing)? to|connection to|server at) "?([\w.-]{1,253}(?::\d{1,5})?)"?[^\n]{0,80}?(?:refused|failed)/i,
  },
  { class: "connection_refused", pattern: /Connection refused|connection refused/ },
  // Ports the process itself could not bind.
  { class: "port_conflict", pattern: /EADDRINUSE[^\n]{0,40}?:(\d{1,5})/ },
  { class: "port_conflict", pattern: /(?:address already in use|Address already in use)/ },
  // Permission problems.
  { class: "permission_denied", pattern: /EACCES: permission denied, \w+ '([^']{1,500})'/ },
  { class: "permission_denied", pattern: /PermissionError: \[Errno 13\] Permission denied: '([^']{1,500})'/ },
  { class: "permission_denied", pattern: /listen EACCES[^\n]{0,40}?:(\d{1,5})/ },
  {
    class: "permission_denied",
    pattern: /(?:open|mkdir|create|write|read) ([^\s:]{1,500}): permission denied/,
  },
  { class: "permission_denied", pattern: /([^\s:'"]{1,500}): Permission denied/ },
  {
    class: "permission_denied",
    pattern: /Permission denied|permission denied|EPERM|Operation not permitted/,
  },
  // Missing files.
  { class: "missing_file", pattern: /ENOENT: no such file or directory, \w+ '([^']{1,500})'/ },
  {
    class: "missing_file",
    pattern: /FileNotFoundError: \[Errno 2\] No such file or directory: '([^']{1,500})'/,
  },
  { class: "missing_file", pattern: /can't open '([^']{1,500})'/ },
  { class: "missing_file", pattern: /(?:open|stat|read|lstat) ([^\s:]{1,500}): no such file or directory/ },
  { class: "missing_file", pattern: /([^\s:'"]{1,500}): No such file or directory/ },
  // Running out of memory inside the process (the kernel did not necessarily kill it).
  {
    class: "memory_exhausted",
    pattern:
      /JavaScript heap out of memory|java\.lang\.OutOfMemoryError|\bMemoryError\b|Cannot allocate memory|fatal error: runtime: out of memory/,
  },
  { class: "segfault", pattern: /Segmentation fault|SIGSEGV/ },
  { class: "aborted", pattern: /\bAborted\b|SIGABRT/ },
];

/** Lines longer than this are matched on their beginning only. */
export const MAX_LINE = 4096;

/** The first rule each line matches, scanning every line. */
export function logSignals(lines: readonly string[]): LogSignal[] {
  const found: LogSignal[] = [];
  lines.forEach((full, index) => {
    const text = full.length > MAX_LINE ? full.slice(0, MAX_LINE) : full;
    for (const rule of RULES) {
      const m = rule.pattern.exec(text);
      if (!m) continue;
      const subject = m[rule.group ?? 1];
      found.push({ class: rule.class, line: index, text, ...(subject ? { subject } : {}) });
      return;
    }
  });
  return found;
}

/** A stack trace or an error line near the end of the log. */
export interface ErrorBlock {
  /** The line that names the error ("TypeError: x is undefined", "panic: ..."). */
  errorLine: string;
  errorIndex: number;
  /** The first frame of the stack, when there is one. */
  frame?: string;
  /** Number of stack frame lines found. */
  frames: number;
  language?: "node" | "python" | "java" | "go" | "ruby";
}

const FRAME_PATTERNS: { language: ErrorBlock["language"]; pattern: RegExp }[] = [
  { language: "node", pattern: /^\s+at (?:.{1,300} \()?[^\s()]{1,300}:\d+:\d+\)?\s*$/ },
  { language: "java", pattern: /^\s+at [\w.$<>/]{1,300}\([^)]{0,300}\)\s*$/ },
  { language: "python", pattern: /^\s+File "[^"]{1,500}", line \d+/ },
  { language: "go", pattern: /^\s+\S{1,500}\.go:\d+/ },
  { language: "ruby", pattern: /^\s*(?:from )?\S{1,500}\.rb:\d+:in / },
];

const ERROR_LINE =
  /(?:^|[\s:[\]])(?:(?:Uncaught )?[A-Z][\w.]{0,80}(?:Error|Exception)\b|panic:|FATAL|Fatal|fatal:|fatal error|ERROR|Error:|CRITICAL|Traceback \(most recent call last\))/;

export function isErrorLine(line: string): boolean {
  return ERROR_LINE.test(line.length > MAX_LINE ? line.slice(0, MAX_LINE) : line);
}

export function frameLanguage(line: string): ErrorBlock["language"] | undefined {
  const text = line.length > MAX_LINE ? line.slice(0, MAX_LINE) : line;
  return FRAME_PATTERNS.find((f) => f.pattern.test(text))?.language;
}

/**
 * The last error in the log: the last stack trace (its error line and first frame), else the last
 * error-looking line. Python prints the error after its frames; the others before.
 */
export function lastErrorBlock(lines: readonly string[]): ErrorBlock | undefined {
  let lastFrame = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (frameLanguage(lines[i] ?? "")) {
      lastFrame = i;
      break;
    }
  }
  if (lastFrame >= 0) {
    let first = lastFrame;
    while (first > 0 && frameLanguage(lines[first - 1] ?? "")) first--;
    const language = frameLanguage(lines[lastFrame] ?? "");
    const frames = lastFrame - first + 1;
    if (language === "python") {
      // Traceback ... frames ... "ValueError: msg" after them.
      const after = lines.slice(lastFrame + 1, lastFrame + 4).findIndex((l) => /^\S/.test(l));
      const errorIndex = after >= 0 ? lastFrame + 1 + after : first;
      return {
        errorLine: lines[errorIndex] ?? "",
        errorIndex,
        frame: (lines[lastFrame] ?? "").trim(),
        frames,
        language,
      };
    }
    // Frames follow the error line (Node, Java, Go's "panic:" then goroutine lines).
    let errorIndex = first - 1;
    for (let i = first - 1; i >= Math.max(0, first - 6); i--) {
      if (isErrorLine(lines[i] ?? "")) {
        errorIndex = i;
        break;
      }
    }
    if (errorIndex >= 0) {
      return {
        errorLine: lines[errorIndex] ?? "",
        errorIndex,
        frame: (lines[first] ?? "").trim(),
        frames,
        language,
      };
    }
  }
  for (let i = lines.length - 1; i >= 0; i--) {
    if (isErrorLine(lines[i] ?? "")) return { errorLine: lines[i] ?? "", errorIndex: i, frames: 0 };
  }
  return undefined;
}
