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

describe('host "*" on a listing tool', () => {
  interface ListDeps {
    rows: string[];
    down?: boolean;
    hang?: boolean;
  }
  const listTool = defineTool({
    name: "t_list",
    title: "List",
    description: "rows of a host",
    levels: ["read"],
    timeoutClass: "read",
    effect: "read",
    input: z.strictObject({ limit: z.number().int().min(1).optional() }),
    output: z.object({
      items: z.array(z.object({ name: z.string() })),
      summary: z.string(),
      hidden: z.number().int(),
    }),
    listRows: "items",
    render: (o) => `${o.items.length} items: ${o.items.map((i) => i.name).join(", ")}`,
  });
  const plainTool = defineTool({
    name: "t_who",
    title: "Who",
    description: "not a listing",
    levels: ["read"],
    timeoutClass: "read",
    effect: "read",
    input: z.strictObject({}),
    output: z.object({ label: z.string(), id: z.string() }),
    render: (o) => o.label,
  });
  const listPlugin: Plugin<ListDeps> = {
    manifest: {
      name: "lister",
      apiVersion: KERNEL_API_VERSION,
      tools: [listTool, plainTool],
    },
    handlers: {
      t_list: (deps) => async (input, ctx) => {
        if (deps.down) throw new ToolError("UNREACHABLE", "connect ECONNREFUSED");
        if (deps.hang)
          await new Promise((_, reject) =>
            ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason)),
          );
        const all = deps.rows.slice(0, input.limit ?? 100);
        const { visible, hidden } = ctx.visible(all, (name) => ({ kind: "container", names: [name] }));
        return { items: visible.map((name) => ({ name })), summary: `${visible.length} shown`, hidden };
      },
      t_who: () => async () => ({ label: "x", id: "y" }),
    },
  };
  const base = loadPolicy({ permissions: { read: true } });
  function spanningKernel(audit: AuditRecord[] = [], readMs = 30_000) {
    return createKernel<ListDeps>({
      plugins: [listPlugin],
      policy: base,
      levels: dockerVocabulary.levels.map((l) => l.name),
      exec: { maxOutputBytes: 1000, timeoutMs: 1000 },
      timeouts: { read: readMs, lifecycle: 60_000 },
      breaker: { failureThreshold: 1, cooldownMs: 60_000 },
      wording: { isUnreachable: (e) => errorCode(e) === "UNREACHABLE" },
      audit: (r) => audit.push(r),
      hosts: [
        { name: "laptop", deps: { rows: ["web", "vault"] } },
        {
          name: "prod",
          deps: { rows: ["web", "vault", "db"] },
          policy: loadPolicy({ permissions: { read: true, blacklist_containers: ["vault", "db"] } }),
        },
        { name: "dead", deps: { rows: [], down: true } },
        { name: "locked", deps: { rows: ["web"] }, policy: loadPolicy({ permissions: { read: false } }) },
      ],
    });
  }

  it('offers "*" on listing tools only, with rows tagged by host and one entry per host in the output schema', () => {
    const kernel = spanningKernel();
    const list = kernel.tools.find((t) => t.manifest.name === "t_list")?.surface;
    const who = kernel.tools.find((t) => t.manifest.name === "t_who")?.surface;
    expect(list?.inputSchema.properties).toMatchObject({
      host: { enum: ["laptop", "prod", "dead", "locked", "*"] },
    });
    expect(who?.inputSchema.properties).toMatchObject({
      host: { enum: ["laptop", "prod", "dead", "locked"] },
    });
    const output = list?.outputSchema as unknown as {
      required: string[];
      properties: Record<string, { items: { properties: Record<string, unknown>; required?: string[] } }>;
    };
    expect(output.required).toEqual(["items"]);
    expect(output.properties.items?.items.properties).toHaveProperty("host");
    expect(Object.keys(output.properties.hosts?.items.properties ?? {})).toEqual([
      "host",
      "ok",
      "code",
      "error",
      "summary",
      "hidden",
    ]);
  });

  it("merges every host's rows, each host deciding its own, and reports each failure on its own", async () => {
    const audit: AuditRecord[] = [];
    const kernel = spanningKernel(audit);
    const result = await kernel.call("t_list", { host: "*" });
    expect(result.isError).toBe(false);
    expect(result.structured?.host).toBe("*");
    expect(result.structured?.items).toEqual([
      { name: "web", host: "laptop" },
      { name: "vault", host: "laptop" },
      { name: "web", host: "prod" },
    ]);
    expect(result.structured?.hosts).toEqual([
      { host: "laptop", ok: true, summary: "2 shown", hidden: 0 },
      { host: "prod", ok: true, summary: "1 shown", hidden: 2 },
      { host: "dead", ok: false, code: "UNREACHABLE", error: "connect ECONNREFUSED" },
      { host: "locked", ok: false, code: expect.any(String), error: expect.stringContaining("read") },
    ]);
    expect(result.text).toMatch(/^Every host \(4\): 2 answered, 2 did not; 3 rows in all\./);
    expect(result.text).toContain("[host dead] did not answer (UNREACHABLE)");
    // One audit line per host, each naming its host.
    expect(audit.map((r) => [r.host, r.outcome]).sort()).toEqual([
      ["dead", "error"],
      ["laptop", "ok"],
      ["locked", "denied"],
      ["prod", "ok"],
    ]);
    // The dead host's breaker is now open: the next spanning call says so for that host only.
    const again = await kernel.call("t_list", { host: "*" });
    expect(((again.structured?.["hosts"] ?? []) as { host: string; code?: string }[])[2]).toMatchObject({
      host: "dead",
      code: "circuit_open",
    });
    await kernel.close();
  });

  it("answers within the read deadline while one host hangs", async () => {
    const kernel = createKernel<ListDeps>({
      plugins: [listPlugin],
      policy: base,
      levels: dockerVocabulary.levels.map((l) => l.name),
      exec: { maxOutputBytes: 1000, timeoutMs: 1000 },
      timeouts: { read: 300, lifecycle: 60_000 },
      breaker: false,
      hosts: [
        { name: "a", deps: { rows: ["one"] } },
        { name: "stuck", deps: { rows: [], hang: true } },
      ],
    });
    const started = Date.now();
    const result = await kernel.call("t_list", { host: "*" });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result.isError).toBe(false);
    expect(result.structured?.items).toEqual([{ name: "one", host: "a" }]);
    expect(((result.structured?.["hosts"] ?? []) as { code?: string }[])[1]).toMatchObject({
      ok: false,
      code: "deadline_exceeded",
    });
  });

  it("fails when no host answered, refuses * on other tools, and checks the arguments once", async () => {
    const audit: AuditRecord[] = [];
    const kernel = createKernel<ListDeps>({
      plugins: [listPlugin],
      policy: base,
      levels: dockerVocabulary.levels.map((l) => l.name),
      exec: { maxOutputBytes: 1000, timeoutMs: 1000 },
      timeouts: TIMEOUTS,
      breaker: false,
      wording: { isUnreachable: (e) => errorCode(e) === "UNREACHABLE" },
      audit: (r) => audit.push(r),
      hosts: [
        { name: "x", deps: { rows: [], down: true } },
        { name: "y", deps: { rows: [], down: true } },
      ],
    });
    const none = await kernel.call("t_list", { host: "*" });
    expect(none).toMatchObject({ isError: true, code: "UNREACHABLE" });
    expect(none.structured?.items).toEqual([]);
    const other = await kernel.call("t_who", { host: "*" });
    expect(other.code).toBe("invalid_input");
    expect(other.text).toContain("for listing tools only (t_list)");
    audit.length = 0;
    const bad = await kernel.call("t_list", { host: "*", limit: 0 });
    expect(bad.code).toBe("invalid_input");
    expect(audit).toHaveLength(1);
  });

  it('explains one host at a time: "*" is refused with the host names', async () => {
    const explained = await spanningKernel().explain("t_list", { host: "*" });
    expect(explained).toMatchObject({ allowed: false, stage: "input", code: "invalid_input" });
    expect(explained.message).toContain("one host at a time; name one of laptop, prod, dead, locked");
  });

  it("refuses listRows that is not an array of objects, rows that carry their own host, or a tool that acts", () => {
    const make = (tool: typeof listTool) =>
      createKernel<ListDeps>({
        plugins: [
          {
            ...listPlugin,
            manifest: { ...listPlugin.manifest, tools: [tool] },
            handlers: { t_list: listPlugin.handlers?.t_list as never },
          },
        ],
        policy: base,
        levels: dockerVocabulary.levels.map((l) => l.name),
        exec: { maxOutputBytes: 1000, timeoutMs: 1000 },
        timeouts: TIMEOUTS,
        deps: { rows: [] },
      });
    expect(() => make({ ...listTool, listRows: "summary" })).toThrow(/not an array of objects/);
    expect(() =>
      make({ ...listTool, output: z.object({ items: z.array(z.object({ host: z.string() })) }) } as never),
    ).toThrow(/may not have a "host" field/);
    // host "*" calls every host at once: a tool that acts may not offer it.
    expect(() => make({ ...listTool, effect: "write" })).toThrow(/effect is "write": only a tool that reads/);
    expect(() => make({ ...listTool, effect: "destructive" })).toThrow(/effect is "destructive"/);
  });
});
