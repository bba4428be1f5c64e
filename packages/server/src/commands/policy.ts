import { parseArgs } from "node:util";
import type { Explanation, KernelTool } from "@arktechnwa/docker-mcp-core";
import { decide, type Policy, type Reason } from "@arktechnwa/mcp-policy";
import type { CliIo } from "../cli.js";
import { createServer } from "../create-server.js";
import { builtinPlugins } from "../plugins.js";
import { loadForCommand } from "./load.js";
import { policyLines } from "./policy-view.js";

const USAGE = `usage: docker-mcp policy explain TOOL [TARGET...] [--args JSON] [--host NAME] [--config PATH] [--json]
       docker-mcp policy check [FILE]`;

/** `docker-mcp policy explain|check`. */
export async function policy(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "explain") return explain(rest, io);
  if (sub === "check") return check(rest, io);
  io.stderr.write(`docker-mcp: ${USAGE}\n`);
  return 2;
}

/** Validates a config file (or the one the server would find) and prints the effective policy. */
async function check(argv: string[], io: CliIo): Promise<number> {
  let parsed: { values: { config?: string }; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: { config: { type: "string" } }, allowPositionals: true });
  } catch (error) {
    io.stderr.write(`docker-mcp: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (parsed.positionals.length > 1) {
    io.stderr.write(`docker-mcp: policy check takes one file.\n${USAGE}\n`);
    return 2;
  }
  const config = await loadForCommand(io, parsed.positionals[0] ?? parsed.values.config);
  if (!config) return 1;
  io.stdout.write(
    `${config.source ?? "no config file found: the read-only defaults"} is valid.\n${policyLines(config.policy).join("\n")}\n`,
  );
  return 0;
}

interface ExplainOptions {
  config?: string;
  args?: string;
  json?: boolean;
  host?: string;
  "bypass-permissions"?: boolean;
}

/** A refused target with the policy's own reasons, names and patterns included (the operator's view). */
type OperatorRejected = Explanation["rejected"][number] & { reasons?: Reason[] };

/**
 * Resolves the targets on the daemon and prints what the server would decide: the kernel's own
 * explain (same input check, levels, resolvers and policy), never a second implementation.
 */
async function explain(argv: string[], io: CliIo): Promise<number> {
  let values: ExplainOptions;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: {
        config: { type: "string" },
        args: { type: "string" },
        json: { type: "boolean" },
        host: { type: "string" },
        "bypass-permissions": { type: "boolean" },
      },
      allowPositionals: true,
    }));
  } catch (error) {
    io.stderr.write(`docker-mcp: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const [toolName, ...targets] = positionals;
  if (!toolName) {
    io.stderr.write(`docker-mcp: name the tool.\n${USAGE}\n`);
    return 2;
  }
  let extra: Record<string, unknown> = {};
  if (values.args !== undefined) {
    try {
      extra = JSON.parse(values.args);
      if (extra === null || typeof extra !== "object" || Array.isArray(extra))
        throw new Error("not an object");
    } catch (error) {
      io.stderr.write(
        `docker-mcp: --args must be a JSON object of the tool's arguments (${(error as Error).message}), e.g. --args '{"command":["ls","/"]}'\n`,
      );
      return 2;
    }
  }
  const config = await loadForCommand(io, values.config, values["bypass-permissions"] === true);
  if (!config) return 2;
  let policy: Policy = config.policy;
  let hostArg: { host?: string } = {};
  if (values.host !== undefined) {
    const host = config.hosts.find((h) => h.name === values.host);
    if (!host) {
      io.stderr.write(
        config.hosts.length === 0
          ? `docker-mcp: --host ${values.host}: the config names no hosts (add a "hosts" section, or leave --host out).\n`
          : `docker-mcp: --host ${values.host}: no such host; the config's hosts are ${config.hosts.map((h) => h.name).join(", ")}.\n`,
      );
      return 2;
    }
    policy = host.policy;
    // The kernel takes "host" only when there is more than one; with one, it is the only host anyway.
    if (config.hosts.length > 1) hostArg = { host: host.name };
  }
  const app = createServer({
    plugins: builtinPlugins,
    config: { ...config, audit: { enabled: false } },
    stderr: io.stderr,
  });
  try {
    const kernel = await app.ready();
    const tool = kernel.tools.find((t) => t.manifest.name === toolName);
    let calls: Record<string, unknown>[] = [extra];
    if (tool && targets.length > 0) {
      const slot = targetSlot(tool, extra);
      if (!slot) {
        io.stderr.write(
          `docker-mcp: ${toolName} takes no target on its own; give its arguments with --args (its input schema: docker-mcp lists it in tools/list).\n`,
        );
        return 2;
      }
      calls = slot.array
        ? [{ ...extra, [slot.key]: targets }]
        : targets.map((target) => ({ ...extra, [slot.key]: target }));
    }
    // The tool's own schema knows no "host": the kernel takes it off before the tool sees the call.
    calls = calls.map((args) => ({ ...args, ...hostArg }));
    const explanations: Explanation[] = [];
    for (const args of calls)
      explanations.push(operatorView(await app.kernel.explain(toolName, args), policy));
    if (values.json) io.stdout.write(`${JSON.stringify(explanations, null, 2)}\n`);
    else io.stdout.write(`${explanations.map((e, i) => render(e, calls[i] ?? {})).join("\n\n")}\n`);
    if (explanations.some((e) => e.stage === "unknown_tool" || e.stage === "input")) return 2;
    return explanations.every((e) => e.allowed) ? 0 : 1;
  } finally {
    await app.close();
  }
}

/**
 * The argument that carries a tool's targets: the string (or string list) property whose value comes
 * back as a target reference, found by asking the tool's own `targets` hook.
 */
function targetSlot(
  tool: KernelTool,
  extra: Record<string, unknown>,
): { key: string; array: boolean } | undefined {
  const probe = "docker-mcp-explain-probe";
  const properties = (tool.surface.inputSchema as { properties?: Record<string, unknown> }).properties ?? {};
  for (const array of [true, false]) {
    for (const key of Object.keys(properties)) {
      if (key in extra) continue;
      const parsed = tool.manifest.input.safeParse({ ...extra, [key]: array ? [probe] : probe });
      if (!parsed.success) continue;
      const refs = tool.manifest.targets?.(parsed.data as Record<string, unknown>) ?? [];
      if (refs.some((ref) => ref.ref === probe)) return { key, array };
    }
  }
  return undefined;
}

/**
 * A target refused by the policy gets the policy's own reasons for it alone. The kernel words a denial
 * for the model, which hides the names and the pattern of a target named by ID; the operator running
 * this command owns the config and should see which rule decided.
 */
function operatorView(e: Explanation, policy: Policy): Explanation {
  if (!e.request || e.rejected.length === 0) return e;
  const request = e.request;
  const rejected: OperatorRejected[] = e.rejected.map((r) => {
    if (r.status !== "denied") return r;
    const target = e.targets.find((t) => t.kind === r.kind && t.ref === r.ref);
    const resource = request.resources?.find(
      (res) => res.kind === r.kind && target?.id !== undefined && res.id === target.id,
    );
    if (!resource) return r;
    const reasons = decide(policy, { ...request, resources: [resource] }).reasons;
    return { ...r, reasons: [...reasons] };
  });
  return { ...e, rejected };
}

function render(e: Explanation, args: Record<string, unknown>): string {
  const lines = [`${e.tool} ${JSON.stringify(args)}`, `host ${e.host}, policy revision ${e.revision}`];
  const verdict = e.allowed ? "ALLOWED" : "DENIED";
  switch (e.stage) {
    case "unknown_tool":
    case "input":
      lines.push(`cannot be decided: ${e.message}`);
      return lines.join("\n");
    case "resolve":
      lines.push(`${verdict}: a target could not be resolved (${e.code}): ${e.message}`);
      return lines.join("\n");
    case "levels":
      lines.push(
        `${verdict} by its permission levels (${e.request?.levels.join(", ")}), before any target is looked up:`,
      );
      break;
    case "targets":
      lines.push(`${verdict}:`);
  }
  for (const reason of e.decision?.reasons ?? []) lines.push(`  [${reason.code}] ${reason.message}`);
  for (const target of e.targets) {
    const id = target.id ? ` id ${target.id.slice(0, 12)}` : "";
    const names = target.names?.length ? ` names ${target.names.join(", ")}` : "";
    const own =
      target.allowed === undefined ? "" : target.allowed ? " -> allowed" : ` -> refused (${target.code})`;
    lines.push(`  ${target.kind} "${target.ref}"${id}${names}${own}`);
  }
  for (const r of e.rejected as OperatorRejected[]) {
    lines.push(`  ${r.kind} "${r.ref}" ${r.status} [${r.code}]: ${r.message}`);
    for (const reason of r.reasons ?? []) {
      if (reason.code === "allowed") continue;
      const rule = reason.rule ? ` (${reason.rule}${reason.pattern ? ` "${reason.pattern}"` : ""})` : "";
      lines.push(`    rule${rule}: ${reason.message}`);
    }
  }
  return lines.join("\n");
}
