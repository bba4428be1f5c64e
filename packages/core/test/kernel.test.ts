import { MASK } from "@arktechnwa/mcp-mask";
import { dockerVocabulary, loadPolicy } from "@arktechnwa/mcp-policy";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { AuditRecord } from "../src/audit.js";
import { errorCode, PluginLoadError, ToolError } from "../src/errors.js";
import { createKernel } from "../src/kernel.js";
import { defineTool, KERNEL_API_VERSION, type Plugin, type ResolvedResource } from "../src/plugin.js";
import type { KernelWording } from "../src/wording.js";

/** The timeout classes a server would define. */
const TIMEOUTS = { read: 30_000, lifecycle: 60_000, exec: 30_000, compose: 120_000 };

/** What a server injects: which errors mean the target is down, and how to check state. */
const WORDING: Partial<KernelWording> = {
  product: "test-server",
  isUnreachable: (error) => errorCode(error) === "UNREACHABLE",
  checkState: () => "Check the current state with t_list before retrying.",
};

afterEach(() => {
  vi.useRealTimers();
});

interface Deps {
  containers: ResolvedResource[];
  acted: string[];
  /** What each resolver call was told (may it answer from what it keeps current?). */
  resolveOptions?: unknown[];
}

const byRef = (deps: Deps) => async (ref: string, _signal: AbortSignal, options?: unknown) => {
  deps.resolveOptions?.push(options);
  if (ref === "down") throw new ToolError("UNREACHABLE", "Cannot reach the daemon.");
  const clean = ref.replace(/^\//, "");
  const found = deps.containers.filter(
    (c) => c.names.includes(clean) || c.id === clean || c.id?.startsWith(clean),
  );
  if (found.length === 1) return found[0] as ResolvedResource;
  throw new ToolError(found.length ? "AMBIGUOUS" : "NOT_FOUND", `No container "${ref}".`);
};

const echoTool = defineTool({
  name: "t_echo",
  title: "Echo",
  description: "echo",
  levels: ["read"],
  timeoutClass: "read",
  effect: "read",
  input: z.strictObject({ container: z.string(), say: z.string().optional() }),
  output: z.object({ id: z.string(), said: z.string() }),
  targetKinds: ["container"],
  targets: (a) => [{ kind: "container", ref: a.container }],
  render: (o) => `${o.id}: ${o.said}`,
});

const stopTool = defineTool({
  name: "t_stop",
  title: "Stop",
  description: "stop",
  levels: ["lifecycle"],
  timeoutClass: "lifecycle",
  effect: "destructive",
  idempotent: true,
  input: z.strictObject({ containers: z.array(z.string()) }),
  output: z.object({
    stopped: z.array(z.string()),
    rejected: z.array(z.string()),
    notes: z.array(z.string()),
  }),
  targetKinds: ["container"],
  targets: (a) => a.containers.map((ref) => ({ kind: "container", ref })),
  targetMode: "each",
  render: (o) => `stopped ${o.stopped.join(",")}; rejected ${o.rejected.join(",")}`,
  failed: (o) => o.stopped.length === 0,
});

const listTool = defineTool({
  name: "t_list",
  title: "List",
  description: "list",
  levels: ["read"],
  timeoutClass: "read",
  effect: "read",
  input: z.strictObject({}),
  output: z.object({ names: z.array(z.string()), hidden: z.number() }),
  render: (o) => o.names.join(","),
});

const slowTool = defineTool({
  name: "t_slow",
  title: "Slow",
  description: "never answers",
  levels: ["lifecycle"],
  timeoutClass: "lifecycle",
  effect: "write",
  input: z.strictObject({}),
  output: z.object({}),
  render: () => "",
});

const badTool = defineTool({
  name: "t_bad",
  title: "Bad",
  description: "wrong output",
  levels: ["read"],
  timeoutClass: "read",
  effect: "read",
  input: z.strictObject({}),
  output: z.object({ n: z.number() }),
  render: () => "",
});

/** Its lines go in the text only (a log's lines): the structured content counts them. */
const linesTool = defineTool({
  name: "t_lines",
  title: "Lines",
  description: "lines",
  levels: ["read"],
  timeoutClass: "read",
  effect: "read",
  input: z.strictObject({ container: z.string() }),
  output: z.object({ lines: z.array(z.string()), count: z.number() }),
  targetKinds: ["container"],
  targets: (a) => [{ kind: "container", ref: a.container }],
  textOnly: ["lines"],
  render: (o) => [`${o.count} lines`, ...o.lines].join("\n"),
});

const plugin: Plugin<Deps> = {
  manifest: {
    name: "fake",
    apiVersion: KERNEL_API_VERSION,
    tools: [echoTool, stopTool, listTool, slowTool, badTool, linesTool],
  },
  handlers: {
    t_lines: () => async () => ({
      lines: ["one", "the value supersecretvalue leaked", "\u001b[31mred\u001b[0m"],
      count: 3,
    }),
    t_echo: (deps) => async (input, ctx) => {
      deps.acted.push(ctx.targets[0]?.id ?? "?");
      return { id: ctx.targets[0]?.id ?? "?", said: input.say ?? "" };
    },
    t_stop: (deps) => async (_input, ctx) => {
      for (const t of ctx.targets) deps.acted.push(t.id as string);
      return {
        stopped: ctx.targets.map((t) => t.names[0] as string),
        rejected: ctx.rejected.map((r) => `${r.ref}:${r.status}`),
        notes: ctx.rejected.map((r) => r.message),
      };
    },
    t_list: (deps) => async (_input, ctx) => {
      const { visible, hidden } = ctx.visible(deps.containers, (c) => c);
      return { names: visible.map((c) => c.names[0] as string), hidden };
    },
    t_slow: () => () => new Promise(() => {}),
    t_bad: () => async () => ({ n: "not a number" }) as unknown as { n: number },
  },
  resolvers: { container: byRef },
};

const containers: ResolvedResource[] = [
  { kind: "container", id: "aaaa1111", names: ["web"], image: "nginx:1.27", secrets: ["supersecretvalue"] },
  { kind: "container", id: "bbbb2222", names: ["vault"], image: "hashicorp/vault:1" },
  { kind: "container", id: "cccc3333", names: ["api"], image: "myorg/api:2" },
];

function kernel(
  document: unknown,
  extra: {
    timeouts?: { lifecycle: number };
    audit?: (r: AuditRecord) => void;
    bypass?: boolean;
    breaker?: { failureThreshold: number; cooldownMs: number };
    now?: () => number;
  } = {},
) {
  const deps: Deps = { containers, acted: [], resolveOptions: [] };
  const policy = loadPolicy(document, extra.bypass ? { bypass: true } : {});
  const k = createKernel({
    plugins: [plugin],
    deps,
    policy,
    levels: dockerVocabulary.levels.map((l) => l.name),
    exec: { maxOutputBytes: 100, timeoutMs: 1000 },
    timeouts: { ...TIMEOUTS, ...extra.timeouts },
    wording: WORDING,
    ...(extra.audit ? { audit: extra.audit } : {}),
    ...(extra.breaker ? { breaker: extra.breaker } : {}),
    ...(extra.now ? { now: extra.now } : {}),
  });
  return { k, deps };
}

const policyDoc = { permissions: { read: true, lifecycle: true, blacklist_containers: ["vault"] } };

describe("kernel pipeline", () => {
  it("sends textOnly fields in the text alone: checked, sanitized and masked, left out of the structured content and its schema", async () => {
    const { k } = kernel(policyDoc);
    const r = await k.call("t_lines", { container: "web" });
    expect(r.isError).toBe(false);
    expect(r.structured).toEqual({ count: 3 });
    expect(r.text).toBe(`3 lines\none\nthe value ${MASK} leaked\nred`);
    const surface = k.tools.find((t) => t.manifest.name === "t_lines")?.surface.outputSchema as unknown as {
      properties: Record<string, unknown>;
      required: string[];
    };
    expect(Object.keys(surface.properties)).toEqual(["count"]);
    expect(surface.required).toEqual(["count"]);
  });

  it("lets a resolver answer from what it keeps current only for a tool that only reads", async () => {
    const { k, deps } = kernel(policyDoc);
    await k.call("t_echo", { container: "web" });
    await k.call("t_stop", { containers: ["web"] });
    expect(deps.resolveOptions).toEqual([{ cached: true }, { cached: false }]);
  });

  it("validates input and says what is wrong", async () => {
    const { k } = kernel(policyDoc);
    const r = await k.call("t_echo", { container: 5, extra: 1 });
    expect(r.isError).toBe(true);
    expect(r.code).toBe("invalid_input");
    expect(r.text).toMatch(/container/);
    expect(r.text).toMatch(/extra/);
  });

  it("denies a tool whose level is off and names the key that turns it on", async () => {
    const { k } = kernel({ permissions: { read: true } });
    const r = await k.call("t_stop", { containers: ["web"] });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/permissions\.lifecycle/);
    expect(k.enabledTools().map((t) => t.manifest.name)).not.toContain("t_stop");
  });

  it.each(["vault", "/vault", "bbbb", "bbbb2222"])(
    "denies a blacklisted container named as %s",
    async (ref) => {
      const { k, deps } = kernel(policyDoc);
      const r = await k.call("t_echo", { container: ref });
      expect(r).toMatchObject({ isError: true, code: "blacklisted" });
      expect(deps.acted).toEqual([]);
      expect(r.text).toMatch(/blacklist_containers/);
    },
  );

  it("does not reveal the name of a denied container the caller named by ID prefix", async () => {
    const { k } = kernel({ permissions: { blacklist_containers: ["vau*"] } });
    const byPrefix = await k.call("t_echo", { container: "bbbb" });
    expect(byPrefix.text).toContain('"bbbb"');
    expect(byPrefix.text).not.toContain("vault");
    const byName = await k.call("t_echo", { container: "vault" });
    expect(byName.text).toContain('"vault"');
    const { k: k2 } = kernel({ permissions: { lifecycle: true, blacklist_containers: ["vau*"] } });
    const each = await k2.call("t_stop", { containers: ["bbbb2222"] });
    expect(each.structured?.rejected).toEqual(["bbbb2222:denied"]);
    expect(each.structured?.notes).toEqual([expect.stringContaining('"bbbb2222"')]);
    expect(JSON.stringify(each)).not.toContain("vault");
  });

  it.each([
    { rule: { blacklist_containers: ["vault"] }, list: "blacklist_containers" },
    { rule: { blacklist_containers: ["vau*", "*-db"] }, list: "blacklist_containers" },
    { rule: { whitelist_containers: ["web", "api"] }, list: "whitelist_containers" },
    { rule: { blacklist_images: ["hashicorp/*"] }, list: "blacklist_images" },
  ])(
    "a denial of a container named by ID prefix says it is protected ($list), never its name or a pattern that is not one",
    async ({ rule, list }) => {
      const { k } = kernel({ permissions: { lifecycle: true, ...rule } });
      for (const ref of ["bbbb", "bbbb2222"]) {
        const single = await k.call("t_echo", { container: ref });
        expect(single.isError).toBe(true);
        expect(single.text).toBe(
          `Denied by policy: Container "${ref}" is protected by the policy (permissions.${list}). Named by ID, its names and the rule's pattern are not shown.`,
        );
        const each = await k.call("t_stop", { containers: [ref, "web"] });
        const text = JSON.stringify(each);
        expect(text).toContain(`protected by the policy (permissions.${list})`);
        for (const leak of ["vault", "hashicorp", "vau*", `pattern \\"${ref}\\"`])
          expect(text).not.toContain(leak);
      }
    },
  );

  it("isError tells the truth: acting on no target is an error whose answer still lists each one", async () => {
    const { k, deps } = kernel({ permissions: { lifecycle: true, blacklist_containers: ["vault"] } });
    const none = await k.call("t_stop", { containers: ["vault"] });
    expect(none).toMatchObject({ isError: true, code: "denied" });
    expect(none.text).toContain("rejected vault:denied");
    expect(none.structured).toMatchObject({ stopped: [], rejected: ["vault:denied"] });
    const missing = await k.call("t_stop", { containers: ["vault", "nope"] });
    expect(missing).toMatchObject({ isError: true, code: "failed" });
    expect(missing.structured?.rejected).toEqual(["vault:denied", "nope:unresolved"]);
    const some = await k.call("t_stop", { containers: ["vault", "web"] });
    expect(some.isError).toBe(false);
    expect(some.structured).toMatchObject({ stopped: ["web"], rejected: ["vault:denied"] });
    expect(deps.acted).toEqual(["aaaa1111"]);
  });

  it("decides each target on its own: the blacklisted one is never touched", async () => {
    const { k, deps } = kernel(policyDoc);
    const r = await k.call("t_stop", { containers: ["web", "vault", "api", "nope"] });
    expect(r.isError).toBe(false);
    expect(deps.acted).toEqual(["aaaa1111", "cccc3333"]);
    expect(r.structured).toMatchObject({
      stopped: ["web", "api"],
      rejected: ["vault:denied", "nope:unresolved"],
    });
  });

  it("filters listings through the policy", async () => {
    const { k } = kernel(policyDoc);
    const r = await k.call("t_list", {});
    expect(r.structured).toEqual({ names: ["web", "api"], hidden: 1 });
  });

  it("masks the target's secrets in the answer", async () => {
    const { k } = kernel(policyDoc);
    const r = await k.call("t_echo", { container: "web", say: "the password is supersecretvalue" });
    expect(JSON.stringify(r)).not.toContain("supersecretvalue");
    expect(r.text).toContain(MASK);
  });

  it("reports a write past its deadline as outcome unknown, at the deadline and not before", async () => {
    vi.useFakeTimers();
    const { k } = kernel(policyDoc, { timeouts: { lifecycle: 1500 } });
    let settled = false;
    const pending = k.call("t_slow", {}).finally(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(1499);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const r = await pending;
    expect(r.code).toBe("deadline_exceeded");
    expect(r.text).toMatch(/within its 1.5 s deadline \(timeout class "lifecycle"\)/);
    expect(r.text).toMatch(/outcome is unknown/);
    // How to check the state is the server's wording.
    expect(r.text).toMatch(/Check the current state with t_list before retrying\.$/);
  });

  it("tells a read past its deadline what to try, in neutral words unless the server says otherwise", async () => {
    vi.useFakeTimers();
    const readSlow = defineTool({
      ...slowTool,
      name: "t_read_slow",
      levels: ["read"],
      timeoutClass: "read",
      effect: "read",
    });
    const k = createKernel({
      plugins: [
        {
          manifest: { name: "r", apiVersion: KERNEL_API_VERSION, tools: [readSlow] },
          handlers: { t_read_slow: () => () => new Promise(() => {}) },
        },
      ],
      deps: {},
      policy: loadPolicy({}),
      levels: dockerVocabulary.levels.map((l) => l.name),
      exec: { maxOutputBytes: 1, timeoutMs: 1 },
      timeouts: { read: 2000 },
    });
    const pending = k.call("t_read_slow", {});
    await vi.advanceTimersByTimeAsync(2000);
    const r = await pending;
    expect(r.code).toBe("deadline_exceeded");
    expect(r.text).toBe(
      't_read_slow did not finish within its 2 s deadline (timeout class "read"). The target system may be overloaded or stuck; try again, narrow the request, or raise the "read" timeout.',
    );
    expect(r.text).not.toMatch(/docker|daemon/i);
  });

  it("ends a call the client cancels", async () => {
    const { k } = kernel(policyDoc);
    const client = new AbortController();
    const pending = k.call("t_slow", {}, { signal: client.signal });
    client.abort();
    const r = await pending;
    expect(r.code).toBe("cancelled");
  });

  it("turns an answer that breaks its own schema into a clear internal error", async () => {
    const { k } = kernel(policyDoc);
    const r = await k.call("t_bad", {});
    expect(r.isError).toBe(true);
    expect(r.code).toBe("internal_error");
  });

  it("writes an audit record per decision", async () => {
    const records: AuditRecord[] = [];
    const { k } = kernel(policyDoc, { audit: (rec) => records.push(rec) });
    await k.call("t_echo", { container: "web" });
    await k.call("t_echo", { container: "vault" });
    expect(records.map((r) => [r.outcome, r.allowed])).toEqual([
      ["ok", true],
      ["denied", false],
    ]);
    expect(records[1]?.targets[0]).toMatchObject({ ref: "vault", id: "bbbb2222" });
    expect(records[1]?.reasons[0]?.code).toBe("blacklisted");
    expect(records[0]?.revision).toMatch(/^[0-9a-f]+$/);
    expect(records[0]?.resources?.[0]).toMatchObject({ kind: "container", names: ["web"] });
  });

  it("audits each target of a per-target call with its own verdict", async () => {
    const records: AuditRecord[] = [];
    const { k } = kernel(policyDoc, { audit: (rec) => records.push(rec) });
    await k.call("t_stop", { containers: ["web", "vault", "nope"] });
    expect(records[0]?.targets.map((t) => [t.ref, t.allowed, t.code])).toEqual([
      ["web", true, "allowed"],
      ["vault", false, "blacklisted"],
      ["nope", false, "NOT_FOUND"],
    ]);
  });

  it("allows everything under bypass and says so", async () => {
    const records: AuditRecord[] = [];
    const { k } = kernel(
      { permissions: { blacklist_containers: ["vault"] } },
      { bypass: true, audit: (r) => records.push(r) },
    );
    const r = await k.call("t_echo", { container: "vault" });
    expect(r.isError).toBe(false);
    expect(records[0]?.bypassed).toBe(true);
  });

  it("a denied trial call closes a half-open circuit instead of wedging it", async () => {
    let clock = 1_000_000;
    const { k } = kernel(policyDoc, {
      breaker: { failureThreshold: 1, cooldownMs: 30 },
      now: () => clock,
    });
    expect((await k.call("t_echo", { container: "down" })).code).toBe("UNREACHABLE");
    const open = await k.call("t_echo", { container: "web" });
    expect(open.code).toBe("circuit_open");
    expect(open.text).toBe(
      "The target system failed to answer 1 time within 60 s, so calls are paused (circuit breaker): test-server retries in 1 s. Check that it is running and reachable.",
    );
    clock += 29;
    expect((await k.call("t_echo", { container: "web" })).code).toBe("circuit_open");
    clock += 1;
    expect((await k.call("t_echo", { container: "vault" })).code).toBe("blacklisted");
    expect((await k.call("t_echo", { container: "web" })).isError).toBe(false);
  });

  it("close() cancels calls in flight, waits for their handlers, then refuses new calls", async () => {
    vi.useFakeTimers();
    let finished = false;
    const slowPlugin: Plugin<Deps> = {
      manifest: {
        name: "slow",
        apiVersion: KERNEL_API_VERSION,
        tools: [defineTool({ ...slowTool, name: "t_cleanup" })],
      },
      handlers: {
        // Like an exec that must kill its process after a cancel: it ends a little after the abort.
        t_cleanup: () => (_input, ctx) =>
          new Promise((_resolve, reject) => {
            ctx.signal.addEventListener("abort", () =>
              setTimeout(() => {
                finished = true;
                reject(new Error("killed"));
              }, 50),
            );
          }),
      },
    };
    const k = createKernel({
      plugins: [slowPlugin],
      deps: { containers, acted: [] },
      policy: loadPolicy({ permissions: { lifecycle: true } }),
      levels: dockerVocabulary.levels.map((l) => l.name),
      exec: { maxOutputBytes: 1, timeoutMs: 1 },
      timeouts: TIMEOUTS,
      wording: WORDING,
    });
    const pending = k.call("t_cleanup", {});
    await vi.advanceTimersByTimeAsync(10);
    let closed = false;
    const closing = k.close(2000).then(() => {
      closed = true;
    });
    await vi.advanceTimersByTimeAsync(49);
    expect(closed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await closing;
    expect(finished).toBe(true);
    expect((await pending).code).toBe("cancelled");
    expect(await k.call("t_cleanup", {})).toMatchObject({
      code: "shutting_down",
      text: "Test-server is shutting down; no new calls are taken.",
    });
  });

  it("sends heartbeat progress while a call runs", async () => {
    vi.useFakeTimers();
    const deps: Deps = { containers, acted: [] };
    const k = createKernel({
      plugins: [plugin],
      deps,
      policy: loadPolicy({ permissions: { lifecycle: true } }),
      levels: dockerVocabulary.levels.map((l) => l.name),
      exec: { maxOutputBytes: 1, timeoutMs: 1 },
      timeouts: { ...TIMEOUTS, lifecycle: 2_500 },
      heartbeatMs: 1_000,
    });
    const beats: string[] = [];
    const pending = k.call("t_slow", {}, { onProgress: (message) => beats.push(message) });
    await vi.advanceTimersByTimeAsync(2_500);
    await pending;
    expect(beats).toEqual(["t_slow still running after 1 s", "t_slow still running after 2 s"]);
    // Stopped with the call: no beat after it ended.
    await vi.advanceTimersByTimeAsync(5_000);
    expect(beats).toHaveLength(2);
  });

  it("refuses an answer too large for a model, saying how to narrow it", async () => {
    const deps: Deps = { containers, acted: [] };
    const k = createKernel({
      plugins: [plugin],
      deps,
      policy: loadPolicy(policyDoc),
      levels: dockerVocabulary.levels.map((l) => l.name),
      exec: { maxOutputBytes: 1, timeoutMs: 1 },
      timeouts: TIMEOUTS,
      maxStructuredChars: 100,
    });
    const r = await k.call("t_echo", { container: "web", say: "x".repeat(200) });
    expect(r).toMatchObject({ isError: true, code: "too_large" });
    expect(r.text).toMatch(/Narrow the request/);
    expect((await k.call("t_echo", { container: "web", say: "short" })).isError).toBe(false);
  });

  it("answers an unknown tool with the way out", async () => {
    const { k } = kernel(policyDoc);
    const r = await k.call("nope", {});
    expect(r).toMatchObject({ isError: true, code: "unknown_tool" });
  });
});

describe("plugin loading", () => {
  const levels = dockerVocabulary.levels.map((l) => l.name);
  const base = {
    deps: {},
    policy: loadPolicy({}),
    levels,
    exec: { maxOutputBytes: 1, timeoutMs: 1 },
    timeouts: TIMEOUTS,
  };
  const make = (
    tools: unknown[],
    handlers: Record<string, unknown>,
    name = "p",
    apiVersion = KERNEL_API_VERSION,
  ) => ({ manifest: { name, apiVersion, tools }, handlers }) as unknown as Plugin<unknown>;
  const noop = () => async () => ({});

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])(
    "refuses a timeout class whose deadline is %s ms",
    (ms) => {
      expect(() => createKernel({ ...base, plugins: [], timeouts: { ...TIMEOUTS, read: ms } })).toThrow(
        /timeout class "read" needs a positive number of ms/,
      );
    },
  );

  it.each([
    [
      "duplicate tool names",
      [make([listTool], { t_list: noop }), make([listTool], { t_list: noop }, "q")],
      /already declared/,
    ],
    ["unknown level", [make([{ ...listTool, levels: ["root"] }], { t_list: noop })], /unknown level "root"/],
    ["missing handler", [make([listTool], {})], /has no handler/],
    ["stray handler", [make([listTool], { t_list: noop, t_other: noop })], /belongs to no declared tool/],
    ["wrong API version", [make([listTool], { t_list: noop }, "p", 99)], /API version 99/],
    ["bad tool name", [make([{ ...listTool, name: "bad name!" }], { "bad name!": noop })], /must match/],
    [
      "a timeout class the server does not define",
      [make([{ ...listTool, timeoutClass: "pull" }], { t_list: noop })],
      /tool "t_list" has timeout class "pull", which this server does not define \(use one of read, lifecycle, exec, compose\)/,
    ],
  ])("rejects %s, naming the plugin", (_what, plugins, message) => {
    expect(() => createKernel({ ...base, plugins })).toThrow(PluginLoadError);
    expect(() => createKernel({ ...base, plugins })).toThrow(message);
  });
});

