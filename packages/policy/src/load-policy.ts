import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import type { ErrorObject, ValidateFunction } from "ajv";
import { canonicalJson } from "./canonical-json.js";
import { compilePolicy, rememberCompiled } from "./compiled.js";
import { normalizeCapability } from "./create-check.js";
import {
  CREATE_SWITCHES,
  DEFAULT_BLOCKED_BIND_MOUNTS,
  DEFAULT_BLOCKED_COMMANDS,
  DEFAULT_MAX_OUTPUT,
  DEFAULT_TIMEOUT,
} from "./defaults.js";
import { dockerVocabulary } from "./docker-vocabulary.js";
import { parseDuration } from "./duration.js";
import { PolicyError, type PolicyIssue } from "./errors.js";
import { compileBlockedCommand } from "./exec-check.js";
import { validate as precompiledDockerValidate, SCHEMA_HASH } from "./generated/docker-policy-validator.js";
import { normalizeHostPath } from "./host-path.js";
import { generatePolicySchema, type JsonSchema } from "./schema.js";
import { AJV_OPTIONS, schemaHash } from "./schema-hash.js";
import { closest } from "./suggest.js";
import type {
  BuildSafety,
  ComposeSafety,
  CreateSafety,
  ExecSafety,
  LoadPolicyOptions,
  Policy,
  ResourceLists,
} from "./types.js";
import { checkVocabulary, type Vocabulary } from "./vocabulary.js";

interface VocabularyRuntime {
  readonly schema: JsonSchema;
  readonly validate: ValidateFunction;
  /** key -> dotted paths where it is valid, to answer "did you mean exec_safety.timeout?". */
  readonly keyIndex: ReadonlyMap<string, readonly string[]>;
}

const runtimes = new WeakMap<Vocabulary, VocabularyRuntime>();

function runtimeFor(vocabulary: Vocabulary): VocabularyRuntime {
  let runtime = runtimes.get(vocabulary);
  if (runtime !== undefined) return runtime;
  checkVocabulary(vocabulary);
  const schema = generatePolicySchema(vocabulary);
  // Compiling the schema takes ajv ~50 ms: the Docker vocabulary's is precompiled at build time, used
  // only while it is the schema of today (a test keeps it current); any other is compiled here.
  const validate =
    vocabulary === dockerVocabulary && schemaHash(schema) === SCHEMA_HASH
      ? precompiledDockerValidate
      : compileAtRunTime(schema);
  const keyIndex = new Map<string, string[]>();
  const sections = (schema["properties"] ?? {}) as Record<string, JsonSchema>;
  for (const [section, sectionSchema] of Object.entries(sections)) {
    for (const key of Object.keys((sectionSchema["properties"] ?? {}) as object)) {
      keyIndex.set(key, [...(keyIndex.get(key) ?? []), `${section}.${key}`]);
    }
  }
  runtime = { schema, validate, keyIndex };
  runtimes.set(vocabulary, runtime);
  return runtime;
}

/**
 * ajv is loaded only to compile a schema at run time (a vocabulary other than Docker's): a server that
 * validates Docker policies never loads it (~15 ms of its start), and a bundle of one may leave it out.
 */
function compileAtRunTime(schema: JsonSchema): ValidateFunction {
  let ajv: typeof import("ajv");
  try {
    ajv = createRequire(import.meta.url)("ajv") as typeof import("ajv");
  } catch (error) {
    throw new Error(
      `Compiling the policy schema "${String(schema["$id"])}" needs the ajv package, which cannot be loaded here (${(error as Error).message}). ` +
        "For the Docker vocabulary, regenerate the precompiled validator: pnpm --filter @arktechnwa/mcp-policy run validator.",
    );
  }
  return new ajv.Ajv(AJV_OPTIONS).compile(schema);
}

/**
 * Validates a policy document against the vocabulary's schema, fills in defaults, and returns a frozen
 * policy. Throws `PolicyError` listing every problem (path and what to write instead); never anything
 * else for a JSON-like document. A malformed vocabulary is a programming error and throws `Error`.
 */
