import { secretValuesFromArgv, secretValuesFromEnv, worthHunting } from "./learn-secrets.js";
import { MASK } from "./mask-string.js";
import { cutMasked } from "./safe-cut.js";
import { isSecretFlag, isSecretKey } from "./secret-names.js";
import {
  AUTH_SCHEME,
  AUTH_SCHEME_HINT,
  looksLikeCredential,
  SECRET_SHAPE_HINT,
  SECRET_SHAPES,
  URL_USERINFO,
} from "./secret-shapes.js";

const ESCAPED_MASK = MASK.replace(/[[\]]/g, "\\$&");
/** A value in free text: the mask itself, a quoted string, or a run up to a separator. */
const VALUE = `(${ESCAPED_MASK}|"[^"\\n]*"|'[^'\\n]*'|[^\\s"',;&)\\]}<>\\u0000]+)`;

/**
 * `KEY=value`, `--key=value`, `key: value`, `"key": "value"`, `key = value` (an optional auth scheme
 * between separator and value stays visible). Whether the key is secret is decided in code.
 */
const KEY_VALUE = new RegExp(
  `(?<![A-Za-z0-9_.-])(-{0,2}[A-Za-z_][A-Za-z0-9_.-]*)(["']?)([ \\t]*[=:][ \\t]*)((?:[Bb]earer|Basic|Token|Digest)[ \\t]+)?${VALUE}`,
  "g",
);

/**
 * `--password VALUE` and `-api-key VALUE` in free text (an echoed command line, `ps` output, or
 * `/proc/N/cmdline` whose NUL separators became line breaks). A value starting with `-` is a flag,
 * one starting with a shell operator (`grep -e --password | tail`) is no value.
 */
const FLAG_VALUE = new RegExp(
  `(?<![A-Za-z0-9_.-])(--?[A-Za-z][A-Za-z0-9_.-]*)([ \\t\\u0000]+|[ \\t]*\\r?\\n)(?![-|&;<>])${VALUE}`,
  "g",
);

/** Every KEY_VALUE match has its separator. */
const ASSIGNMENT_HINT = /[=:]/;

/** Characters at the edge of an upstream cut that are never shown (see `capped`). */
export const EDGE_GUARD_CHARS = 256;

/** Strings remembered per Redactor (see `seen`): at most this many, each at most this long. */
const MEMO_MAX_ENTRIES = 4_096;
const MEMO_MAX_CHARS = 4_096;

/** Nesting deeper than this is masked whole: a value that deep is not worth the stack. */
const MAX_DEPTH = 64;

export interface ValueOptions {
  /**
   * Mask every value of `env`/`environment` entries, not only secret-named ones: for durable records
   * (the audit log) of what a caller asked to set.
   */
  everyEnvValue?: boolean;
  /**
   * Applied to every string before it is masked (e.g. stripping terminal escapes), in the same walk:
   * no second deep copy of the value.
   */
  clean?: (text: string) => string;
}