describe("confirmation (policy confirm)", () => {
  const doc = { ...policyDoc, confirm: ["t_stop"] };

  it("asks after the policy allowed, naming the resolved targets, and acts only on accept", async () => {
    const records: AuditRecord[] = [];
    const { k, deps } = kernel(doc, { audit: (r) => records.push(r) });
    const asked: string[] = [];
    const yes = await k.call(
      "t_stop",
      { containers: ["web", "vault"] },
      {
        confirm: async (q) => {
          asked.push(q.message);
          return "accept";
        },
      },
    );
    expect(yes.isError).toBe(false);
    expect(deps.acted).toEqual(["aaaa1111"]);
    expect(asked).toEqual(['Allow t_stop on container "web"? Arguments: {"containers":["web","vault"]}']);

    for (const answer of ["decline", "cancel"] as const) {
      const no = await k.call("t_stop", { containers: ["web"] }, { confirm: async () => answer });
      expect(no).toMatchObject({ isError: true, code: "not_confirmed" });
      expect(no.text).toMatch(/nothing was done/);
    }
    expect(deps.acted).toEqual(["aaaa1111"]);
    expect(records.map((r) => [r.outcome, r.reasons[0]?.code])).toEqual([
      ["ok", "allowed"],
      ["denied", "not_confirmed"],
      ["denied", "not_confirmed"],
    ]);
  });

  it("denies, saying how to drop the key, when the client cannot ask", async () => {
    const { k, deps } = kernel(doc);
    const r = await k.call("t_stop", { containers: ["web"] });
    expect(r).toMatchObject({ isError: true, code: "cannot_confirm" });
    expect(r.text).toMatch(/remove "t_stop" from "confirm"/);
    expect(deps.acted).toEqual([]);
  });

  it("asks nothing when the policy denies every target, or for a tool not listed", async () => {
    const { k } = kernel(doc);
    const confirm = vi.fn(async () => "accept" as const);
    await k.call("t_stop", { containers: ["vault"] }, { confirm });
    await k.call("t_echo", { container: "web" }, { confirm });
    expect(confirm).not.toHaveBeenCalled();
  });

  it("does not count the user's time against the call's deadline", async () => {
    const { k, deps } = kernel(doc, { timeouts: { lifecycle: 50 } });
    const r = await k.call(
      "t_stop",
      { containers: ["web"] },
      { confirm: () => new Promise((resolve) => setTimeout(() => resolve("accept"), 150)) },
    );
    expect(r.isError).toBe(false);
    expect(deps.acted).toEqual(["aaaa1111"]);
  });

  it("a cancel while asking ends the call as cancelled", async () => {
    const { k, deps } = kernel(doc);
    const controller = new AbortController();
    const r = await k.call(
      "t_stop",
      { containers: ["web"] },
      {
        signal: controller.signal,
        confirm: (_q, signal) =>
          new Promise((_resolve, reject) => {
            signal.addEventListener("abort", () => reject(signal.reason));
            controller.abort();
          }),
      },
    );
    expect(r).toMatchObject({ isError: true, code: "cancelled" });
    expect(deps.acted).toEqual([]);
  });
});
