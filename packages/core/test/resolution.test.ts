import { dockerVocabulary, loadPolicy } from "@arktechnwa/mcp-policy";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { PluginLoadError, ToolError } from "../src/errors.js";
import { createKernel } from "../src/kernel.js";
import {
  defineTool,
  KERNEL_API_VERSION,
  type Plugin,
  type ResolvedResource,
  type ResourceResolver,
  type ToolManifest,
} from "../src/plugin.js";

/** Resolution fails closed: no kind without its one resolver, no target judged on text as typed unless declared bare. */

interface Deps {
  networks: ResolvedResource[];
  acted: string[];
}

const networks: ResolvedResource[] = [
  { kind: "network", id: "f00dfeed0001", names: ["prod-net"] },
  { kind: "network", id: "cafebabe0002", names: ["dev-net"] },
];

const findNetwork =
  (deps: Deps): ResourceResolver =>
  async (ref) => {
    const found = deps.networks.find((n) => n.names.includes(ref) || n.id?.startsWith(ref));
    if (!found) throw new ToolError("not_found", `No network "${ref}".`);
    return found;
  };

const networkRm = defineTool({
  name: "t_network_rm",
  title: "Remove network",
  description: "remove",
  levels: ["lifecycle"],
  timeoutClass: "lifecycle",
  effect: "destructive",
  input: z.strictObject({ networks: z.array(z.string()) }),
  output: z.object({ removed: z.array(z.string()), rejected: z.array(z.string()) }),
  targetKinds: ["network"],
  targets: (a) => a.networks.map((ref) => ({ kind: "network", ref })),
  targetMode: "each",
  render: (o) => o.removed.join(","),
});

const networkInspect = defineTool({
  name: "t_network_inspect",
  title: "Inspect network",
  description: "inspect",
  levels: ["read"],
  timeoutClass: "read",
  effect: "read",
  input: z.strictObject({ network: z.string() }),
  output: z.object({ id: z.string() }),
  targetKinds: ["network"],
  targets: (a) => [{ kind: "network", ref: a.network }],
  render: (o) => o.id,
});

const networkCreate = defineTool({
  name: "t_network_create",
  title: "Create network",
  description: "create",
  levels: ["create"],
  timeoutClass: "lifecycle",
  effect: "write",
  input: z.strictObject({ name: z.string() }),
  output: z.object({ created: z.string() }),
  bareKinds: ["network"],
  targets: (a) => [{ kind: "network", ref: a.name, resolve: false }],
  render: (o) => o.created,
});

const networkTools: Plugin<Deps> = {
  manifest: {
    name: "networks",
    apiVersion: KERNEL_API_VERSION,
    tools: [networkRm, networkInspect, networkCreate],
  },
  handlers: {
    t_network_rm: (deps) => async (_input, ctx) => {
      for (const t of ctx.targets) deps.acted.push(t.id as string);
      return {
        removed: ctx.targets.map((t) => t.id as string),
        rejected: ctx.rejected.map((r) => `${r.ref}:${r.status}:${r.code}`),
      };
    },
    t_network_inspect: (deps) => async (_input, ctx) => {
      deps.acted.push(ctx.targets[0]?.id as string);
      return { id: ctx.targets[0]?.id as string };
    },
    t_network_create: (deps) => async (input) => {
      deps.acted.push(input.name);
      return { created: input.name };
    },
  },
};

/** A resource provider: resolvers and no tools. */
const provider: Plugin<Deps> = {
  manifest: { name: "provider", apiVersion: KERNEL_API_VERSION, tools: [] },
  resolvers: { network: findNetwork },
};

const levels = dockerVocabulary.levels.map((l) => l.name);
const policy = loadPolicy({
  permissions: { read: true, lifecycle: true, create: true, blacklist_networks: ["prod-net"] },
});

function kernel(plugins: Plugin<Deps>[]) {
  const deps: Deps = { networks, acted: [] };
  const k = createKernel({
    plugins,
    deps,
    policy,
    levels,
    exec: { maxOutputBytes: 1, timeoutMs: 1 },
    timeouts: { read: 30_000, lifecycle: 60_000 },
  });
  return { k, deps };
}

