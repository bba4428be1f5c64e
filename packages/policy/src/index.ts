export { type AuditRecord, toAuditRecord } from "./audit.js";
export { decide } from "./decide.js";
export {
  DEFAULT_BLOCKED_BIND_MOUNTS,
  DEFAULT_BLOCKED_COMMANDS,
  DEFAULT_MAX_OUTPUT,
  DEFAULT_TIMEOUT,
} from "./defaults.js";
export { dockerVocabulary } from "./docker-vocabulary.js";
export { parseDuration } from "./duration.js";
export { PolicyError, type PolicyIssue } from "./errors.js";
export { loadPolicy } from "./load-policy.js";
export { matchPattern } from "./pattern.js";
export { generatePolicySchema, type JsonSchema } from "./schema.js";
export { closest } from "./suggest.js";
export type {
  BuildRequest,
  BuildSafety,
  ComposeSafety,
  CreateRequest,
  CreateSafety,
  Decision,
  DecisionRequest,
  ExecSafety,
  LoadPolicyOptions,
  Policy,
  Reason,
  ReasonCode,
  Resource,
  ResourceLists,
} from "./types.js";
export { visible } from "./visible.js";
export {
  defineVocabulary,
  type LevelDefinition,
  type NameForm,
  type ResourceKindDefinition,
  type Vocabulary,
} from "./vocabulary.js";
export { type VolumeDriverMount, volumeCreateFacts, volumeDriverMount } from "./volume-driver.js";
export {
  cleanAbsolutePath,
  type MountFacts,
  type MountSpec,
  mountProblem,
  type ParsedVolumeSpec,
  parseVolumeSpec,
  VOLUME_NAME,
  VOLUME_SPEC_USAGE,
} from "./volume-spec.js";
