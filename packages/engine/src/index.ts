export { abortError, isTimeoutReason } from "./abort.js";
export { compareVersions, MAX_API_VERSION } from "./api-client.js";
export type { ContainersArea } from "./areas/containers.js";
export type {
  BuildEvent,
  BuildOptions,
  BuildResult,
  HistoryEntry,
  ImageDetails,
  PullOptions,
  PullResult,
  RemovedImage,
} from "./areas/image-actions.js";
export type { ImageSummary, ImagesArea } from "./areas/images.js";
export type {
  ConnectOptions,
  CreateNetworkSpec,
  NetworkDetails,
  NetworkEndpoint,
  NetworkIdentity,
  NetworkIpamConfig,
  NetworksArea,
} from "./areas/networks.js";
export type { NodeSummary, ServiceSummary, SwarmArea, TaskSummary } from "./areas/swarm.js";
export type { SystemArea } from "./areas/system.js";
export type {
  BuildCacheUsage,
  ContainerUsage,
  DiskUsage,
  ImageUsage,
  VolumeUsage,
} from "./areas/system-usage.js";
export type { CreateVolumeSpec, VolumeIdentity, VolumesArea } from "./areas/volumes.js";
export type { ResolvedConnection } from "./connection.js";
export {
  chooseConnection,
  connectionFromEnv,
  DEFAULT_SOCKET_PATH,
  resolveConnection,
} from "./connection.js";
export { resolvedDocument } from "./containers.js";
export { createBody } from "./create.js";
export type { StreamType } from "./demux.js";
export { Demuxer } from "./demux.js";
export { currentContextName, dockerConfigDir, readDockerContext } from "./docker-context.js";
export type { CreateEngineOptions } from "./engine.js";
export { createEngine } from "./engine.js";
export type { AmbiguousCandidate, EngineErrorOptions } from "./errors.js";
export { EngineError, isEngineError } from "./errors.js";
export type { DaemonEvent, EventsOptions } from "./events.js";
export { EXEC_KILL_BUDGET_MS } from "./exec.js";
export type { FollowLogsOptions, FollowLogsResult } from "./follow-logs.js";
export type { ProgressMessage } from "./json-progress.js";
export { ProgressReader, parseProgressLine } from "./json-progress.js";
export { LineSplitter } from "./line-splitter.js";
export { GREP_MAX_LINE_CHARS, matchText } from "./logs.js";
export { parseTime } from "./parse-time.js";
export type { PortMapping } from "./port-spec.js";
export { parsePortSpec, portBindings } from "./port-spec.js";
export type { LayerState, PullProgressEvent } from "./pull-progress.js";
export { PullTracker } from "./pull-progress.js";
export type { ScanLogsOptions, ScanLogsResult } from "./scan-logs.js";
export { parseSshHost, type SshTarget, sshAgent } from "./ssh-agent.js";
export type { RawStats, StatsStrategy } from "./stats.js";
export { computeSample } from "./stats.js";
export type {
  ConnectionOptions,
  ContainerIdentity,
  ContainerPort,
  ContainerSummary,
  CreateContainerSpec,
  DockerEngine,
  EngineErrorCode,
  ExecOptions,
  ExecResult,
  ImageIdentity,
  LineMatcher,
  ListContainersOptions,
  LogLine,
  LogsOptions,
  LogsResult,
  LookupOptions,
  StatsSample,
} from "./types.js";
export type { VolumeMount } from "./volume-spec.js";
export { volumeBinds } from "./volume-spec.js";
