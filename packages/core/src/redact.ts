export const MASK = "[REDACTED]";

/** Environment variable names whose values are secrets (case-insensitive). */
const SECRET_KEY =
  /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|CREDENTIAL|PRIVATE|API_?KEY|ACCESS_?KEY|_KEY$|^AWS_|AUTH(?!OR)|COOKIE|SESSION|SALT|DSN|CONN(ECTION)?_?STRING|DATABASE_URL|_PASS$|^PASS$)/i;

export function isSecretKey(name: string): boolean {
  return SECRET_KEY.test(name);
}

/** Well-known secret value shapes, masked wherever they appear. */
const SECRET_SHAPES: RegExp[] = [
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g,
  /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  /\bglpat-[A-Za-z0-9_-]{20,}\b/g,
  /\bsk-ant-[A-Za-z0-9_-]{20,}\b/g,
  /\bsk-[A-Za-z0-9_-]{32,}\b/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g,
];

// "Bearer abc..." / "Authorization: Basic abc..." keep the scheme, hide the credential.
const AUTH_HEADER = /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
// scheme://user:password@host keeps the user, hides the password.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):([^\s@/]+)@/gi;
// KEY=value and KEY: value with a secret-looking key, in free text such as `env` output or logs.
const KEY_VALUE = /\b([A-Za-z_][A-Za-z0-9_.-]*)(\s*[=:]\s*)("[^"\n]*"|'[^'\n]*'|[^\s"',;&]+)/g;

/**
 * The values worth hiding in KEY=VALUE environment entries: those of secret-named keys, and
 * passwords inside URLs (`postgres://user:pass@db`) whatever the key.
 */
export function secretValuesFromEnv(entries: Iterable<string>): string[] {
  const values: string[] = [];
  for (const entry of entries) {
    const eq = entry.indexOf("=");
    if (eq > 0 && isSecretKey(entry.slice(0, eq))) values.push(entry.slice(eq + 1));
    for (const m of entry.matchAll(new RegExp(URL_USERINFO.source, "gi"))) if (m[2]) values.push(m[2]);
  }
  return values;
}

/** Values shorter than this are not hunted elsewhere (masking "1" everywhere helps no one). */
const MIN_SECRET_LENGTH = 4;

/**
 * Collects secrets and masks them. One Redactor serves one answer: secrets found anywhere in it
 * (environment entries, secret-looking object keys) are masked everywhere else in it too.
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | undefined;

  constructor(initial: Iterable<string> = []) {
    this.add(initial);
  }

  add(values: Iterable<string>): void {
    for (const value of values) {
      if (value.length >= MIN_SECRET_LENGTH && value !== MASK) {
        this.secrets.add(value);
        this.pattern = undefined;
      }
    }
  }

  /** Adds the secret values of KEY=VALUE environment entries. */
  addEnv(entries: Iterable<string>): void {
    this.add(secretValuesFromEnv(entries));
  }

  /** First pass over a value: learns secrets from its structure (env arrays, secret-named keys). */
  learn(value: unknown): void {
    if (typeof value === "string") {
      if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(value)) this.addEnv([value]);
      return;
    }
    if (Array.isArray(value)) {
      for (const item of value) this.learn(item);
      return;
    }
    if (value && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) {
        if (typeof item === "string" && isSecretKey(key)) this.add([item]);
        else this.learn(item);
      }
    }
  }

  /** Masks every known secret, secret-keyed assignment and well-known secret shape in a string. */
  text(input: string): string {
    let out = input;
    if (this.secrets.size > 0) {
      this.pattern ??= new RegExp(
        [...this.secrets]
          .sort((a, b) => b.length - a.length)
          .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
          .join("|"),
        "g",
      );
      out = out.replace(this.pattern, MASK);
    }
    for (const shape of SECRET_SHAPES) out = out.replace(shape, MASK);
    out = out.replace(AUTH_HEADER, (_m, scheme: string) => `${scheme} ${MASK}`);
    out = out.replace(URL_USERINFO, (_m, prefix: string) => `${prefix}:${MASK}@`);
    out = out.replace(KEY_VALUE, (m, key: string, sep: string, value: string) =>
      isSecretKey(key) && value !== MASK && !value.startsWith(MASK) ? `${key}${sep}${MASK}` : m,
    );
    return out;
  }

  /** Masks a whole value: secret-named keys lose their values, every string is passed through text(). */
  value<T>(input: T): T {
    return this.walk(input) as T;
  }

  private walk(value: unknown): unknown {
    if (typeof value === "string") return this.text(value);
    if (Array.isArray(value)) return value.map((item) => this.walk(item));
    if (value && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        out[key] = typeof item === "string" && isSecretKey(key) && item.length > 0 ? MASK : this.walk(item);
      }
      return out;
    }
    return value;
  }
}
