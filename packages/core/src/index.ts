// What other packages use: the plugin contract, the kernel the server builds, and a few helpers
// plugins share. Everything else stays internal (tests import it by relative path).

export { isSecretKey, MASK, secretValuesFromArgv, secretValuesFromEnv } from "@arktechnwa/mcp-mask";
export {
  type MountFacts,
  type MountSpec,
  type ParsedVolumeSpec,
  parseVolumeSpec,
  type VolumeDriverMount,
  volumeCreateFacts,
  volumeDriverMount,
} from "@arktechnwa/mcp-policy";
// A deadline held by a timer and a controller: on Node 20, AbortSignal.any() over an AbortSignal.timeout()
// that nothing else references may be collected and never fire.
export { type Deadline, startDeadline } from "./deadline.js";
export { errorCode, errorMessage, PluginLoadError, ToolError } from "./errors.js";
export { formatBytes, formatSeconds } from "./format.js";
// host "*" on a listing tool: every host at once.
export { DEFAULT_HOST, EVERY_HOST } from "./host-names.js";
export {
  type HostPathResolver,
  type HostRealPath,
  localRealPath,
  withRealBindSources,
} from "./host-real-path.js";
export {
  type AuditRecord,
  type AuditTarget,
  type CallOptions,
  type CallResult,
  type ConfirmAnswer,
  type ConfirmQuestion,
  createKernel,
  type Explanation,
  type Kernel,
  type KernelHost,
  type KernelOptions,
  type KernelTool,
} from "./kernel.js";
export {
  type CallModel,
  type ModelPort,
  type ModelReply,
  type ModelRequest,
  NO_MODEL,
  type NoModel,
} from "./model.js";
export {
  type AnyObjectSchema,
  type BreakerStatus,
  type BuildFacts,
  type CreateFacts,
  defineTool,
  type Effect,
  type ExecLimits,
  KERNEL_API_VERSION,
  type LateCheck,
  type LateDecision,
  type Plugin,
  type PluginManifest,
  type RejectedTarget,
  type ResolvedResource,
  type ResolveOptions,
  type ResourceResolver,
  type TargetRef,
  type ToolContext,
  type ToolHandler,
  type ToolManifest,
  type VisibilityResult,
} from "./plugin.js";
export { sanitizeText } from "./sanitize.js";
export { type ToolSurface, toolSurface } from "./tool-surface.js";
export type { KernelWording } from "./wording.js";
