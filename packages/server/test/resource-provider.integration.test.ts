import {
  COMPOSE_PROJECT_LABEL,
  displayName,
  listVisibleNetworks,
  listVisibleVolumes,
  theTarget,
} from "@arktechnwa/docker-kit";
import { defineTool, KERNEL_API_VERSION, type Plugin, type ToolContext } from "@arktechnwa/docker-mcp-core";
import {
  docker,
  ensureBusyboxImage,
  ensureDaemon,
  RUN_ID,
  removeFixtures,
  runFixture,
  TEST_LABEL,
  TEST_RUN_LABEL,
} from "@arktechnwa/docker-mcp-testkit";
import { containersPlugin } from "@arktechnwa/docker-mcp-tool-containers";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createServer, type DockerMcpServer, resolveConfig, type ServerDeps } from "../src/index.js";
import { text } from "./harness.js";

// A small plugin that targets networks, volumes and compose projects: the resource provider resolves
// them, so a blacklist written with names holds however the caller names the resource.
function touchTool(kind: string) {
  return defineTool({
    name: `test_${kind}_touch`,
    title: `Touch a ${kind}`,
    description: `Resolves one ${kind} and says which it was.`,
    levels: ["read"],
    timeoutClass: "read",
    effect: "read",
    input: z.strictObject({ ref: z.string() }),
    output: z.object({ name: z.string(), id: z.string().optional() }),
    targetKinds: [kind],
    targets: (args) => [{ kind, ref: args.ref }],
    render: (out) => out.name,
  });
}
const listTool = (kind: "network" | "volume") =>
  defineTool({
    name: `test_${kind}_ls`,
    title: `List ${kind}s`,
    description: `The ${kind}s the policy lets the caller see.`,
    levels: ["read"],
    timeoutClass: "read",
    effect: "read",
    input: z.strictObject({}),
    output: z.object({ names: z.array(z.string()), hidden: z.number() }),
    render: (out) => out.names.join(", "),
  });
const kinds = ["network", "volume", "compose_project"];
const testPlugin: Plugin<ServerDeps> = {
  manifest: {
    name: "test-resources",
    apiVersion: KERNEL_API_VERSION,
    tools: [...kinds.map(touchTool), listTool("network"), listTool("volume")],
  },
  handlers: {
    ...Object.fromEntries(
      kinds.map((kind) => [
        `test_${kind}_touch`,
        () => async (_args: unknown, ctx: ToolContext) => {
          const target = theTarget(ctx, kind);
          return { name: displayName(target), ...(target.id ? { id: target.id } : {}) };
        },
      ]),
    ),
    test_network_ls: (deps) => async (_args, ctx) => {
      const { visible, hidden } = await listVisibleNetworks(deps, ctx);
      return { names: visible.map((n) => n.name), hidden };
    },
    test_volume_ls: (deps) => async (_args, ctx) => {
      const { visible, hidden } = await listVisibleVolumes(deps, ctx);
      return { names: visible.map((v) => v.name), hidden };
    },
  },
};

const labels = ["--label", `${TEST_LABEL}=1`, "--label", `${TEST_RUN_LABEL}=${RUN_ID}`];
const net = { black: `dmcp-prod-net-${RUN_ID}`, open: `dmcp-dev-net-${RUN_ID}` };
const vol = { black: `dmcp-prod-vol-${RUN_ID}`, open: `dmcp-dev-vol-${RUN_ID}` };
const project = { black: `dmcpprod${RUN_ID}`, open: `dmcpdev${RUN_ID}` };
const ids: Record<string, string> = {};
let app: DockerMcpServer;
let client: Client;

