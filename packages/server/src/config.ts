import { accessSync, constants, existsSync, readdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { EXEC_KILL_BUDGET_MS } from "@arktechnwa/docker-mcp-engine";
import {
  closest,
  DEFAULT_BLOCKED_BIND_MOUNTS,
  loadPolicy,
  type Policy,
  PolicyError,
} from "@arktechnwa/mcp-policy";
import { z } from "zod";
import { SERVER_SECTION_NAMES, type ServerSections, serverSections } from "./server-config.js";
import { TIMEOUT_CLASS_NAMES, TIMEOUT_CLASSES, type TimeoutClassName } from "./timeout-classes.js";

export const MODULE_NAME = "docker-mcp";

export interface ConfigIssue {
  path: string;
  message: string;
}

/** A config that cannot be used: names the file and every problem in it. */
export class ConfigError extends Error {
  readonly file: string | undefined;
  readonly issues: ConfigIssue[];
  constructor(file: string | undefined, issues: ConfigIssue[]) {
    const where = file ?? "the configuration";
    super(
      `${where} is invalid:\n${issues.map((i) => `  - ${i.path ? `${i.path}: ` : ""}${i.message}`).join("\n")}\n` +
        "Fix it and start docker-mcp again (docker-mcp --help describes every key).",
    );
    this.name = "ConfigError";
    this.file = file;
    this.issues = issues;
  }
}

export interface ResolvedConfig {
  /** The file the config came from; undefined when none was found (defaults apply). */
  source: string | undefined;
  /** The base policy (the only one without named hosts). */
  policy: Policy;
  docker: DockerSection;
  /**
   * Named hosts from `hosts`, the default first, each with its policy (the base with its overrides
   * merged). Empty without `hosts`: one host from `docker` and the environment.
   */
  hosts: ResolvedHost[];
  /** Total deadline per timeout class (every class the server defines), in milliseconds. */
  timeouts: Record<TimeoutClassName, number>;
  breaker: BreakerConfig | false;
  fallback: {
    enabled: boolean;
    model: string;
    apiKeyEnv: string;
    baseUrl?: string;
    maxLogLines: number;
    maxTokens: number;
    timeoutMs: number;
  };
  audit: { enabled: boolean; file?: string };
  showAllTools: boolean;
}

export interface ResolvedHost {
  name: string;
  socket?: string;
  host?: string;
  context?: string;
  tls?: DockerSection["tls"];
  apiVersion?: string;
  sshCommand?: string;
  policy: Policy;
  /** Its policy overrides as written (for messages and `policy explain`). */
  overrides?: Record<string, unknown>;
}

/** docker.* with `host: null` (the design document's "use the socket") dropped. */
export type DockerSection = Omit<NonNullable<ServerSections["docker"]>, "host"> & { host?: string };

export interface BreakerConfig {
  /** Daemon failures within windowMs that open the circuit. */
  failureThreshold: number;
  windowMs: number;
  /** How long it stays open unless the probe finds the daemon back first. */
  cooldownMs: number;
  /** While open, the daemon is pinged this often; an answer closes the circuit. */
  probeIntervalMs: number;
}

/** The design document's numbers: 3 failures in 60 s open the circuit for 5 minutes. */
export const DEFAULT_BREAKER: BreakerConfig = {
  failureThreshold: 3,
  windowMs: 60_000,
  cooldownMs: 300_000,
  probeIntervalMs: 5_000,
};

export interface LoadConfigOptions {
  /** --config PATH */
  configPath?: string;
  bypass?: boolean;
  cwd?: string;
  home?: string;
}

/** Finds the config (--config, ~/.config/docker-mcp/config.json, then the usual places) and validates it whole. */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<ResolvedConfig> {
  let source: string | undefined;
  let document: unknown = {};
  const userFile = join(options.home ?? homedir(), ".config", MODULE_NAME, "config.json");
  const cwd = options.cwd ?? process.cwd();
  // With no file to read, the defaults apply without loading cosmiconfig and its YAML parsers at all.
  if (!options.configPath && !existsSync(userFile) && !mayHoldConfig(cwd) && !mayHoldConfig(process.cwd())) {
    return resolveConfig(document, source, options.bypass ?? false);
  }
  try {
    // cosmiconfig is CommonJS: its exports are the default export's properties, in Node and in the bundle.
    const { cosmiconfig } = (await import("cosmiconfig")).default;
    const explorer = cosmiconfig(MODULE_NAME, { searchStrategy: "none" });
    const found = options.configPath
      ? await explorer.load(resolve(options.cwd ?? process.cwd(), options.configPath))
      : existsSync(userFile)
        ? await explorer.load(userFile)
        : await explorer.search(options.cwd ?? process.cwd());
    if (found) {
      source = found.filepath;
      document = found.isEmpty ? {} : found.config;
    }
  } catch (error) {
    const file = options.configPath ?? userFile;
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === "ENOENT"
        ? `the file does not exist (check the path given to --config)`
        : `could not be read or parsed: ${(error as Error).message}`;
    throw new ConfigError(file, [{ path: "", message }]);
  }
  return resolveConfig(document, source, options.bypass ?? false);
}

/**
 * Whether cosmiconfig could find anything in `dir`: a file it searches for docker-mcp, or one it reads
 * its own options from (package.json, package.yaml, .config/). Errs on the side of yes.
 */
function mayHoldConfig(dir: string): boolean {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return true;
  }
  return names.some(
    (name) =>
      name === "package.json" ||
      name === "package.yaml" ||
      name === ".config" ||
      name.startsWith(`.${MODULE_NAME}rc`) ||
      name.startsWith(`${MODULE_NAME}.config.`),
  );
}