/**
 * The one masking table, applied to answers, errors, progress and audit records alike. A Redactor
 * serves one call: it learns the call's secret values (the target's environment and argv, values
 * under secret-named keys, URL passwords) and masks them wherever they appear, on top of the fixed
 * rules (secret-named keys and flags, well-known token shapes, URL passwords, auth headers).
 *
 * Keys are judged by name; resource names (containers, images, ...) registered with `addNames` are
 * never taken for keys, so a container called `app-secret-token` keeps what follows its name.
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  private readonly names = new Set<string>();
  private pattern: RegExp | undefined;
  private longest = 0;
  /**
   * What `text` answered for each string it saw since the secrets or names last changed: an answer
   * repeats the same strings (a state, an image, a log line already masked when it was read).
   */
  private readonly seen = new Map<string, string>();

  constructor(secrets: Iterable<string> = []) {
    this.add(secrets);
  }

  /** Registers secret values to mask wherever they appear (short or trivial values are ignored). */
  add(values: Iterable<string>): void {
    for (const value of values) {
      if (typeof value === "string" && worthHunting(value) && !this.secrets.has(value)) {
        // Also as it reads inside a JSON string (a prompt, an audit line, a serialized answer):
        // a quote, backslash or control character is escaped there, so the raw value never matches.
        for (const form of [value, JSON.stringify(value).slice(1, -1)]) {
          this.secrets.add(form);
          this.longest = Math.max(this.longest, form.length);
        }
        this.pattern = undefined;
        this.seen.clear();
      }
    }
  }

  /** Learns the secret values of KEY=VALUE environment entries. */
  addEnv(entries: Iterable<string>): void {
    this.add(secretValuesFromEnv(entries));
  }

  /** Learns the secret values of an argv (`--password VALUE`, `KEY=VALUE`, URL passwords, ...). */
  addArgv(argv: readonly string[]): void {
    this.add(secretValuesFromArgv(argv));
  }

  /** Names of resources (not keys): `name: value` after one of them is not a secret assignment. */
  addNames(names: Iterable<string>): void {
    for (const name of names)
      if (name && !this.names.has(name)) {
        this.names.add(name);
        this.seen.clear();
      }
  }

  /** The length of the longest learned secret value. */
  get longestSecret(): number {
    return this.longest;
  }

  /**
   * First pass over a value: learns secrets from its structure (environment entries, argv arrays,
   * strings under secret-named keys, URL passwords), so that `text` and `value` mask them everywhere.
   */
  learn(value: unknown, depth = 0): void {
    if (depth > MAX_DEPTH) return;
    if (typeof value === "string") {
      if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(value) || value.includes("://")) this.addEnv([value]);
      return;
    }
    if (Array.isArray(value)) {
      if (value.length > 1 && value.every((v) => typeof v === "string")) this.addArgv(value);
      for (const item of value) this.learn(item, depth + 1);
      return;
    }
    if (value && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) {
        if (typeof item === "string" && isSecretKey(key) && this.isKey(key)) this.add([item]);
        else this.learn(item, depth + 1);
      }
    }
  }

  /** Masks every known secret, secret-named assignment and flag value, and well-known secret shape. */
  text(input: string): string {
    if (input.length === 0) return input;
    const known = this.seen.get(input);
    if (known !== undefined) return known;
    const out = this.mask(input);
    if (input.length <= MEMO_MAX_CHARS) {
      if (this.seen.size >= MEMO_MAX_ENTRIES) this.seen.clear();
      this.seen.set(input, out);
    }
    return out;
  }

  private mask(input: string): string {
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
    // Each rule runs only on text that holds what every match of it needs (a shape's fixed start, a
    // scheme word, "://", "=" or ":", "-"): one quick scan clears most text of most rules.
    if (SECRET_SHAPE_HINT.test(out))
      for (const { pattern } of SECRET_SHAPES) out = out.replace(pattern, MASK);
    if (AUTH_SCHEME_HINT.test(out))
      out = out.replace(AUTH_SCHEME, (whole, scheme: string, gap: string, credential: string) =>
        looksLikeCredential(credential) ? `${scheme}${gap}${MASK}` : whole,
      );
    if (out.includes("://"))
      out = out.replace(URL_USERINFO, (_whole, prefix: string) => `${prefix}:${MASK}@`);
    if (ASSIGNMENT_HINT.test(out))
      out = out.replace(
        KEY_VALUE,
        (whole, key: string, quote: string, sep: string, scheme: string | undefined, value: string) => {
          if (value === MASK || !isSecretKey(key)) return whole;
          // `name: value` after a resource's name is that resource speaking, not a secret key.
          if (sep.includes(":") && !this.isKey(key)) return whole;
          return `${key}${quote}${sep}${scheme ?? ""}${MASK}`;
        },
      );
    if (out.includes("-"))
      out = out.replace(FLAG_VALUE, (whole, flag: string, gap: string, value: string) =>
        value !== MASK && isSecretFlag(flag) ? `${flag}${gap}${MASK}` : whole,
      );
    return out;
  }

  /**
   * A deep copy with secrets masked: values under secret-named keys, the value after a secret flag in
   * an array of words (an argv), and every string through `text`.
   */
  value<T>(input: T, options: ValueOptions = {}): T {
    return this.walk(input, options, 0) as T;
  }

  /**
   * Masks, then keeps at most `maxBytes` (UTF-8) without ending inside a mask. With `upstreamCut`,
   * the text was already cut before it got here (an output cap, a line limit): its end may hold the
   * start of a secret that no rule can recognize any more, so the last characters (at least
   * EDGE_GUARD_CHARS, at least the longest learned secret) are never shown. `droppedBytes` counts the
   * bytes of masked text left out.
   */
  capped(raw: string, maxBytes: number, upstreamCut = false): { text: string; droppedBytes: number } {
    let masked = this.text(raw);
    let dropped = 0;
    if (upstreamCut) {
      let keep = Math.max(0, masked.length - Math.max(EDGE_GUARD_CHARS, this.longest));
      if (isHighSurrogate(masked.charCodeAt(keep - 1))) keep--;
      dropped += Buffer.byteLength(masked.slice(keep), "utf8");
      masked = masked.slice(0, keep);
    }
    if (!Number.isFinite(maxBytes)) return { text: masked, droppedBytes: dropped };
    const text = cutMasked(masked, maxBytes);
    if (text !== masked) dropped += Buffer.byteLength(masked, "utf8") - Buffer.byteLength(text, "utf8");
    return { text, droppedBytes: dropped };
  }

  private isKey(key: string): boolean {
    if (this.names.size === 0) return true;
    return !this.names.has(key) && !(key.startsWith("/") && this.names.has(key.slice(1)));
  }

  private walk(value: unknown, options: ValueOptions, depth: number): unknown {
    if (depth > MAX_DEPTH) return MASK;
    if (typeof value === "string") return this.text(options.clean ? options.clean(value) : value);
    if (Array.isArray(value)) {
      const words = value.every((v) => typeof v === "string");
      if (words) {
        // Flags are judged as they will read: cleaned first, once.
        const clean = options.clean;
        const list = clean ? (value as string[]).map(clean) : (value as string[]);
        return list.map((item, i) =>
          (i > 0 && isSecretFlag(list[i - 1] as string) && !item.startsWith("-")) || depth + 1 > MAX_DEPTH
            ? MASK
            : this.text(item),
        );
      }
      return value.map((item) => this.walk(item, options, depth + 1));
    }
    if (value && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        if (options.everyEnvValue && /^(?:env|envs|environment)$/i.test(key))
          out[key] = maskEveryEnvValue(item);
        else if (isSecretKey(key) && this.isKey(key)) out[key] = this.hide(item, options, depth + 1);
        else out[key] = this.walk(item, options, depth + 1);
      }
      return out;
    }
    return value;
  }

  /** What sits under a secret-named key: strings and numbers go, structure is searched. */
  private hide(value: unknown, options: ValueOptions, depth: number): unknown {
    if (typeof value === "string") return value.length > 0 ? MASK : value;
    if (typeof value === "number" || typeof value === "bigint") return MASK;
    if (Array.isArray(value)) return value.map((item) => this.hide(item, options, depth + 1));
    if (value && typeof value === "object") return this.walk(value, options, depth);
    return value;
  }
}

function maskEveryEnvValue(env: unknown): unknown {
  if (Array.isArray(env)) {
    return env.map((entry) => {
      const s = String(entry);
      const eq = s.indexOf("=");
      return eq >= 0 ? `${s.slice(0, eq)}=${MASK}` : MASK;
    });
  }
  if (env !== null && typeof env === "object")
    return Object.fromEntries(Object.keys(env).map((k) => [k, MASK]));
  return MASK;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
