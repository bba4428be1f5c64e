export { type ContainerFacts, containerFacts } from "./container-facts.js";
export type { DaemonEvent, EventWindow } from "./daemon-events.js";
export { type DiagnosisInput, type FactsResult, findFacts } from "./find-facts.js";
export * from "./findings.js";
