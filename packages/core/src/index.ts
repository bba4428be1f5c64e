export {
  type MountFacts,
  type MountSpec,
  type ParsedVolumeSpec,
  parseVolumeSpec,
} from "@arktechnwa/mcp-policy";
export { deriveAnnotations, type ToolAnnotations } from "./annotations.js";
export { CircuitBreaker, type CircuitBreakerOptions, type CircuitState } from "./circuit-breaker.js";
export { type AbortCause, type Deadline, raceSignal, startDeadline } from "./deadline.js";
export { errorCode, errorMessage, PluginLoadError, ToolError } from "./errors.js";
export { formatBytes, formatSeconds } from "./format.js";
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
  createKernel,
  DEFAULT_TIMEOUTS,
  type Kernel,
  type KernelOptions,
  type KernelTool,
} from "./kernel.js";
export { type LoadedTool, loadPlugins } from "./load-plugins.js";
export {
  type AnyObjectSchema,
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
  type ResourceResolver,
  type TargetRef,
  TIMEOUT_CLASSES,
  type TimeoutClass,
  type ToolContext,
  type ToolHandler,
  type ToolManifest,
  type VisibilityResult,
} from "./plugin.js";
export { isSecretKey, MASK, Redactor, secretValuesFromEnv } from "./redact.js";
export { sanitizeText } from "./sanitize.js";
export { type ToolSurface, toolSurface } from "./tool-surface.js";
