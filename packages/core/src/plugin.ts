import type { BuildRequest, CreateRequest } from "@arktechnwa/mcp-policy";
import type { z } from "zod";
import type { CallModel } from "./model.js";

/** Bumped when the plugin contract changes incompatibly; the kernel refuses other versions. */
export const KERNEL_API_VERSION = 1;

/** What a tool does to the world; the MCP annotations are derived from it, never hand-written. */
export type Effect = "read" | "write" | "destructive";

// biome-ignore lint/suspicious/noExplicitAny: schemas of any shape are accepted here
export type AnyObjectSchema = z.ZodObject<any>;

/** A resource a call targets, as the caller named it (before resolution). */
export interface TargetRef {
  kind: string;
  ref: string;
  /**
   * false: the resource does not exist yet (e.g. the name of a container about to be created), so the
   * policy decides on the name as given instead of a resolved identity. Only kinds the tool declares
   * in `bareKinds` may be bare; anything else is resolved or the call fails.
   */
  resolve?: boolean;
  /** With resolve false: the image the new resource will run. */
  image?: string;
  /**
   * The resource is mounted into a new container (a named volume): it is resolved when it exists, and
   * judged as a bare name when it does not (so its kind must be in both `targetKinds` and `bareKinds`);
   * what its resolver says mounting it asks (`ResolvedResource.createFacts`: a volume that is a bind of
   * a host path) is judged with the call's own create facts, by `create_safety`.
   */
  mounted?: boolean;
}

/** A resource after resolution: what the policy decides on and what handlers act on. */
export interface ResolvedResource {
  kind: string;
  /** The reference the caller gave (set by the kernel). */
  ref?: string;
  /** The full, unambiguous identifier handlers must use (e.g. a 64-hex container ID). */
  id?: string;
  names: string[];
  /** For containers: the image as the container names it. */
  image?: string;
  /**
   * For containers: every name of the image it runs (all tags, digests and its ID). An image is all
   * its names: the image blacklist denies the container when any matches.
   */
  images?: string[];
  /** Resources this one belongs to (a container's compose project): denied if any of them is. */
  related?: { kind: string; names: string[] }[];
  /**
   * What mounting this resource into a new container asks of `create_safety` (a volume whose record
   * binds /etc is a bind of /etc); judged only for targets the tool marks `mounted`.
   */
  createFacts?: CreateFacts;
  /** Secret values belonging to this resource (e.g. from its environment), masked in every answer. */
  secrets?: string[];
  /** Whatever else the resolver knows, for the handler (e.g. the engine's container identity). */
  data?: unknown;
}

/**
 * Turns a reference into one resource or throws an error that says why (not found, ambiguous). A
 * resolver that cannot find the target throws (code not_found or NOT_FOUND): it never makes up a
 * resource from the reference as typed.
 */
export type ResourceResolver = (
  ref: string,
  signal: AbortSignal,
  options?: ResolveOptions,
) => Promise<ResolvedResource>;

/** How a target may be resolved. */
export interface ResolveOptions {
  /**
   * The tool only reads (its effect is "read"): the resolver may answer from what it keeps current
   * (never wider than a live lookup would be). For a tool that acts this is false: ask the system now.
   */
  cached: boolean;
}

/** Facts the policy needs about a creation request (privileged, host namespaces, bind mounts, ...). */
export type CreateFacts = CreateRequest;

/** Facts the policy needs about an image build: its context directory (absolute, symlinks resolved). */
export type BuildFacts = BuildRequest;

export interface ToolManifest<
  I extends AnyObjectSchema = AnyObjectSchema,
  O extends AnyObjectSchema = AnyObjectSchema,
