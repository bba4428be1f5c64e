export { main } from "./cli.js";
export {
  type BreakerConfig,
  ConfigError,
  type ConfigIssue,
  DEFAULT_BREAKER,
  type DockerSection,
  durationMs,
  type LoadConfigOptions,
  loadConfig,
  type ResolvedConfig,
  resolveConfig,
} from "./config.js";
export {
  type CreateServerOptions,
  createServer,
  type DockerMcpServer,
  type ServerDeps,
} from "./create-server.js";
export { SERVER_VERSION } from "./version.js";
