import { KERNEL_API_VERSION, type Plugin } from "@arktechnwa/docker-mcp-core";
import type { AnalysisDeps } from "./deps.js";
import { anomaliesHandler, anomaliesTool } from "./tools/anomalies.js";
import { diagnoseHandler, diagnoseTool } from "./tools/diagnose.js";
import { logPatternsHandler, logPatternsTool } from "./tools/log-patterns.js";

/** Analysis: why a container failed (facts first, AI optional), log patterns, resource anomalies. */
export const analysisPlugin: Plugin<AnalysisDeps> = {
  manifest: {
    name: "analysis",
    apiVersion: KERNEL_API_VERSION,
    tools: [diagnoseTool, logPatternsTool, anomaliesTool],
  },
  handlers: {
    docker_diagnose: diagnoseHandler,
    docker_log_patterns: logPatternsHandler,
    docker_anomalies: anomaliesHandler,
  },
};
