import { dockerVocabulary, loadPolicy } from "@arktechnwa/mcp-policy";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { AuditRecord } from "../src/audit.js";
import { errorCode, ToolError } from "../src/errors.js";
import { createKernel } from "../src/kernel.js";
import { defineTool, KERNEL_API_VERSION, type Plugin, type ResolvedResource } from "../src/plugin.js";

const TIMEOUTS = { read: 30_000, lifecycle: 60_000 };

interface Deps {
  label: string;
  containers: ResolvedResource[];
  down?: boolean;
}

const whoTool = defineTool({
  name: "t_who",
  title: "Who",
  description: "which host answers",
  levels: ["read"],
  timeoutClass: "read",
  effect: "read",
  input: z.strictObject({ container: z.string() }),
  output: z.object({ label: z.string(), id: z.string() }),
  targetKinds: ["container"],
  targets: (a) => [{ kind: "container", ref: a.container }],
  render: (o) => `${o.label}:${o.id}`,
});

const plugin: Plugin<Deps> = {
  manifest: { name: "fake", apiVersion: KERNEL_API_VERSION, tools: [whoTool] },
  handlers: {
    t_who: (deps) => async (_input, ctx) => ({ label: deps.label, id: ctx.targets[0]?.id ?? "?" }),
  },
  resolvers: {
    container: (deps) => async (ref) => {
      if (deps.down) throw new ToolError("UNREACHABLE", "down");
      const found = deps.containers.find((c) => c.names.includes(ref));
      if (!found) throw new ToolError("not_found", `No container "${ref}".`);
      return found;
    },
  },
};

const web = (id: string): ResolvedResource => ({ kind: "container", id, names: ["web"] });

function kernelWithHosts(audit: AuditRecord[] = []) {
  const policy = loadPolicy({ permissions: { read: true } });
  const strict = loadPolicy({ permissions: { read: true, blacklist_containers: ["web"] } });
  return createKernel<Deps>({
    plugins: [plugin],
    policy,
    levels: dockerVocabulary.levels.map((l) => l.name),
    exec: { maxOutputBytes: 1000, timeoutMs: 1000 },
    timeouts: TIMEOUTS,
    breaker: { failureThreshold: 1, cooldownMs: 60_000 },
    wording: { isUnreachable: (e) => errorCode(e) === "UNREACHABLE" },
    audit: (r) => audit.push(r),
    hosts: [
      { name: "laptop", deps: { label: "L", containers: [web("aaa")] } },
      { name: "prod", deps: { label: "P", containers: [web("bbb")] }, policy: strict },
      { name: "dead", deps: { label: "D", containers: [], down: true } },
    ],
  });
}

describe("several hosts", () => {
  it("adds host to every tool's input and output schema, the default named", () => {
    const kernel = kernelWithHosts();
    expect(kernel.hosts).toEqual(["laptop", "prod", "dead"]);
    const surface = kernel.tools[0]?.surface;
    expect(surface?.inputSchema.properties).toMatchObject({ host: { enum: ["laptop", "prod", "dead"] } });
    expect(surface?.outputSchema.properties).toHaveProperty("host");
    expect(surface?.inputSchema.required).toEqual(["container"]);
  });

  it("runs the handler and resolver built from the named host's deps; the default without host", async () => {
    const audit: AuditRecord[] = [];
    const kernel = kernelWithHosts(audit);
    const onDefault = await kernel.call("t_who", { container: "web" });
    expect(onDefault.structured).toEqual({ label: "L", id: "aaa", host: "laptop" });
    expect(onDefault.text).toBe("[host laptop] L:aaa");
    expect(audit.at(-1)).toMatchObject({ host: "laptop", outcome: "ok" });
  });

  it("decides with the host's own policy: a blacklist on one host only", async () => {
    const audit: AuditRecord[] = [];
    const kernel = kernelWithHosts(audit);
    const denied = await kernel.call("t_who", { container: "web", host: "prod" });
    expect(denied.isError).toBe(true);
    expect(denied.code).toBe("blacklisted");
    expect(denied.text).toMatch(/^\[host prod\] /);
    expect(audit.at(-1)).toMatchObject({ host: "prod", outcome: "denied" });
    const allowed = await kernel.call("t_who", { container: "web", host: "laptop" });
    expect(allowed.isError).toBe(false);
  });

  it("keeps a breaker per host: one host down opens only its own circuit", async () => {
    const kernel = kernelWithHosts();
    const first = await kernel.call("t_who", { container: "web", host: "dead" });
    expect(first.code).toBe("UNREACHABLE");
    const second = await kernel.call("t_who", { container: "web", host: "dead" });
    expect(second.code).toBe("circuit_open");
    const other = await kernel.call("t_who", { container: "web", host: "prod" });
    expect(other.code).toBe("blacklisted");
    expect((await kernel.call("t_who", { container: "web" })).isError).toBe(false);
    await kernel.close();
  });

  it("refuses an unknown host with the known ones and a guess", async () => {
    const kernel = kernelWithHosts();
    const result = await kernel.call("t_who", { container: "web", host: "prd" });
    expect(result.code).toBe("invalid_input");
    expect(result.text).toContain('did you mean "prod"?');
    expect(result.text).toContain('"laptop", "prod", "dead"');
  });

  it("takes no host parameter with one host", async () => {
    const kernel = createKernel<Deps>({
      plugins: [plugin],
      deps: { label: "only", containers: [web("ccc")] },
      policy: loadPolicy({ permissions: { read: true } }),
      levels: dockerVocabulary.levels.map((l) => l.name),
      exec: { maxOutputBytes: 1000, timeoutMs: 1000 },
      timeouts: TIMEOUTS,
    });
    expect(kernel.tools[0]?.surface.inputSchema.properties).not.toHaveProperty("host");
    const result = await kernel.call("t_who", { container: "web", host: "x" });
    expect(result.code).toBe("invalid_input");
    expect((await kernel.call("t_who", { container: "web" })).structured).toEqual({
      label: "only",
      id: "ccc",
    });
  });
});