> {
  /** `^[A-Za-z0-9_.-]{1,64}$`, conventionally prefixed by the system (e.g. `docker_*`). */
  name: string;
  title: string;
  description: string;
  /** Every level must be on in the policy. */
  levels: string[];
  /**
   * Which deadline the tool runs under: a class the server defines (e.g. read, lifecycle, exec,
   * compose, pull, build), each configurable. A class the server does not define fails the load.
   */
  timeoutClass: string;
  /**
   * A second class for inputs that keep reading on purpose for a while (logs with follow, a stats
   * stream): when `when(input)` is true the call runs under `timeoutClass` here instead. The class
   * must exist, like the main one; its deadline is also the most a follow may last.
   */
  streaming?: { timeoutClass: string; when: (input: z.output<I>) => boolean };
  /**
   * The tool reports on the target system's health itself: it runs while the circuit breaker is open
   * (a health check refused by the breaker would say nothing), and its outcome never counts for or
   * against the breaker.
   */
  healthCheck?: boolean;
  effect: Effect;
  /** Calling twice with the same input leaves the world as calling once. */
  idempotent?: boolean;
  /** The tool reaches beyond the system it manages (e.g. a registry). */
  openWorld?: boolean;
  input: I;
  output: O;
  /** The resources the call targets; each is resolved, then decided on, before the handler runs. */
  targets?: (input: z.output<I>) => TargetRef[];
  /**
   * Every kind `targets` returns for resolution. Each needs exactly one resolver among the loaded
   * plugins, or the plugin does not load. Required (possibly empty) when `targets` is set.
   */
  targetKinds?: readonly string[];
  /**
   * Kinds `targets` may return with `resolve: false`: names of resources about to be created,
   * judged on the name as given. No other target skips resolution.
   */
  bareKinds?: readonly string[];
  /**
   * "all": any target denied or unresolvable denies the whole call (default).
   * "each": targets are decided one by one; the handler acts on the allowed ones and reports the rest.
   */
  targetMode?: "all" | "each";
  /** The argv an exec-like tool will run (checked against the policy's exec rules). */
  command?: (input: z.output<I>) => string[] | undefined;
  /** The directory that command starts in, when the caller chose one (relative redirects land there). */
  workdir?: (input: z.output<I>) => string | undefined;
  /** Facts for the policy's creation rules. */
  create?: (input: z.output<I>) => CreateFacts | undefined;
  /**
   * Facts for the policy's build rules. May throw a ToolError (e.g. the context does not exist); the
   * call then fails with it before anything is resolved or sent.
   */
  build?: (input: z.output<I>) => BuildFacts | undefined;
  /**
   * For a listing tool: the output field that holds its rows (an array of objects). With several hosts
   * the tool then also takes `host: "*"`: the kernel calls every host (each under its own policy,
   * breaker and deadline, concurrently) and answers with every host's rows, each tagged with its
   * `host`, and one entry per host in `hosts` (that host's other fields, or why it did not answer).
   */
  listRows?: string;
  /** A short text rendering of the output for the model. */
  render: (output: z.output<O>) => string;
  /**
   * Output fields the text carries and the structured content leaves out (checked and masked like
   * the rest, given to `render`, then dropped), so a bulky field (a log's lines) is sent once, in the
   * text every client shows. The published output schema leaves them out too; the tool's description
   * of the structured content says where they are.
   */
  textOnly?: readonly (keyof z.output<O> & string)[];
  /**
   * Whether a well-formed answer still reports a failure, e.g. a call on several targets that acted
   * on none of them (each denied, not found or failed). The client then gets `isError: true` with the
   * same text and structured content, so the per-target results are still there to read.
   */
  failed?: (output: z.output<O>) => boolean;
}

export interface PluginManifest {
  name: string;
  apiVersion: number;
  /** Empty for a resource provider (a plugin that only brings resolvers). */
  tools: ToolManifest[];
}

export interface RejectedTarget {
  ref: string;
  kind: string;
  /** "denied" by policy or "unresolved" (not found, ambiguous, system error). */
  status: "denied" | "unresolved";
  code: string;
  message: string;
}

/** What a health tool may tell about the circuit breaker. */
export interface BreakerStatus {
  state: "closed" | "open" | "half-open";
  /** Daemon failures counted in the current window. */
  recentFailures: number;
  failureThreshold: number;
  windowMs?: number;
  cooldownMs: number;
  /** Milliseconds until calls go through again (0 when closed). */
  retryInMs: number;
  /** Whether the health probe is pinging while the circuit is open. */
  probing: boolean;
}

export interface ExecLimits {
  maxOutputBytes: number;
  timeoutMs: number;
}

