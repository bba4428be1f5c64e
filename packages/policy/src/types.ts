import type { Vocabulary } from "./vocabulary.js";
import type { MountFacts } from "./volume-spec.js";

/** Stable codes of decision reasons. Match on these, show the message. */
export type ReasonCode =
  | "allowed"
  | "bypass"
  | "invalid_request"
  | "no_levels"
  | "unknown_level"
  | "level_off"
  | "unknown_kind"
  | "unnamed"
  | "blacklisted"
  | "not_whitelisted"
  | "image_blacklisted"
  | "command_empty"
  | "command_too_complex"
  | "command_blocked"
  | "command_not_allowed"
  | "create_unsafe"
  | "build_unsafe"
  | "path_not_allowed"
  | "not_confirmed"
  | "cannot_confirm"
  | "internal_error";

export interface Reason {
  readonly code: ReasonCode;
  /** A sentence the user can act on: what decided, and which key to change. */
  readonly message: string;
  /** The list that decided, for a list verdict (`permissions.blacklist_containers`). */
  readonly rule?: string;
  /** The pattern of that list that matched (a blacklist verdict). */
  readonly pattern?: string;
}

/** The answer of `decide()`. */
export interface Decision {
  readonly allowed: boolean;
  readonly reasons: readonly Reason[];
  /** Short hash of the normalized policy that produced this decision. */
  readonly revision: string;
}

/** A resource a tool call touches, resolved by the caller to all its names. */
export interface Resource {
  /** A resource kind of the vocabulary (`container`, `image`, ...). */
  readonly kind: string;
  /** Every name of the resource (for a container: all its names; for an image: all its tags). */
  readonly names: readonly string[];
  /** Full ID, for messages and audit only: patterns never match IDs. */
  readonly id?: string;
  /** For containers: the image it runs as the container names it, checked against `blacklist_images`. */
  readonly image?: string;
  /**
   * For containers: every other name of that image (all its tags, digests and its ID). An image is all
   * its names: `blacklist_images` denies the container when any of them matches.
   */
  readonly images?: readonly string[];
}

/** How a new container is to be configured; checked against `create_safety`. */
export interface CreateRequest {
  readonly privileged?: boolean;
  /** `host` needs `allow_host_network`. */
  readonly networkMode?: string;
  readonly pidMode?: string;
  readonly ipcMode?: string;
  readonly utsMode?: string;
  readonly usernsMode?: string;
  /** Capabilities to add, with or without `CAP_`, any case. */
  readonly capAdd?: readonly string[];
  /** Host devices to pass in (any entry needs `allow_devices`). */
  readonly devices?: readonly string[];
  readonly securityOpt?: readonly string[];
  /** `host` (compose `cgroup: host`, `--cgroupns host`) needs `allow_host_cgroupns`. */
  readonly cgroupnsMode?: string;
  /** A parent cgroup other than Docker's own (any non-empty value needs `allow_cgroup_parent`). */
  readonly cgroupParent?: string;
  /** Kernel parameters to set (`net.core.somaxconn=1024` or the bare name): `allow_sysctls` decides. */
  readonly sysctls?: readonly string[];
  /** The OCI runtime; unset, `runc` and `io.containerd.runc.v2` are the default, others need `allowed_runtimes`. */
  readonly runtime?: string;
  /** Device requests (GPUs: `--gpus`, compose device reservations), described; any needs `allow_device_requests`. */
  readonly deviceRequests?: readonly string[];
  /**
   * Drivers of volume plugins the container mounts with driver options (what such options mount is the
   * plugin's to say): each needs `allowed_volume_drivers`. `local` options are judged as mounts instead.
   */
  readonly volumeDrivers?: readonly string[];
  /** Settings the caller found but cannot put in these terms (an unknown volume option, ...): each refuses. */
  readonly unjudged?: readonly string[];
  /**
   * Host paths, or `docker run -v` strings (`/src:/dst:ro`, `name:/data`), read by `parseVolumeSpec`:
   * a spec it refuses is denied, and a lone path is judged as a host path. Prefer `mounts`. Pass volumes as resources of kind `volume` too, for the volume lists.
   */
  readonly binds?: readonly string[];
  /**
   * Mounts already parsed (by `parseVolumeSpec`, or built from a compose file's long syntax), with the
   * bind sources' real paths when the daemon shares this machine's filesystem. Checked again here.
   */
  readonly mounts?: readonly MountFacts[];
}

