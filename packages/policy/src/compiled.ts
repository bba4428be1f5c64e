import { type CommandShape, type CompiledExec, compileBlockedCommand } from "./exec-check.js";
import { normalizeHostPath } from "./host-path.js";
import { imageForms, normalizeImagePattern } from "./image-reference.js";
import { PatternSet } from "./pattern.js";
import type { Policy } from "./types.js";
import type { ResourceKindDefinition } from "./vocabulary.js";

/** Per-kind matching machinery. */
export interface CompiledKind {
  readonly def: ResourceKindDefinition;
  readonly whitelist: PatternSet;
  readonly blacklist: PatternSet;
  /** The forms of a name that patterns are compared with. */
  readonly forms: (name: string) => readonly string[];
}

/** Everything decide() needs, precomputed once per policy so that a decision is a few lookups. */
export interface CompiledPolicy {
  readonly levelNames: ReadonlySet<string>;
  readonly kinds: ReadonlyMap<string, CompiledKind>;
  readonly exec: CompiledExec;
}

const compiledPolicies = new WeakMap<Policy, CompiledPolicy>();

const stripSlash = (s: string) => (s.startsWith("/") ? s.slice(1) : s);
const single = (s: string) => [s];
const slashForms = (s: string) => [stripSlash(s)];

/**
 * Returns the compiled form of a policy. loadPolicy fills the cache; a policy built some other way
 * (a test double, a structured clone) is compiled on first use, so decide() still works on it.
 */
export function compiledFor(policy: Policy): CompiledPolicy {
  let compiled = compiledPolicies.get(policy);
  if (compiled === undefined) {
    compiled = compilePolicy(policy);
    compiledPolicies.set(policy, compiled);
  }
  return compiled;
}

export function compilePolicy(policy: Policy): CompiledPolicy {
  const kinds = new Map<string, CompiledKind>();
  for (const def of policy.vocabulary.resourceKinds) {
    const lists = policy.lists[def.name] ?? { whitelist: [], blacklist: [] };
    const form = def.nameForm ?? "plain";
    const normalize =
      form === "slash-prefixed"
        ? stripSlash
        : form === "image-reference"
          ? normalizeImagePattern
          : (s: string) => s;
    const forms = form === "image-reference" ? imageForms : form === "slash-prefixed" ? slashForms : single;
    kinds.set(def.name, {
      def,
      whitelist: new PatternSet(lists.whitelist, normalize),
      blacklist: new PatternSet(lists.blacklist, normalize),
      forms,
    });
  }
  const blocked: { text: string; shape: CommandShape }[] = [];
  for (const text of policy.execSafety.blockedCommands) {
    const { shape } = compileBlockedCommand(text);
    if (shape !== undefined) blocked.push({ text, shape });
  }
  return {
    levelNames: new Set(policy.vocabulary.levels.map((l) => l.name)),
    kinds,
    exec: {
      blocked,
      allowed: new PatternSet(policy.execSafety.allowedCommands.map(programName)),
      // An entry written as a path allows that file wherever it lies (`/opt/app/bin/tool`).
      allowedPaths: new Set(
        policy.execSafety.allowedCommands.flatMap((e) =>
          e.includes("/") ? [normalizeHostPath(e) ?? e] : [],
        ),
      ),
    },
  };
}

/** `allowed_commands` entries are program names; a path is reduced to its basename. */
export function programName(entry: string): string {
  const slash = entry.lastIndexOf("/");
  return slash >= 0 && slash < entry.length - 1 ? entry.slice(slash + 1) : entry;
}

export function rememberCompiled(policy: Policy, compiled: CompiledPolicy): void {
  compiledPolicies.set(policy, compiled);
}
