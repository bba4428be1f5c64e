/** A permission level: a switch in `permissions` that tools require (e.g. `read`, `exec`). */
export interface LevelDefinition {
  /** The key in `permissions`; lower snake_case. */
  readonly name: string;
  /** Whether the level is on when the document does not mention it. Keep everything but reads off. */
  readonly default: boolean;
  /** One sentence for users and the JSON Schema (editors show it on hover). */
  readonly description: string;
}

/**
 * How names of a resource kind are compared with patterns.
 * - `plain`: as given.
 * - `slash-prefixed`: one leading `/` is ignored on both sides (Docker reports container names as `/web`).
 * - `image-reference`: container image references, matched as written and in their familiar short and
 *   long forms (`nginx:1.27` = `docker.io/library/nginx:1.27`); see image-reference.ts.
 */
export type NameForm = "plain" | "slash-prefixed" | "image-reference";

/** A kind of thing a tool can touch (container, unit, table...). Each kind gets a white- and a blacklist. */
export interface ResourceKindDefinition {
  /** Kind name used in requests: `{ kind: "container", names: [...] }`. */
  readonly name: string;
  /** Plural used in the list keys: `whitelist_<plural>`, `blacklist_<plural>`. */
  readonly plural: string;
  readonly description: string;
  readonly nameForm?: NameForm;
  /**
   * Kind whose blacklist also applies to a resource's `image` (Docker: a container running a blacklisted
   * image is denied). Must name another kind of the same vocabulary.
   */
  readonly imageKind?: string;
}

/**
 * What a server's policy speaks about. The engine and the JSON Schema are built from it, so another MCP
 * server (systemd, Postgres, ...) adopts the package by writing its own vocabulary.
 */
export interface Vocabulary {
  /** Short name, e.g. `docker`; part of the policy revision. */
  readonly name: string;
  /** Title of the generated JSON Schema. */
  readonly title?: string;
  readonly levels: readonly LevelDefinition[];
  readonly resourceKinds: readonly ResourceKindDefinition[];
  /**
   * Optional document sections. `execSafety` lets the document configure `exec_safety` (command checks);
   * `createSafety` lets it configure `create_safety` (container-creation checks, Docker-shaped). When a
   * section is off, its safe defaults still apply to any request that carries a command or create spec.
   * `buildSafety` lets it configure `build_safety` (which directories image builds may read); without
   * it, every request that carries a build spec is refused.
   * `composeSafety` lets it configure `compose_safety` (where compose files may lie).
   */
  readonly sections?: {
    readonly execSafety?: boolean;
    readonly createSafety?: boolean;
    readonly buildSafety?: boolean;
    readonly composeSafety?: boolean;
  };
}

const NAME = /^[a-z][a-z0-9_]*$/;

/**
 * Checks a vocabulary and returns it frozen. Mistakes here are programming errors in the adopting server,
 * so they throw a plain `Error` at startup rather than a `PolicyError`.
 */
export function defineVocabulary<V extends Vocabulary>(vocabulary: V): V {
  checkVocabulary(vocabulary);
  return deepFreeze(vocabulary);
}

/** Throws an `Error` naming every problem of a vocabulary. */
export function checkVocabulary(vocabulary: Vocabulary): void {
  const problems: string[] = [];
  const keys = new Set<string>(["exec_safety", "create_safety", "build_safety", "permissions"]);
  const take = (key: string, what: string) => {
    if (!NAME.test(key)) problems.push(`${what} "${key}" must be lower snake_case (a-z, 0-9, _).`);
    if (keys.has(key)) problems.push(`${what} "${key}" clashes with another key of the vocabulary.`);
    keys.add(key);
  };
  if (typeof vocabulary.name !== "string" || vocabulary.name === "")
    problems.push("name must be a non-empty string.");
  if (vocabulary.levels.length === 0) problems.push("at least one level is needed.");
  for (const level of vocabulary.levels) {
    take(level.name, "level");
    if (typeof level.default !== "boolean") problems.push(`level "${level.name}" needs a boolean default.`);
  }
  const kindNames = new Set<string>();
  for (const kind of vocabulary.resourceKinds) {
    if (kindNames.has(kind.name)) problems.push(`resource kind "${kind.name}" is declared twice.`);
    if (!NAME.test(kind.name)) problems.push(`resource kind "${kind.name}" must be lower snake_case.`);
    kindNames.add(kind.name);
    take(`whitelist_${kind.plural}`, "list key");
    take(`blacklist_${kind.plural}`, "list key");
  }
  for (const kind of vocabulary.resourceKinds) {
    if (kind.imageKind !== undefined && (!kindNames.has(kind.imageKind) || kind.imageKind === kind.name)) {
      problems.push(
        `resource kind "${kind.name}" has imageKind "${kind.imageKind}", which is not another kind.`,
      );
    }
  }
  if (problems.length > 0) {
    throw new Error(
      `Vocabulary "${String(vocabulary.name)}" is invalid: ${problems.join(" ")} Fix the vocabulary definition.`,
    );
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
