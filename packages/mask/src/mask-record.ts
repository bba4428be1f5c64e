import { MASK } from "./mask-string.js";
import { Redactor, type ValueOptions } from "./redactor.js";
import { isSecretFlag } from "./secret-names.js";

/** The table without learned values, for text that belongs to no call (policy messages, records). */
const TABLE = new Redactor();

/** Masks secrets in free text with the fixed rules (no learned values). */
export function maskText(text: string): string {
  return TABLE.text(text);
}

/** A deep copy with secrets masked by the fixed rules (no learned values). */
export function maskValue<T>(value: T, options: ValueOptions = {}): T {
  return TABLE.value(value, options);
}

/**
 * Masks an argv for a durable record: every environment assignment's value (`FOO=bar`, `-e FOO=bar`,
 * `--env FOO=bar`), the value after a secret-looking flag (`--password x`), and secrets in the text of
 * each word.
 */
export function maskArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  let hideNext = false;
  let envNext = false;
  for (const raw of argv) {
    const word = String(raw);
    if (hideNext) {
      hideNext = false;
      if (!word.startsWith("-")) {
        out.push(MASK);
        continue;
      }
    }
    if (envNext || /^[A-Z_][A-Z0-9_]*=/.test(word)) {
      envNext = false;
      const eq = word.indexOf("=");
      out.push(eq >= 0 ? `${word.slice(0, eq)}=${MASK}` : word);
      continue;
    }
    if (word === "-e" || word === "--env") envNext = true;
    else if (isSecretFlag(word)) hideNext = true;
    out.push(TABLE.text(word));
  }
  return out;
}