/** An image build; checked against `build_safety`. */
export interface BuildRequest {
  /**
   * The absolute host path of the build context, as the caller resolved it (symlinks followed: the
   * policy judges paths lexically and cannot see the file system).
   */
  readonly context: string;
}

/** What a tool call wants to do. */
export interface DecisionRequest {
  /** Tool name, for messages and audit. */
  readonly tool: string;
  /** Permission levels the tool requires; all must be on. */
  readonly levels: readonly string[];
  readonly resources?: readonly Resource[];
  /** For exec: argv, or a one-element array holding a shell string. */
  readonly command?: readonly string[];
  /** For exec: the directory the command starts in, so relative redirects are judged where they land. */
  readonly workdir?: string;
  /** For container creation. */
  readonly create?: CreateRequest;
  /** For image builds. */
  readonly build?: BuildRequest;
  /**
   * Host files a compose call reads (its compose files), as absolute paths
   * with symlinks already resolved by the caller; each must lie under `compose_safety.allowed_directories`.
   */
  readonly composeFiles?: readonly string[];
}

export interface ResourceLists {
  readonly whitelist: readonly string[];
  readonly blacklist: readonly string[];
}

export interface ExecSafety {
  readonly blockedCommands: readonly string[];
  readonly allowedCommands: readonly string[];
  /** Maximum characters of command output to return. */
  readonly maxOutput: number;
  /** The timeout as written (numbers become `"<n>s"`). */
  readonly timeout: string;
  /** The timeout in milliseconds; what consumers should use. */
  readonly timeoutMs: number;
}

export interface CreateSafety {
  readonly allowPrivileged: boolean;
  readonly allowHostNetwork: boolean;
  readonly allowHostPid: boolean;
  readonly allowHostIpc: boolean;
  readonly allowHostUts: boolean;
  readonly allowHostUserns: boolean;
  readonly allowDevices: boolean;
  readonly allowUnconfined: boolean;
  readonly allowHostCgroupns: boolean;
  readonly allowCgroupParent: boolean;
  readonly allowDeviceRequests: boolean;
  /** `false`: no sysctl; `true`: any; a list: only names matching these `*` patterns. */
  readonly allowSysctls: boolean | readonly string[];
  /** Runtimes besides the default (`runc`) a new container may ask for. */
  readonly allowedRuntimes: readonly string[];
  /** Volume plugins whose driver options are trusted (a volume of theirs is judged by name only). */
  readonly allowedVolumeDrivers: readonly string[];
  /** `false`: none; `true`: any; a list: only these (upper case, without `CAP_`). */
  readonly allowCapAdd: boolean | readonly string[];
  /** Normalized absolute paths. */
  readonly allowedBindMounts: readonly string[];
  readonly blockedBindMounts: readonly string[];
}

export interface BuildSafety {
  /** Normalized absolute paths; empty refuses every build. */
  readonly allowedContexts: readonly string[];
}

export interface ComposeSafety {
  /** Normalized absolute paths under which compose files may lie; empty: none may be used. */
  readonly allowedDirectories: readonly string[];
}

/** A loaded, validated, normalized and frozen policy. Build it with `loadPolicy`. */
export interface Policy {
  readonly vocabulary: Vocabulary;
  /** `--bypass-permissions`: everything is allowed and every decision says so. */
  readonly bypass: boolean;
  /** Short sha256 of the normalized policy (list order and duplicates do not change it). */
  readonly revision: string;
  /** Every level of the vocabulary, on or off. */
  readonly levels: Readonly<Record<string, boolean>>;
  /** White- and blacklist per resource kind name. */
  readonly lists: Readonly<Record<string, ResourceLists>>;
  readonly execSafety: ExecSafety;
  readonly createSafety: CreateSafety;
  readonly buildSafety: BuildSafety;
  readonly composeSafety: ComposeSafety;
  /** Tools that ask the user before they act (sorted); the caller (an MCP server) does the asking. */
  readonly confirm: readonly string[];
  /** The normalized document with every default filled in: what the revision is computed from. */
  readonly document: Readonly<Record<string, unknown>>;
}

export interface LoadPolicyOptions {
  /** Allow everything (`--bypass-permissions`); decisions still explain what would have been denied. */
  readonly bypass?: boolean;
  /** Defaults to `dockerVocabulary`. */
  readonly vocabulary?: Vocabulary;
}