async function call(name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

beforeAll(async () => {
  await ensureDaemon();
  await ensureBusyboxImage();
  for (const name of Object.values(net))
    ids[name] = await docker(["network", "create", "--internal", ...labels, name]);
  for (const name of Object.values(vol)) await docker(["volume", "create", ...labels, name]);
  for (const name of Object.values(project)) {
    await runFixture({ name: `proj-${name}`, start: false, labels: { [COMPOSE_PROJECT_LABEL]: name } });
  }
  app = createServer({
    plugins: [containersPlugin, testPlugin],
    config: resolveConfig(
      {
        permissions: {
          create: true,
          blacklist_networks: [net.black],
          blacklist_volumes: [vol.black],
          blacklist_compose_projects: [project.black],
        },
      },
      undefined,
      false,
    ),
    stderr: process.stderr,
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await app.connect(serverSide);
  client = new Client({ name: "t", version: "0" });
  await client.connect(clientSide);
}, 120_000);

afterAll(async () => {
  await client?.close();
  await app?.close();
  await removeFixtures();
  for (const name of Object.values(net)) await docker(["network", "rm", name]).catch(() => {});
  for (const name of Object.values(vol)) await docker(["volume", "rm", name]).catch(() => {});
});

describe("lists written with names hold however the resource is named", () => {
  it("a blacklisted network is denied by name, full ID and ID prefix", async () => {
    const id = ids[net.black] as string;
    for (const ref of [net.black, ` ${net.black}`, id, id.slice(0, 12), id.slice(0, 6)]) {
      const r = await call("test_network_touch", { ref });
      expect(r.isError, `${ref}: ${text(r)}`).toBe(true);
      expect(text(r)).toMatch(/blacklist_networks/);
    }
  });

  it("an allowed network given by ID resolves to its name", async () => {
    const id = ids[net.open] as string;
    for (const ref of [net.open, id, id.slice(0, 12)]) {
      const r = await call("test_network_touch", { ref });
      expect(r.isError, text(r)).toBeFalsy();
      expect(r.structuredContent).toEqual({ name: net.open, id });
    }
  });

  it("a network that is not there is not found, never judged on the text typed", async () => {
    for (const ref of [`dmcp-absent-${RUN_ID}`, "", "../volumes", `${net.open}/x`]) {
      const r = await call("test_network_touch", { ref });
      expect(r.isError, JSON.stringify(ref)).toBe(true);
      expect(text(r)).toMatch(/No network/);
    }
  });

  it("a blacklisted volume is denied; near-miss names are not found, never allowed", async () => {
    const denied = await call("test_volume_touch", { ref: vol.black });
    expect(denied.isError).toBe(true);
    expect(text(denied)).toMatch(/blacklist_volumes/);
    for (const ref of [
      ` ${vol.black}`,
      `${vol.black} `,
      `/${vol.black}`,
      vol.black.slice(0, -1),
      vol.black.toUpperCase(),
    ]) {
      const r = await call("test_volume_touch", { ref });
      expect(r.isError, JSON.stringify(ref)).toBe(true);
      expect(text(r)).toMatch(/No volume named/);
    }
    const ok = await call("test_volume_touch", { ref: vol.open });
    expect(ok.structuredContent).toEqual({ name: vol.open });
  });

  it("a blacklisted compose project is denied; an absent one is not found", async () => {
    const denied = await call("test_compose_project_touch", { ref: project.black });
    expect(denied.isError).toBe(true);
    expect(text(denied)).toMatch(/blacklist_compose_projects/);
    expect((await call("test_compose_project_touch", { ref: project.open })).structuredContent).toEqual({
      name: project.open,
    });
    const absent = await call("test_compose_project_touch", { ref: `${project.open}x` });
    expect(absent.isError).toBe(true);
    expect(text(absent)).toMatch(/No compose project/);
  });

  it("listings leave blacklisted networks and volumes out and count them", async () => {
    const nets = (await call("test_network_ls", {})).structuredContent as { names: string[]; hidden: number };
    expect(nets.names).toContain(net.open);
    expect(nets.names).not.toContain(net.black);
    expect(nets.hidden).toBeGreaterThanOrEqual(1);
    const vols = (await call("test_volume_ls", {})).structuredContent as { names: string[]; hidden: number };
    expect(vols.names).toContain(vol.open);
    expect(vols.names).not.toContain(vol.black);
    expect(vols.hidden).toBeGreaterThanOrEqual(1);
  });

  it("docker_create may not join a blacklisted network given by ID, and sends the ID it decided on", async () => {
    const black = ids[net.black] as string;
    const denied = await call("docker_create", {
      image: "docker-mcp-test/busybox:latest",
      network: black.slice(0, 12),
      labels: { [TEST_LABEL]: "1", [TEST_RUN_LABEL]: RUN_ID },
    });
    expect(denied.isError).toBe(true);
    expect(text(denied)).toMatch(/blacklist_networks/);
    const open = ids[net.open] as string;
    const created = await call("docker_create", {
      image: "docker-mcp-test/busybox:latest",
      network: open.slice(0, 12),
      labels: { [TEST_LABEL]: "1", [TEST_RUN_LABEL]: RUN_ID },
    });
    expect(created.isError, text(created)).toBeFalsy();
    const id = (created.structuredContent as { id: string }).id;
    expect(await docker(["inspect", "-f", "{{.HostConfig.NetworkMode}}", id])).toBe(open);
  });
});
