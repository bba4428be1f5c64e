export { type ContainerFacts, containerFacts } from "./container-facts.js";
export type { DaemonEvent, EventWindow } from "./daemon-events.js";
export type { AnalysisDeps } from "./deps.js";
export { type DiagnosisInput, type FactsResult, findFacts } from "./find-facts.js";
export * from "./findings.js";
export { LineGrouper, type LinePattern } from "./group-lines.js";
export { lineLevel, normalizeLine } from "./normalize-line.js";
export { analysisPlugin } from "./plugin.js";
export {
  modelPrompt,
  parseModelAnswer,
  rulesSynthesis,
  SYSTEM_PROMPT,
  type Synthesis,
  SynthesisCache,
  synthesize,
} from "./synthesis.js";
