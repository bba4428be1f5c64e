export type { ContainersDeps } from "./deps.js";
export { containersPlugin } from "./plugin.js";
export { ShellSyntaxError, splitShellWords } from "./shell-words.js";
export { CREATED_BY_LABEL, parseMemory } from "./tools/create.js";