export function loadPolicy(document: unknown, options: LoadPolicyOptions = {}): Policy {
  const vocabulary = options.vocabulary ?? dockerVocabulary;
  const runtime = runtimeFor(vocabulary);
  let policy: Policy;
  try {
    const doc = document === undefined ? {} : document;
    if (!runtime.validate(doc)) {
      throw new PolicyError(toIssues(runtime.validate.errors ?? [], runtime));
    }
    policy = normalize(doc as Record<string, unknown>, vocabulary, options.bypass === true);
  } catch (error) {
    if (error instanceof PolicyError) throw error;
    // Only truly odd input (a cyclic object, a throwing getter) gets here: report it, don't crash.
    throw new PolicyError([
      {
        path: "",
        message: `The policy document could not be read (${describeError(error)}); it must be plain JSON.`,
      },
    ]);
  }
  rememberCompiled(policy, compilePolicy(policy));
  return policy;
}

// ---------------------------------------------------------------------------------------------------
// Normalization

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const strings = (v: unknown, fallback: readonly string[]): string[] =>
  Array.isArray(v) ? v.map(String) : [...fallback];
/** Lists are sets: sorted and without duplicates, so order never changes a decision or the revision. */
const asSet = (items: readonly string[]): string[] => [...new Set(items)].sort();