describe("resolution fails closed", () => {
  it("refuses to load a tool whose target kind has no resolver, naming the tool and the kind", () => {
    const load = () => kernel([networkTools]);
    expect(load).toThrow(PluginLoadError);
    expect(load).toThrow(
      /plugin "networks": tool "t_network_rm" targets kind "network", but no loaded plugin resolves it/,
    );
    expect(load).toThrow(/bareKinds/);
  });

  it("refuses two resolvers for one kind, naming both plugins, in either order", () => {
    const second: Plugin<Deps> = { ...provider, manifest: { ...provider.manifest, name: "second" } };
    expect(() => kernel([provider, networkTools, second])).toThrow(
      /plugin "second": brings a resolver for kind "network", which plugin "provider" already resolves/,
    );
    expect(() => kernel([second, provider])).toThrow(
      /plugin "provider": brings a resolver for kind "network", which plugin "second" already resolves/,
    );
  });

  it("takes resolvers from a plugin without tools, loaded before or after the tools", async () => {
    for (const plugins of [
      [provider, networkTools],
      [networkTools, provider],
    ]) {
      const { k, deps } = kernel(plugins);
      expect(k.tools.map((t) => t.plugin)).not.toContain("provider");
      const r = await k.call("t_network_inspect", { network: "cafe" });
      expect(r).toMatchObject({ isError: false, structured: { id: "cafebabe0002" } });
      expect(deps.acted).toEqual(["cafebabe0002"]);
    }
  });

  it("judges a target by what it resolves to: a blacklisted network given by ID is denied", async () => {
    const { k, deps } = kernel([networkTools, provider]);
    const byId = await k.call("t_network_inspect", { network: "f00dfeed0001" });
    expect(byId).toMatchObject({ isError: true, code: "blacklisted" });
    const each = await k.call("t_network_rm", { networks: ["f00d", "dev-net"] });
    expect(each.structured).toEqual({ removed: ["cafebabe0002"], rejected: ["f00d:denied:blacklisted"] });
    expect(deps.acted).toEqual(["cafebabe0002"]);
  });

  it("denies a target the resolver cannot find, and never judges the text as typed", async () => {
    // "ghost" would pass the policy as a bare name: the kernel must not fall back to it.
    const { k, deps } = kernel([networkTools, provider]);
    const r = await k.call("t_network_inspect", { network: "ghost" });
    expect(r).toMatchObject({ isError: true, code: "not_found" });
    expect(r.text).toMatch(/No network "ghost"/);
    const each = await k.call("t_network_rm", { networks: ["ghost", "dev-net"] });
    expect(each.structured).toEqual({ removed: ["cafebabe0002"], rejected: ["ghost:unresolved:not_found"] });
    expect(deps.acted).toEqual(["cafebabe0002"]);
  });

  it("denies a target whose resolver answers with nothing or with another kind", async () => {
    for (const [answer, code] of [
      [undefined, "not_found"],
      [{ kind: "volume", names: ["dev-net"] }, "internal_error"],
    ] as const) {
      const sloppy: Plugin<Deps> = {
        manifest: { name: "sloppy", apiVersion: KERNEL_API_VERSION, tools: [] },
        resolvers: { network: () => async () => answer as unknown as ResolvedResource },
      };
      const { k, deps } = kernel([networkTools, sloppy]);
      expect(await k.call("t_network_inspect", { network: "dev-net" })).toMatchObject({
        isError: true,
        code,
      });
      expect(deps.acted).toEqual([]);
    }
  });

  it("judges a declared bare name as given (a resource about to be created)", async () => {
    const { k, deps } = kernel([networkTools, provider]);
    expect(await k.call("t_network_create", { name: "prod-net" })).toMatchObject({
      isError: true,
      code: "blacklisted",
    });
    expect(await k.call("t_network_create", { name: "new-net" })).toMatchObject({ isError: false });
    // Unnamed, it cannot be judged by the network lists: the denial says so (it was not named by ID).
    const unnamed = await k.call("t_network_create", { name: "" });
    expect(unnamed).toMatchObject({ isError: true, code: "unnamed" });
    expect(unnamed.text).toMatch(/has no name/);
    expect(deps.acted).toEqual(["new-net"]);
  });

  it("judges a mounted target by what it really mounts when it exists, by its name when it does not yet", async () => {
    // A "volume" resolver whose records say what mounting them asks: one is a bind of /etc.
    const volumes: Record<string, ResolvedResource> = {
      etcvol: {
        kind: "volume",
        names: ["etcvol"],
        createFacts: {
          mounts: [{ type: "bind", source: "/etc", target: "/", readOnly: false, options: [] }],
        },
      },
      plain: { kind: "volume", names: ["plain"] },
    };
    const mount = defineTool({
      name: "t_mount",
      title: "Mount",
      description: "mount",
      levels: ["create"],
      timeoutClass: "lifecycle",
      effect: "write",
      input: z.strictObject({ volume: z.string(), bare: z.boolean().optional() }),
      output: z.object({ ok: z.boolean() }),
      targetKinds: ["volume"],
      bareKinds: ["volume"],
      targets: (a) => [{ kind: "volume", ref: a.volume, mounted: true }],
      render: () => "ok",
    });
    const peek = defineTool({
      ...mount,
      name: "t_peek",
      targets: (a) => [{ kind: "volume", ref: a.volume }],
    });
    const volumePlugin: Plugin<Deps> = {
      manifest: { name: "volumes", apiVersion: KERNEL_API_VERSION, tools: [mount, peek] },
      resolvers: {
        volume: () => async (ref) => {
          const found = volumes[ref];
          if (!found) throw new ToolError("not_found", `No volume "${ref}".`);
          return found;
        },
      },
      handlers: {
        t_mount: (deps) => async (input) => {
          deps.acted.push(`mount ${input.volume}`);
          return { ok: true };
        },
        t_peek: (deps) => async (input) => {
          deps.acted.push(`peek ${input.volume}`);
          return { ok: true };
        },
      },
    };
    const { k, deps } = kernel([volumePlugin, networkTools, provider]);
    const etc = await k.call("t_mount", { volume: "etcvol" });
    expect(etc).toMatchObject({ isError: true, code: "create_unsafe" });
    expect(etc.text).toMatch(/host path \/etc is refused/);
    expect(await k.call("t_mount", { volume: "plain" })).toMatchObject({ isError: false });
    expect(await k.call("t_mount", { volume: "not-yet" })).toMatchObject({ isError: false });
    // What a volume mounts is judged only where it is mounted: a tool that only looks at it is not refused.
    expect(await k.call("t_peek", { volume: "etcvol" })).toMatchObject({ isError: false });
    expect(await k.call("t_peek", { volume: "not-yet" })).toMatchObject({ isError: true, code: "not_found" });
    expect(deps.acted).toEqual(["mount plain", "mount not-yet", "peek etcvol"]);

    // A mounted kind must be declared bare too: the kernel would otherwise judge a missing one by name.
    const undeclared = defineTool({ ...mount, name: "t_mount2", bareKinds: [] });
    const plugin2: Plugin<Deps> = {
      manifest: { name: "v2", apiVersion: KERNEL_API_VERSION, tools: [undeclared] },
      handlers: { t_mount2: () => async () => ({ ok: true }) },
    };
    const { k: k2 } = kernel([
      plugin2,
      { ...volumePlugin, manifest: { ...volumePlugin.manifest, tools: [] }, handlers: {} },
    ]);
    expect(await k2.call("t_mount2", { volume: "plain" })).toMatchObject({
      isError: true,
      code: "internal_error",
    });
  });

  it("refuses a call whose tool names a target it did not declare, before anything runs", async () => {
    const sneaky = defineTool({
      ...networkInspect,
      name: "t_sneaky",
      // Declares "network" as resolved, then hands it over bare; and a kind it never declared.
      targets: (a) => [
        { kind: "network", ref: a.network, resolve: false },
        { kind: "volume", ref: a.network },
      ],
    });
    const plugin: Plugin<Deps> = {
      manifest: { name: "sneaky", apiVersion: KERNEL_API_VERSION, tools: [sneaky] },
      handlers: {
        t_sneaky: (deps) => async () => {
          deps.acted.push("ran");
          return { id: "x" };
        },
      },
    };
    const { k, deps } = kernel([plugin, provider]);
    const r = await k.call("t_sneaky", { network: "dev-net" });
    expect(r).toMatchObject({ isError: true, code: "internal_error" });
    expect(r.text).toMatch(/does not declare "network" in bareKinds/);
    expect(deps.acted).toEqual([]);
  });

  it("refuses to load a tool declaring a kind the policy does not know (it could never be judged)", () => {
    const typo = defineTool({ ...networkCreate, bareKinds: ["netwrk"] });
    const plugin: Plugin<Deps> = {
      manifest: { name: "typo", apiVersion: KERNEL_API_VERSION, tools: [typo] },
      handlers: { t_network_create: () => async () => ({ created: "x" }) },
    };
    expect(() => kernel([plugin, provider])).toThrow(
      /plugin "typo": tool "t_network_create" declares kind "netwrk" in bareKinds, which the policy does not know \(known kinds: container, image, volume, network, compose_project\)/,
    );
  });

  it("refuses to load a tool with targets that declares no kinds", () => {
    const { targetKinds: _, ...undeclared } = networkInspect;
    const plugin: Plugin<Deps> = {
      manifest: { name: "vague", apiVersion: KERNEL_API_VERSION, tools: [undeclared as ToolManifest] },
      handlers: { t_network_inspect: () => async () => ({ id: "x" }) },
    };
    expect(() => kernel([plugin, provider])).toThrow(/has targets but declares no targetKinds/);
  });
});