/** Validates a config document (already parsed) and turns it into what the server runs with. */
export function resolveConfig(
  document: unknown,
  source: string | undefined,
  bypass: boolean,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedConfig {
  if (document === null || typeof document !== "object" || Array.isArray(document)) {
    throw new ConfigError(source, [{ path: "", message: "the configuration must be a JSON object" }]);
  }
  const issues: ConfigIssue[] = [];
  const serverPart: Record<string, unknown> = {};
  const policyPart: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(document)) {
    if (key === "$schema") continue;
    if (SERVER_SECTION_NAMES.includes(key)) serverPart[key] = value;
    else policyPart[key] = value;
  }

  const parsed = z.strictObject(serverSections).safeParse(serverPart);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) issues.push(...zodIssueToConfigIssues(issue));
  }
  const docker: DockerSection = parsed.success ? relativeTo(source, parsed.data.docker ?? {}) : {};
  issues.push(...unreadableTlsFiles(docker));
  if (parsed.success) issues.push(...conflictingTimeouts(parsed.data.neverhang));

  let policy: Policy | undefined;
  try {
    policy = loadPolicy(withOwnSocketBlocked(policyPart, socketPathOf(docker, env)), { bypass });
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    for (const issue of error.issues) {
      // An unknown top-level key may be a misspelt server section: the policy cannot know those names.
      const topLevel = issue.path !== "" && !/[.[]/.test(issue.path);
      const guess = topLevel ? closest(issue.path, SERVER_SECTION_NAMES) : undefined;
      issues.push(
        guess
          ? { path: issue.path, message: `${issue.path} is not a known key; did you mean ${guess}?` }
          : issue,
      );
    }
  }
  const hosts: ResolvedHost[] = [];
  if (parsed.success && parsed.data.hosts) {
    const entries = Object.entries(parsed.data.hosts);
    const defaults = entries.filter(([, h]) => h.default === true).map(([name]) => name);
    if (defaults.length > 1) {
      issues.push({
        path: "hosts",
        message: `only one host may be the default; ${defaults.join(" and ")} both say default: true`,
      });
    }
    // The default host first: calls without a host go there.
    entries.sort(([a], [b]) => Number(b === defaults[0]) - Number(a === defaults[0]));
    for (const [name, entry] of entries) {
      const where = relativeTo(source, {
        ...(entry.socket ? { socket: entry.socket } : {}),
        ...(entry.tls ? { tls: entry.tls } : {}),
      });
      issues.push(...unreadableTlsFiles(where, `hosts.${name}.tls`));
      const socket =
        where.socket ?? (entry.host?.startsWith("unix://") ? entry.host.slice("unix://".length) : undefined);
      let hostPolicy: Policy | undefined;
      try {
        hostPolicy = loadPolicy(withOwnSocketBlocked(mergePolicy(policyPart, entry.policy ?? {}), socket), {
          bypass,
        });
      } catch (error) {
        if (!(error instanceof PolicyError)) throw error;
        for (const issue of error.issues) {
          issues.push({
            path: `hosts.${name}.policy${issue.path ? `.${issue.path}` : ""}`,
            message: issue.message,
          });
        }
      }
      if (!hostPolicy) continue;
      hosts.push({
        name,
        ...(where.socket ? { socket: where.socket } : {}),
        ...(entry.host ? { host: entry.host } : {}),
        ...(entry.context ? { context: entry.context } : {}),
        ...(where.tls ? { tls: where.tls } : {}),
        ...(entry.api_version ? { apiVersion: entry.api_version } : {}),
        ...(entry.ssh_command ? { sshCommand: entry.ssh_command } : {}),
        policy: hostPolicy,
        ...(entry.policy ? { overrides: entry.policy } : {}),
      });
    }
    if (entries.length === 0)
      issues.push({ path: "hosts", message: "name at least one host, or leave hosts out" });
  }
  if (issues.length > 0 || !policy || !parsed.success) throw new ConfigError(source, issues);

  const sections = parsed.data;
  const neverhang = sections.neverhang ?? {};
  const configured = (name: TimeoutClassName) =>
    durationMs(neverhang.timeouts?.[name] ?? neverhang[`${name}_timeout`]);
  const timeouts: ResolvedConfig["timeouts"] = { ...TIMEOUT_CLASSES };
  for (const name of TIMEOUT_CLASS_NAMES) {
    const value = configured(name);
    if (value !== undefined) timeouts[name] = value;
  }
  // The exec call must outlive the command's own timeout long enough to kill it and confirm it is gone.
  timeouts.exec = Math.max(timeouts.exec, policy.execSafety.timeoutMs + EXEC_KILL_BUDGET_MS);
  const breaker = neverhang.circuit_breaker;
  const fallback = sections.fallback ?? {};
  return {
    source,
    policy,
    docker,
    hosts,
    timeouts,
    breaker:
      breaker?.enabled === false
        ? false
        : {
            failureThreshold: breaker?.failures ?? DEFAULT_BREAKER.failureThreshold,
            windowMs: durationMs(breaker?.window) ?? DEFAULT_BREAKER.windowMs,
            cooldownMs: durationMs(breaker?.cooldown) ?? DEFAULT_BREAKER.cooldownMs,
            probeIntervalMs: durationMs(breaker?.probe_interval) ?? DEFAULT_BREAKER.probeIntervalMs,
          },
    fallback: {
      enabled: fallback.enabled ?? false,
      model: fallback.model ?? "claude-haiku-4-5",
      apiKeyEnv: fallback.api_key_env ?? "DOCKER_MCP_FALLBACK_KEY",
      ...(fallback.base_url ? { baseUrl: fallback.base_url } : {}),
      maxLogLines: fallback.max_log_lines ?? 200,
      maxTokens: fallback.max_tokens ?? 500,
      timeoutMs: durationMs(fallback.timeout) ?? 20_000,
    },
    audit: {
      enabled: sections.audit?.enabled ?? true,
      ...(sections.audit?.file ? { file: fromConfigDir(source, sections.audit.file) } : {}),
    },
    showAllTools: sections.tools?.show_all ?? false,
  };
}