function normalize(doc: Obj, vocabulary: Vocabulary, bypass: boolean): Policy {
  const issues: PolicyIssue[] = [];
  const permissions = obj(doc["permissions"]);

  const levels: Record<string, boolean> = {};
  for (const level of vocabulary.levels) {
    const v = permissions[level.name];
    levels[level.name] = typeof v === "boolean" ? v : level.default;
  }
  const lists: Record<string, ResourceLists> = {};
  const listDoc: Obj = {};
  for (const kind of vocabulary.resourceKinds) {
    const whitelist = asSet(strings(permissions[`whitelist_${kind.plural}`], []));
    const blacklist = asSet(strings(permissions[`blacklist_${kind.plural}`], []));
    lists[kind.name] = Object.freeze({
      whitelist: Object.freeze(whitelist),
      blacklist: Object.freeze(blacklist),
    });
    listDoc[`whitelist_${kind.plural}`] = whitelist;
    listDoc[`blacklist_${kind.plural}`] = blacklist;
  }

  const exec = obj(doc["exec_safety"]);
  const blockedCommands = asSet(strings(exec["blocked_commands"], DEFAULT_BLOCKED_COMMANDS));
  blockedCommands.forEach((text) => {
    const { problem } = compileBlockedCommand(text);
    if (problem !== undefined) {
      const index = (exec["blocked_commands"] as unknown[] | undefined)?.indexOf(text) ?? -1;
      issues.push({
        path: `exec_safety.blocked_commands${index >= 0 ? `[${index}]` : ""}`,
        message: `exec_safety.blocked_commands entry "${text}" cannot be used: ${problem}.`,
      });
    }
  });
  const allowedCommands = asSet(strings(exec["allowed_commands"], []));
  const rawTimeout = exec["timeout"] ?? DEFAULT_TIMEOUT;
  const timeoutMs = parseDuration(rawTimeout);
  if (timeoutMs === undefined || timeoutMs <= 0) {
    issues.push({
      path: "exec_safety.timeout",
      message: `exec_safety.timeout is ${JSON.stringify(rawTimeout)}; write a positive duration such as "30s", "2m" or "500ms".`,
    });
  }
  const execSafety: ExecSafety = Object.freeze({
    blockedCommands: Object.freeze(blockedCommands),
    allowedCommands: Object.freeze(allowedCommands),
    maxOutput: typeof exec["max_output"] === "number" ? exec["max_output"] : DEFAULT_MAX_OUTPUT,
    timeout: typeof rawTimeout === "number" ? `${rawTimeout}s` : String(rawTimeout).trim(),
    timeoutMs: timeoutMs ?? 0,
  });

  const create = obj(doc["create_safety"]);
  const flag = (key: string) => create[key] === true;
  const capAddRaw = create["allow_cap_add"];
  const allowCapAdd: boolean | readonly string[] = Array.isArray(capAddRaw)
    ? Object.freeze(asSet(capAddRaw.map((c) => normalizeCapability(String(c)))))
    : capAddRaw === true;
  const sysctlsRaw = create["allow_sysctls"];
  const allowSysctls: boolean | readonly string[] = Array.isArray(sysctlsRaw)
    ? Object.freeze(asSet(sysctlsRaw.map((c) => String(c).trim())))
    : sysctlsRaw === true;
  const names = (v: unknown) => Object.freeze(asSet(strings(v, []).map((n) => n.trim())));
  const paths = (v: unknown, fallback: readonly string[]) =>
    Object.freeze(asSet(strings(v, fallback).map((p) => normalizeHostPath(p) ?? p)));
  const createSafety: CreateSafety = Object.freeze({
    allowPrivileged: flag("allow_privileged"),
    allowHostNetwork: flag("allow_host_network"),
    allowHostPid: flag("allow_host_pid"),
    allowHostIpc: flag("allow_host_ipc"),
    allowHostUts: flag("allow_host_uts"),
    allowHostUserns: flag("allow_host_userns"),
    allowDevices: flag("allow_devices"),
    allowUnconfined: flag("allow_unconfined"),
    allowHostCgroupns: flag("allow_host_cgroupns"),
    allowCgroupParent: flag("allow_cgroup_parent"),
    allowDeviceRequests: flag("allow_device_requests"),
    allowCapAdd,
    allowSysctls,
    allowedRuntimes: names(create["allowed_runtimes"]),
    allowedVolumeDrivers: names(create["allowed_volume_drivers"]),
    allowedBindMounts: paths(create["allowed_bind_mounts"], []),
    blockedBindMounts: paths(create["blocked_bind_mounts"], DEFAULT_BLOCKED_BIND_MOUNTS),
  });

  const build = obj(doc["build_safety"]);
  const buildSafety: BuildSafety = Object.freeze({
    allowedContexts: paths(build["allowed_contexts"], []),
  });
  const compose = obj(doc["compose_safety"]);
  const composeSafety: ComposeSafety = Object.freeze({
    allowedDirectories: paths(compose["allowed_directories"], []),
  });

  const confirm = Object.freeze(asSet(strings(doc["confirm"], [])));

  if (issues.length > 0) throw new PolicyError(issues);

  const createDoc: Obj = {};
  for (const s of CREATE_SWITCHES) createDoc[s.key] = flag(s.key);
  createDoc["allow_cap_add"] = allowCapAdd;
  createDoc["allow_sysctls"] = allowSysctls;
  createDoc["allowed_runtimes"] = createSafety.allowedRuntimes;
  createDoc["allowed_volume_drivers"] = createSafety.allowedVolumeDrivers;
  createDoc["allowed_bind_mounts"] = createSafety.allowedBindMounts;
  createDoc["blocked_bind_mounts"] = createSafety.blockedBindMounts;

  const normalized = deepFreeze({
    permissions: { ...levels, ...listDoc },
    exec_safety: {
      blocked_commands: blockedCommands,
      allowed_commands: allowedCommands,
      max_output: execSafety.maxOutput,
      timeout: execSafety.timeout,
    },
    create_safety: createDoc,
    build_safety: { allowed_contexts: buildSafety.allowedContexts },
    compose_safety: { allowed_directories: composeSafety.allowedDirectories },
    confirm,
  });
  // The revision covers meaning, not spelling: "30s" and 30 give the same hash.
  const hashed = {
    vocabulary: vocabulary.name,
    bypass,
    document: { ...normalized, exec_safety: { ...normalized.exec_safety, timeout: execSafety.timeoutMs } },
  };
  const revision = createHash("sha256").update(canonicalJson(hashed)).digest("hex").slice(0, 12);

  return Object.freeze({
    vocabulary,
    bypass,
    revision,
    levels: Object.freeze(levels),
    lists: Object.freeze(lists),
    execSafety,
    createSafety,
    buildSafety,
    composeSafety,
    confirm,
    document: normalized,
  });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

// ---------------------------------------------------------------------------------------------------
// Turning ajv errors into sentences

function toIssues(errors: readonly ErrorObject[], runtime: VocabularyRuntime): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    // anyOf branches repeat one problem several times; the anyOf error itself says it once.
    if (e.schemaPath.includes("/anyOf/")) continue;
    const issue = toIssue(e, runtime);
    const key = `${issue.path}\u0000${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  if (issues.length === 0) issues.push({ path: "", message: "The policy document is invalid." });
  return issues;
}

function toIssue(e: ErrorObject, runtime: VocabularyRuntime): PolicyIssue {
  const path = pointerToPath(e.instancePath);
  const where = path === "" ? "The policy document" : path;
  const parent = (e.parentSchema ?? {}) as JsonSchema;
  switch (e.keyword) {
    case "additionalProperties": {
      const key = String((e.params as { additionalProperty?: unknown }).additionalProperty);
      const full = path === "" ? key : `${path}.${key}`;
      const known = Object.keys((parent["properties"] ?? {}) as object).filter((k) => k !== "$schema");
      const near = closest(key, known);
      if (near !== undefined)
        return { path: full, message: `${full} is not a known key; did you mean ${near}?` };
      const elsewhere = (runtime.keyIndex.get(key) ?? []).filter((p) => p !== full);
      if (elsewhere.length > 0) {
        return {
          path: full,
          message: `${full} is not a known key here; did you mean ${elsewhere.join(" or ")}?`,
        };
      }
      return {
        path: full,
        message: `${full} is not a known key; known keys ${path === "" ? "at the top level" : `in ${path}`} are: ${known.join(", ")}.`,
      };
    }
    case "type": {
      const expected = String((e.params as { type?: unknown }).type);
      return { path, message: `${where} must be ${article(expected)}, not ${describe(e.data)}.` };
    }
    case "anyOf":
      return {
        path,
        message: `${where} is ${describe(e.data)}; expected ${lowerFirst(String(parent["description"] ?? "another value"))}`,
      };
    case "pattern":
      return {
        path,
        message: `${where} is ${describe(e.data)}; expected ${lowerFirst(String(parent["description"] ?? `text matching ${String(parent["pattern"])}`))}`,
      };
    case "minLength":
      return { path, message: `${where} must not be empty.` };
    case "minimum":
    case "exclusiveMinimum": {
      const limit = (e.params as { limit?: unknown }).limit;
      return {
        path,
        message: `${where} is ${describe(e.data)}; it must be ${e.keyword === "minimum" ? "at least" : "more than"} ${String(limit)}.`,
      };
    }
    default:
      return { path, message: `${where} ${e.message ?? "is invalid"}.` };
  }
}

/** `/permissions/whitelist_containers/2` -> `permissions.whitelist_containers[2]`. */
function pointerToPath(pointer: string): string {
  if (pointer === "") return "";
  let out = "";
  for (const raw of pointer.slice(1).split("/")) {
    const part = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    out += /^\d+$/.test(part) ? `[${part}]` : out === "" ? part : `.${part}`;
  }
  return out;
}

function article(type: string): string {
  if (type === "object") return "an object";
  if (type === "array") return "a list";
  if (type === "integer") return "a whole number";
  return `a ${type}`;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (typeof value === "string")
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
  return `${typeof value} ${String(value)}`;
}

function lowerFirst(s: string): string {
  const t = s.charAt(0).toLowerCase() + s.slice(1);
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

function describeError(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return "unknown error";
  }
}
