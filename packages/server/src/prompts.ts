import { ErrorCode, type GetPromptResult, McpError, type Prompt } from "@modelcontextprotocol/sdk/types.js";
import { containerUri } from "./resources.js";

/**
 * Prompts are ready-made requests the user picks in the client; they only ask the model to use the
 * tools, so everything they lead to is decided by the policy as any other call.
 */
const BASE_PROMPTS: readonly Prompt[] = [
  {
    name: "troubleshoot_container",
    title: "Troubleshoot a container",
    description: "Find out why a container crashed, restarts or is unhealthy, with evidence.",
    arguments: [{ name: "container", description: "The container's name or ID.", required: true }],
  },
  {
    name: "compose_project_health",
    title: "Check a compose project's health",
    description: "Check every service of a compose project: state, health, restarts, resource trouble.",
    arguments: [{ name: "project", description: "The compose project's name.", required: true }],
  },
];

/** The prompts; with several hosts each takes an optional `host` (the default host when omitted). */
export function prompts(hosts: readonly string[]): Prompt[] {
  if (hosts.length < 2) return [...BASE_PROMPTS];
  return BASE_PROMPTS.map((prompt) => ({
    ...prompt,
    arguments: [
      ...(prompt.arguments ?? []),
      {
        name: "host",
        description: `The Docker host (${hosts.join(", ")}; default ${hosts[0]}).`,
        required: false,
      },
    ],
  }));
}

/** A name the user typed, kept on one line and short, so it cannot rewrite the prompt around it. */
function quoted(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we remove
  return JSON.stringify(value.replace(/[\u0000-\u001f\u007f]/g, "").slice(0, 200));
}

export function getPrompt(
  name: string,
  args: Record<string, string> | undefined,
  hosts: readonly string[] = [],
): GetPromptResult {
  const prompt = prompts(hosts).find((p) => p.name === name);
  if (!prompt) {
    throw new McpError(
      ErrorCode.InvalidParams,
      `Unknown prompt "${name.slice(0, 100)}"; prompts/list names ${BASE_PROMPTS.map((p) => p.name).join(", ")}.`,
    );
  }
  for (const arg of prompt.arguments ?? []) {
    if (arg.required && !args?.[arg.name]?.trim()) {
      throw new McpError(ErrorCode.InvalidParams, `Prompt ${name} needs the argument "${arg.name}".`);
    }
  }
  const host = hosts.length > 1 ? args?.["host"]?.trim() || undefined : undefined;
  if (host !== undefined && !hosts.includes(host)) {
    throw new McpError(
      ErrorCode.InvalidParams,
      `Unknown host ${quoted(host)} for prompt ${name}; the hosts are ${hosts.join(", ")}.`,
    );
  }
  const text =
    name === "troubleshoot_container"
      ? troubleshoot(String(args?.["container"]), host)
      : composeHealth(String(args?.["project"]), host);
  return {
    description: prompt.description ?? prompt.name,
    messages: [{ role: "user", content: { type: "text", text } }],
  };
}

/** With a host: which daemon, and that every call goes there. */
function onHost(host: string | undefined): string {
  return host === undefined
    ? ""
    : ` on the Docker host "${host}" (pass host "${host}" to every tool you call)`;
}

function troubleshoot(container: string, host?: string): string {
  const c = quoted(container);
  return [
    `The container ${c}${onHost(host)} is not working as it should. Find out why.`,
    `1. Call docker_diagnose with container ${c}: it gathers state, exit code, OOM kill, health checks, recent events, logs and stats into findings with evidence.`,
    `2. Read more of the log where the findings point: docker_logs with container ${c} (use grep, since or tail to narrow it), also readable as the resource ${containerUri(container, "logs", host)}.`,
    `3. Check the configuration the findings mention (command, environment names, mounts, ports, restart policy, health check) with docker_inspect on ${c}.`,
    "Then explain the most likely root cause, quoting the evidence, and propose a fix. Do not restart, change or remove anything without asking me first.",
  ].join("\n");
}

function composeHealth(project: string, host?: string): string {
  const p = quoted(project);
  return [
    `Check the health of the compose project ${p}${onHost(host)}.`,
    `1. Call docker_compose_ps with project ${p}: every service with its containers' state, health and ports.`,
    "2. Call docker_anomalies and keep what concerns this project's containers (memory near its limit, CPU throttling, restarts, failing health checks, OOM kills, non-zero exits).",
    "3. For every container that is exited, restarting or unhealthy, call docker_diagnose on it, and read its service's recent log with docker_compose_logs where the findings point.",
    "Then answer with one line per service (healthy, degraded or down, and why) and the fixes you suggest. Do not change anything without asking me first.",
  ].join("\n");
}