/** Paths in a config file are relative to that file, not to wherever the MCP client started us. */
function fromConfigDir(source: string | undefined, path: string): string {
  return source ? resolve(dirname(source), path) : path;
}

function relativeTo(
  source: string | undefined,
  docker: NonNullable<ServerSections["docker"]>,
): DockerSection {
  const { host, tls, ...rest } = docker;
  return {
    ...rest,
    ...(host ? { host } : {}),
    ...(docker.socket ? { socket: fromConfigDir(source, docker.socket) } : {}),
    ...(tls
      ? {
          tls: {
            ...tls,
            ...(tls.ca ? { ca: fromConfigDir(source, tls.ca) } : {}),
            ...(tls.cert ? { cert: fromConfigDir(source, tls.cert) } : {}),
            ...(tls.key ? { key: fromConfigDir(source, tls.key) } : {}),
          },
        }
      : {}),
  };
}

/** A duration from the config in milliseconds: numbers are milliseconds, strings carry their unit. */
export function durationMs(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number") return Math.round(value);
  const UNIT: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const match of value.matchAll(/(\d+(?:\.\d+)?)\s*(ms|s|m|h)/g)) {
    total += Number(match[1]) * (UNIT[match[2] as string] ?? 1000);
  }
  return Math.round(total);
}

