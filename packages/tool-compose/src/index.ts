export {
  type ComposeCli,
  ComposeRunner,
  type ComposeRunnerOptions,
  DEFAULT_CANDIDATES,
  type DockerConnection,
  detectCompose,
  INSTALL_HINT,
} from "./compose-cli.js";
export { type ComposeModel, type ComposeService, parseComposeConfig } from "./compose-model.js";
export { progressMessage } from "./compose-progress.js";
export {
  atLeast,
  type ComposeFeatures,
  type ComposeVersion,
  featuresOf,
  parseComposeVersion,
} from "./compose-version.js";
export type { ComposeDeps } from "./deps.js";
export { composePlugin } from "./plugin.js";
export { normalizeProjectName, planProject, selectServices } from "./project-plan.js";
