import { MASK } from "./mask-string.js";
import { isSecretFlag, isSecretKey } from "./secret-names.js";
import { URL_USERINFO } from "./secret-shapes.js";

/** Values shorter than this are not hunted elsewhere (masking "1" everywhere helps no one). */
export const MIN_SECRET_LENGTH = 4;

/** Values that follow a secret-looking name but are settings, not secrets. */
const NOT_A_SECRET = /^(?:true|false|yes|no|on|off|none|null|nil|enabled|disabled|required|optional)$/i;

/** Whether a learned value is worth hunting in the rest of an answer. */
export function worthHunting(value: string): boolean {
  return value.length >= MIN_SECRET_LENGTH && value !== MASK && !NOT_A_SECRET.test(value);
}

/** URL_USERINFO for matchAll, made once (a copy: its lastIndex is not shared with the masking). */
const URL_PASSWORD = new RegExp(URL_USERINFO.source, "gi");

function urlPasswords(text: string): string[] {
  // Every match holds "://": most words do not.
  if (!text.includes("://")) return [];
  return [...text.matchAll(URL_PASSWORD)].flatMap((m) => (m[2] ? [m[2]] : []));
}

/**
 * The values worth hiding in KEY=VALUE environment entries: those of secret-named keys, and
 * passwords inside URLs (`postgres://user:pass@db`) whatever the key.
 */
export function secretValuesFromEnv(entries: Iterable<string>): string[] {
  const values: string[] = [];
  for (const entry of entries) {
    const eq = entry.indexOf("=");
    if (eq > 0 && isSecretKey(entry.slice(0, eq))) values.push(entry.slice(eq + 1));
    values.push(...urlPasswords(entry));
  }
  return values.filter(worthHunting);
}

/** MySQL and MariaDB clients take the password glued to `-p` (`mysqladmin ping -pS3cret`). */
const GLUED_P_PROGRAMS =
  /^(?:mysql|mysqladmin|mysqldump|mysqlcheck|mysqlimport|mysqlshow|mysqlpump|mysqlslap|mariadb|mariadb-admin|mariadb-dump|mariadb-check|mariadb-import|mariadb-show)$/;

/** How deep `sh -c "..."` payloads inside payloads are searched. */
const MAX_NESTING = 3;

/**
 * The secret values in an argv: `--password VALUE` and `-api-key VALUE` (a flag whose name looks
 * secret, then its value as the next word), `--password=VALUE`, `KEY=VALUE` and `-e KEY=VALUE`
 * environment assignments, URL passwords, and `mysql -pVALUE`. A word holding a whole script
 * (`sh -c "app --token x"`) is split into words and searched too.
 */
export function secretValuesFromArgv(argv: readonly string[], depth = 0): string[] {
  const values: string[] = [];
  // Once a MySQL client is named (`mysqladmin`, or `cd /x && mysql` in a script), `-pVALUE` is a password.
  let gluedP = false;
  for (let i = 0; i < argv.length; i++) {
    const word = String(argv[i]);
    const next = argv[i + 1];
    if (GLUED_P_PROGRAMS.test(word.split("/").pop() ?? "")) gluedP = true;
    if (isSecretFlag(word)) {
      if (next !== undefined && !next.startsWith("-")) values.push(next);
      continue;
    }
    const eq = word.indexOf("=");
    if (eq > 0 && isSecretKey(word.slice(0, eq))) values.push(unquote(word.slice(eq + 1)));
    if (gluedP && /^-p.+/.test(word)) values.push(word.slice(2));
    values.push(...urlPasswords(word));
    if (depth < MAX_NESTING && /\s/.test(word.trim())) {
      values.push(...secretValuesFromArgv(splitWords(word), depth + 1));
    }
  }
  return [...new Set(values)].filter(worthHunting);
}

function unquote(value: string): string {
  const m = /^(["'])(.*)\1$/s.exec(value);
  return m ? (m[2] as string) : value;
}

/**
 * Words of a script, quotes removed; not a shell parser: it only needs to find `--flag value` pairs,
 * and splitting too much or too little only changes which words are learned, never what is shown.
 */
function splitWords(script: string): string[] {
  const words: string[] = [];
  for (const m of script.matchAll(/"([^"]*)"|'([^']*)'|([^\s;&|()<>]+)/g)) {
    words.push(m[1] ?? m[2] ?? m[3] ?? "");
  }
  return words;
}
