import { defineVocabulary } from "../src/index.js";

/** A second vocabulary, as a systemd MCP server would write it: proves the engine is not Docker-bound. */
export const systemdVocabulary = defineVocabulary({
  name: "systemd",
  title: "systemd-mcp policy",
  levels: [
    { name: "read", default: true, description: "List units and read their status and journal." },
    { name: "restart", default: false, description: "Restart and reload units." },
    { name: "start_stop", default: false, description: "Start and stop units." },
  ],
  resourceKinds: [{ name: "unit", plural: "units", description: "Unit names such as 'nginx.service'." }],
});