/** A TLS file that is missing stops the start with its name, not a handshake error on the first call. */
function unreadableTlsFiles(docker: DockerSection, at = "docker.tls"): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const key of ["ca", "cert", "key"] as const) {
    const file = docker.tls?.[key];
    if (!file) continue;
    const path = `${at}.${key}`;
    try {
      if (!statSync(file).isFile()) {
        issues.push({ path, message: `${file} is not a file; give the path of the PEM file` });
        continue;
      }
      accessSync(file, constants.R_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      issues.push({
        path,
        message:
          code === "ENOENT"
            ? `${file} does not exist; give the path of the PEM file (relative paths are relative to the config file)`
            : `${file} cannot be read (${code ?? (error as Error).message}); check its permissions`,
      });
    }
  }
  return issues;
}

/** The same class set twice (neverhang.timeouts.read and neverhang.read_timeout) to different values. */
function conflictingTimeouts(neverhang: ServerSections["neverhang"]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const name of TIMEOUT_CLASS_NAMES) {
    const nested = durationMs(neverhang?.timeouts?.[name]);
    const flat = durationMs(neverhang?.[`${name}_timeout`]);
    if (nested !== undefined && flat !== undefined && nested !== flat) {
      issues.push({
        path: `neverhang.${name}_timeout`,
        message: `neverhang.${name}_timeout (${flat} ms) and neverhang.timeouts.${name} (${nested} ms) disagree; keep one of them`,
      });
    }
  }
  return issues;
}

/**
 * A host's policy: its overrides merged onto the base document, objects key by key, anything else
 * (lists, values) replaced, so `blacklist_containers` on a host is that host's whole list.
 */
export function mergePolicy(base: unknown, overrides: unknown): Record<string, unknown> {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isObject(base)) return isObject(overrides) ? { ...overrides } : {};
  const merged: Record<string, unknown> = { ...base };
  if (!isObject(overrides)) return merged;
  for (const [key, value] of Object.entries(overrides)) {
    merged[key] = isObject(value) && isObject(base[key]) ? mergePolicy(base[key], value) : value;
  }
  return merged;
}

/** The unix socket the engine will use (docker.socket, a unix:// host, DOCKER_HOST, or the default). */
function socketPathOf(docker: DockerSection, env: NodeJS.ProcessEnv): string | undefined {
  if (docker.socket) return docker.socket;
  const host = docker.host ?? env.DOCKER_HOST;
  if (host) return host.startsWith("unix://") ? host.slice("unix://".length) : undefined;
  return undefined;
}

/**
 * A bind of the daemon's socket hands the host to the new container. The defaults block the usual
 * socket paths; a socket elsewhere (rootless Docker, a custom path) is added to them, unless the
 * user wrote create_safety.blocked_bind_mounts themselves.
 */
function withOwnSocketBlocked(
  policyPart: Record<string, unknown>,
  socket: string | undefined,
): Record<string, unknown> {
  if (!socket || DEFAULT_BLOCKED_BIND_MOUNTS.includes(socket)) return policyPart;
  const safety = policyPart.create_safety;
  if (safety !== undefined && (typeof safety !== "object" || safety === null || Array.isArray(safety)))
    return policyPart;
  if (safety && "blocked_bind_mounts" in safety) return policyPart;
  return {
    ...policyPart,
    create_safety: { ...(safety ?? {}), blocked_bind_mounts: [...DEFAULT_BLOCKED_BIND_MOUNTS, socket] },
  };
}

function zodIssueToConfigIssues(issue: z.core.$ZodIssue): ConfigIssue[] {
  const base = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    const known = knownKeysAt(issue.path.map(String));
    return issue.keys.map((key) => {
      const path = base ? `${base}.${key}` : key;
      const guess = closest(key, known);
      return {
        path,
        message: `${path} is not a known key${guess ? `; did you mean ${guess}?` : known.length ? ` (known: ${known.join(", ")})` : ""}`,
      };
    });
  }
  if (issue.code === "invalid_key") {
    const key = String(issue.path.at(-1) ?? "");
    return [
      {
        path: base,
        message: `"${key}" is not a valid host name: use letters, digits, _ . and - (at most 64)`,
      },
    ];
  }
  return [{ path: base, message: issue.message }];
}

/** The keys the server sections accept at a path, for "did you mean" suggestions. */
function knownKeysAt(path: string[]): string[] {
  let schema: unknown = z.strictObject(serverSections);
  for (const segment of path) {
    const shape = objectShape(schema);
    schema = shape?.[segment];
  }
  return Object.keys(objectShape(schema) ?? {});
}

function objectShape(schema: unknown): Record<string, unknown> | undefined {
  let current = schema as { unwrap?: () => unknown; shape?: Record<string, unknown> } | undefined;
  while (current && !current.shape && typeof current.unwrap === "function")
    current = current.unwrap() as typeof current;
  return current?.shape;
}