/**
 * Something a call learned only while running (e.g. each service a compose file will create), to be
 * judged by the same policy before the call acts on it.
 */
export interface LateCheck {
  /** What is judged, for the audit and messages ("service web"). */
  subject: string;
  /** Levels needed for this beyond the tool's own (e.g. `images` when a build is asked for). */
  levels?: string[];
  resources?: ResolvedResource[];
  create?: CreateFacts;
  /** Host paths the call reads (absolute, symlinks resolved), judged by compose_safety. */
  composeFiles?: string[];
  /** An image build the call will run (its context directory, symlinks resolved), judged by build_safety. */
  build?: { context: string };
}

export interface LateDecision {
  allowed: boolean;
  /** Every reason that denies (empty when allowed): what decided and which key to change. */
  reasons: { code: string; message: string }[];
}

export interface VisibilityResult<T> {
  visible: T[];
  hidden: number;
}

export interface ToolContext {
  /** Fires at the deadline of the tool's timeout class or when the client cancels. */
  signal: AbortSignal;
  /** Epoch milliseconds at which `signal` fires by deadline. */
  deadline: number;
  /** Resolved targets the policy allowed, in the order the tool declared them. */
  targets: ResolvedResource[];
  /** With targetMode "each": targets that were denied or could not be resolved. Never act on them. */
  rejected: RejectedTarget[];
  /**
   * Judges what the call learned while running, with the same policy and audit as its targets. Never
   * act on something denied: throw a ToolError with the reasons (see `deniedError`).
   */
  authorize(check: LateCheck): LateDecision;
  /** Filters a listing down to what the policy lets the caller see. */
  visible<T>(items: T[], describe: (item: T) => ResolvedResource): VisibilityResult<T>;
  /** The policy's exec limits. */
  exec: ExecLimits;
  /** The circuit breaker as it stands now (undefined when the server runs without one). */
  breaker(): BreakerStatus | undefined;
  /** Reports progress to the client (keeps its request timer alive on long operations). */
  progress(message: string, progress?: number, total?: number): void;
  /** Registers values that must be masked in this call's answer. */
  addSecrets(values: Iterable<string>): void;
  /**
   * Masks text (or a JSON-like value) with this call's secrets and the masking table, exactly as the
   * answer will be masked. Use it before anything leaves the handler by another road (a request to a
   * model, a file), and before matching: a grep must run on masked text, or it reveals a masked
   * value one guessed character at a time.
   */
  redact<T>(value: T): T;
  /**
   * Masks, then keeps at most `maxBytes` (UTF-8) without ending inside a mask. Set `upstreamCut` when
   * the text was already cut before it reached the handler (an output cap, a line limit): its last
   * characters, where the start of a secret could sit unrecognized, are then dropped too. Cut output
   * this way, never by slicing raw text.
   */
  redactCapped(text: string, maxBytes: number, upstreamCut?: boolean): { text: string; droppedBytes: number };
  /**
   * A model the tool may ask (MCP sampling tied to this call, or the configured fallback), or why
   * there is none. Whatever a tool sends it must be masked first.
   */
  model: CallModel;
}

export type ToolHandler<
  I extends AnyObjectSchema = AnyObjectSchema,
  O extends AnyObjectSchema = AnyObjectSchema,
> = (input: z.output<I>, ctx: ToolContext) => Promise<z.input<O>>;

/** A plugin: tools as data, plus handler factories that receive their dependencies. */
export interface Plugin<Deps = unknown> {
  manifest: PluginManifest;
  /** One per tool of the manifest (none for a resource provider). */
  // biome-ignore lint/suspicious/noExplicitAny: handler types differ per tool
  handlers?: Record<string, (deps: Deps) => ToolHandler<any, any>>;
  /**
   * Resolvers for the resource kinds this plugin knows how to look up. Across all loaded plugins a
   * kind has at most one resolver; a plugin may bring resolvers and no tools.
   */
  resolvers?: Record<string, (deps: Deps) => ResourceResolver>;
}

/** Identity function that keeps the input/output types of a tool definition. */
export function defineTool<I extends AnyObjectSchema, O extends AnyObjectSchema>(
  tool: ToolManifest<I, O>,
): ToolManifest<I, O> {
  return tool;
}
