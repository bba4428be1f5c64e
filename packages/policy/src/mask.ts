/** What replaces a hidden value. The key stays visible so a reader knows what was there. */
export const MASK = "***";

/** Names whose values are secrets (env vars, flags, object keys). */
const SECRET_NAME =
  /pass(word|wd|phrase)?|secret|token|api[-_]?key|access[-_]?key|private[-_]?key|credential|auth|session|cookie|^pwd$/i;

/** Well-known secret shapes, masked wherever they appear. */
const SECRET_SHAPES: readonly RegExp[] = [
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
  /\bAKIA[0-9A-Z]{16}\b/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  /\bglpat-[A-Za-z0-9_-]{20,}\b/g,
  /\bsk-ant-[A-Za-z0-9_-]{10,}/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g,
];

/** Every rule of maskText needs one of these; text without them is returned untouched. */
const MAY_HOLD_SECRET =
  /[=@]|-----BEGIN|AKIA|gh[pousr]_|github_pat_|glpat-|sk-ant-|xox[abposr]-|eyJ|Bearer|Basic|Token/;

/**
 * Masks secrets in free text: known token shapes, URL passwords (`postgres://user:***@host`),
 * `Bearer` tokens, and values of `NAME=value` / `--name=value` when the name looks secret.
 */
export function maskText(text: string): string {
  // Fast path: almost all names and commands contain none of the markers any rule below needs.
  if (!MAY_HOLD_SECRET.test(text)) return text;
  let out = text;
  for (const shape of SECRET_SHAPES) out = out.replace(shape, MASK);
  out = out.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi, `$1${MASK}@`);
  out = out.replace(/\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{6,}/g, `$1 ${MASK}`);
  out = out.replace(/(^|[\s"'])(-{0,2}[A-Za-z_][A-Za-z0-9_.-]*)=([^\s"']+)/g, (whole, pre, name, value) =>
    SECRET_NAME.test(name) && value !== MASK ? `${pre}${name}=${MASK}` : whole,
  );
  return out;
}

/**
 * Masks an argv: every environment assignment's value (`FOO=bar`, `-e FOO=bar`, `--env FOO=bar`),
 * the value after a secret-looking flag (`--password x`), and secrets in the text of each argument.
 */
export function maskArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  let hideNext = false;
  let envNext = false;
  for (const raw of argv) {
    const arg = String(raw);
    if (hideNext) {
      out.push(MASK);
      hideNext = false;
      continue;
    }
    if (envNext || /^[A-Z_][A-Z0-9_]*=/.test(arg)) {
      const eq = arg.indexOf("=");
      out.push(eq >= 0 ? `${arg.slice(0, eq)}=${MASK}` : arg);
      envNext = false;
      continue;
    }
    if (arg === "-e" || arg === "--env") {
      envNext = true;
      out.push(arg);
      continue;
    }
    if (/^--?[A-Za-z][A-Za-z0-9_-]*$/.test(arg) && SECRET_NAME.test(arg)) {
      hideNext = true;
      out.push(arg);
      continue;
    }
    out.push(maskText(arg));
  }
  return out;
}

/**
 * Deep copy of a JSON-like value with secrets masked: values under secret-looking keys, every value of an
 * `env`/`environment` entry (arrays of `K=V` keep `K`), and secrets in strings.
 */
export function maskValue(value: unknown, depth = 0): unknown {
  if (depth > 16) return MASK;
  if (typeof value === "string") return maskText(value);
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => maskValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (/^(env|environment|envs)$/i.test(key)) out[key] = maskEnv(v);
    else if (SECRET_NAME.test(key) && v !== null && typeof v !== "boolean") out[key] = MASK;
    else out[key] = maskValue(v, depth + 1);
  }
  return out;
}

function maskEnv(env: unknown): unknown {
  if (Array.isArray(env)) {
    return env.map((e) => {
      const s = String(e);
      const eq = s.indexOf("=");
      return eq >= 0 ? `${s.slice(0, eq)}=${MASK}` : MASK;
    });
  }
  if (env !== null && typeof env === "object") {
    return Object.fromEntries(Object.keys(env).map((k) => [k, MASK]));
  }
  return MASK;
}
