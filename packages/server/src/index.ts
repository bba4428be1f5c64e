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
export { configJsonSchema } from "./config-schema.js";
export {
  type CreateServerOptions,
  createServer,
  type DockerMcpServer,
  type ServerDeps,
} from "./create-server.js";
export { guardTransport, type Rejection, type Screened, screenMessage } from "./request-guard.js";
export { LineStdioTransport } from "./stdio-transport.js";
export { SERVER_VERSION } from "./version.js";
