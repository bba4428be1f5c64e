/**
 * Words that make a name secret wherever they appear in it. Names are normalized first (camelCase and
 * `-`/`.` become `_`, upper case), so `apiKey`, `--api-key`, `API_KEY` and `x-api-key` are one name.
 * `AUTH` counts, but not `AUTHOR` or `AUTHORITY` (AUTHORIZATION does).
 */
const SECRET_WORDS =
  /PASSWORD|PASSWD|PASSPHRASE|(?:^|_)PASS(?:_|$)|PASS$|SECRET|TOKEN|CREDENTIAL|PRIVATE|API_?KEY|ACCESS_?KEY|_KEY$|^AWS_|AUTH(?!OR(?!I[ZS]))|COOKIE|SESSION|SALT|DSN|CONN(?:ECTION)?_?STRING|DATABASE_URL/;

/**
 * A last word that says the value describes a secret rather than being one: `PASSWORD_FILE` holds a
 * path, `TOKEN_TTL` a duration, `--auth-port` a port. Such values are not hunted everywhere.
 */
const DESCRIBES_A_SECRET =
  /_(?:FILE|FILES|PATH|DIR|DIRECTORY|FOLDER|PORT|HOST|HOSTNAME|ADDR|ADDRESS|TTL|TIMEOUT|EXPIRY|EXPIRES|EXPIRE|EXPIRATION|LIFETIME|AGE|LENGTH|LEN|SIZE|MODE|TYPE|KIND|METHOD|MECHANISM|ENABLED|DISABLED|ENABLE|DISABLE|REQUIRED|ALGORITHM|ALG|HEADER|NAME|DATABASE|DB|SOURCE|PROVIDER|PLUGIN|USER|USERNAME|ENDPOINT|ISSUER|AUDIENCE|REALM|SCOPE|SCOPES|COUNT|LIMIT|INTERVAL|RETRIES|VERSION|FORMAT|BACKEND|DRIVER|STORE)$/;

/** `--db-password`, `apiKey`, `X-Auth-Token` -> `DB_PASSWORD`, `API_KEY`, `X_AUTH_TOKEN`. */
export function normalizeName(name: string): string {
  return name
    .replace(/^[-_]+/, "")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[-.\s]+/g, "_")
    .toUpperCase();
}

/**
 * Whether a name (an environment key, a flag without its dashes, an object or header key) holds a
 * secret value. This judges keys only: resource names (a container called `app-secret-token`) are
 * never passed here as keys.
 */
export function isSecretKey(name: string): boolean {
  let known = judged.get(name);
  if (known === undefined) {
    const normal = normalizeName(name);
    known = normal !== "" && SECRET_WORDS.test(normal) && !DESCRIBES_A_SECRET.test(normal);
    // The same keys come back in every answer (Id, Names, Env, ...): judged once, within a bound.
    if (judged.size >= MAX_JUDGED) judged.clear();
    judged.set(name, known);
  }
  return known;
}

const MAX_JUDGED = 10_000;
const judged = new Map<string, boolean>();

/** `--password`, `-api-key`, `--requirepass`: a flag word (no `=`) whose value is the next word. */
export function isSecretFlag(word: string): boolean {
  return /^--?[A-Za-z][A-Za-z0-9_.-]*$/.test(word) && isSecretKey(word);
}
