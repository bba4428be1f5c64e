import {
  docker,
  ensureBusyboxImage,
  ensureDaemon,
  type Fixture,
  fixtureName,
  removeFixtures,
  runFixture,
} from "@arktechnwa/docker-mcp-testkit";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import {
  type CallToolResult,
  ElicitRequestSchema,
  LoggingMessageNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../src/config.js";
import { createServer } from "../src/create-server.js";
import { text, writeConfig } from "./harness.js";
import { auditLines, type HttpBin, httpClient, startHttpBin } from "./http-harness.js";

let bin: HttpBin;
let web: Fixture;
let hiddenFixture: Fixture;
const hidden = fixtureName("mcpf-hidden");
const project = fixtureName("mcpf-proj");
const hiddenProject = fixtureName("mcpf-proj-hidden");
const composeLabels = (name: string) => ({
  "com.docker.compose.project": name,
  "com.docker.compose.service": "web",
  "com.docker.compose.oneoff": "False",
});
const clients: Client[] = [];
const warnings: string[] = [];

beforeAll(async () => {
  await ensureDaemon();
  await ensureBusyboxImage();
  web = await runFixture({ name: "mcpf-web", script: "echo hello-from-web; sleep 3600" });
  hiddenFixture = await runFixture({ name: "mcpf-hidden", script: "echo hidden-line; sleep 3600" });
  await runFixture({ name: "mcpf-proj-web", labels: composeLabels(project) });
  await runFixture({ name: "mcpf-proj-hidden-web", labels: composeLabels(hiddenProject) });
  const config = writeConfig({
    permissions: {
      read: true,
      create: true,
      blacklist_containers: [hidden],
      blacklist_compose_projects: [hiddenProject],
    },
    confirm: ["docker_remove", "docker_no_such_tool"],
  });
  bin = await startHttpBin(["--config", config, "--http", "127.0.0.1:0"]);
});

afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.close()));
  await bin?.stop();
  await removeFixtures();
});

async function client(answer?: "accept" | "decline" | "cancel", asked: string[] = []): Promise<Client> {
  const c = new Client(
    { name: "docker-mcp-features-test", version: "0.0.0" },
    answer ? { capabilities: { elicitation: {} } } : {},
  );
  if (answer) {
    c.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push(request.params.message);
      return { action: answer };
    });
  }
  c.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
    warnings.push(`${n.params.level}: ${String(n.params.data)}`);
  });
  const { StreamableHTTPClientTransport } = await import(
    "@modelcontextprotocol/sdk/client/streamableHttp.js"
  );
  await c.connect(new StreamableHTTPClientTransport(bin.url));
  clients.push(c);
  return c;
}

describe("resources", () => {
  it("offers templates for a container's logs, details and stats", async () => {
    const c = await httpClient(bin.url);
    clients.push(c);
    const { resourceTemplates } = await c.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate).sort()).toEqual([
      "docker://containers/{container}/inspect",
      "docker://containers/{container}/logs",
      "docker://containers/{container}/stats",
    ]);
  });

  it("lists the daemon's health and the visible containers, never a blacklisted one", async () => {
    const c = await httpClient(bin.url);
    clients.push(c);
    const { resources } = await c.listResources();
    const uris = resources.map((r) => r.uri);
    expect(uris).toContain("docker://daemon/health");
    expect(uris).toContain(`docker://containers/${web.name}/logs`);
    expect(uris).toContain(`docker://containers/${web.name}/inspect`);
    expect(uris.some((u) => u.includes(hidden))).toBe(false);
    expect(JSON.stringify(resources)).not.toContain(hiddenFixture.id.slice(0, 12));
  });

  it("reads logs, details and stats through the tools, and the daemon's health", async () => {
    const c = await httpClient(bin.url);
    clients.push(c);
    const logs = await c.readResource({ uri: `docker://containers/${web.name}/logs` });
    expect(logs.contents[0]).toMatchObject({ mimeType: "text/plain" });
    expect((logs.contents[0] as { text: string }).text).toContain("hello-from-web");
    const inspect = await c.readResource({ uri: `docker://containers/${web.name}/inspect` });
    expect(JSON.parse((inspect.contents[0] as { text: string }).text)).toMatchObject({
      container: { id: web.id, name: web.name },
    });
    const stats = await c.readResource({ uri: `docker://containers/${web.name}/stats` });
    expect((stats.contents[0] as { text: string }).text).toContain(web.name);
    const health = await c.readResource({ uri: "docker://daemon/health" });
    expect(JSON.parse((health.contents[0] as { text: string }).text)).toMatchObject({
      answering: true,
      api_version: expect.stringMatching(/^1\.\d+$/),
      breaker: { state: "closed" },
      anomalies: { anomalies: expect.any(Array) },
    });
    // The same pipeline as the tools: each read is in the audit.
    await expect
      .poll(() => auditLines(bin.stderr()).filter((r) => r["tool"] === "docker_logs").length)
      .toBeGreaterThan(0);
  });

  it("refuses a blacklisted container by name and by ID, as the tools do", async () => {
    const c = await httpClient(bin.url);
    clients.push(c);
    for (const ref of [hidden, hiddenFixture.id.slice(0, 12)]) {
      const error = await c.readResource({ uri: `docker://containers/${ref}/logs` }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.message).toMatch(/Denied by policy/);
      expect(error?.message).not.toContain("hidden-line");
    }
    await expect(c.readResource({ uri: "docker://nope" })).rejects.toThrow(/Unknown resource/);
  });
});

describe("completion", () => {
  it("completes container names the policy lets the caller see, for resources and prompts", async () => {
    const c = await httpClient(bin.url);
    clients.push(c);
    const prefix = "mcpf-";
    const byResource = await c.complete({
      ref: { type: "ref/resource", uri: "docker://containers/{container}/logs" },
      argument: { name: "container", value: prefix },
    });
    expect(byResource.completion.values).toContain(web.name);
    expect(byResource.completion.values).not.toContain(hidden);
    expect(byResource.completion.values.every((v) => v.startsWith(prefix))).toBe(true);
    const byPrompt = await c.complete({
      ref: { type: "ref/prompt", name: "troubleshoot_container" },
      argument: { name: "container", value: prefix },
    });
    expect(byPrompt.completion.values).toEqual(byResource.completion.values);
  });

  it("completes compose project names the policy lets the caller see", async () => {
    const c = await httpClient(bin.url);
    clients.push(c);
    const projects = await c.complete({
      ref: { type: "ref/prompt", name: "compose_project_health" },
      argument: { name: "project", value: "mcpf-" },
    });
    expect(projects.completion.values).toContain(project);
    expect(projects.completion.values).not.toContain(hiddenProject);
  });
});

describe("prompts", () => {
  it("lists and fills the troubleshooting and compose health prompts", async () => {
    const c = await httpClient(bin.url);
    clients.push(c);
    const { prompts } = await c.listPrompts();
    expect(prompts.map((p) => p.name).sort()).toEqual(["compose_project_health", "troubleshoot_container"]);
    const t = await c.getPrompt({ name: "troubleshoot_container", arguments: { container: web.name } });
    const body = (t.messages[0]?.content as { text: string } | undefined)?.text;
    expect(body).toContain(`"${web.name}"`);
    expect(body).toMatch(/docker_diagnose.*docker_logs.*docker_inspect/s);
    const h = await c.getPrompt({ name: "compose_project_health", arguments: { project: "shop" } });
    expect((h.messages[0]?.content as { text: string } | undefined)?.text).toContain(
      'docker_compose_ps with project "shop"',
    );
    await expect(c.getPrompt({ name: "troubleshoot_container", arguments: {} })).rejects.toThrow(
      /needs the argument "container"/,
    );
  });
});

describe("confirmation (policy confirm: docker_remove)", () => {
  it("asks the user, tied to the call, and removes on accept", async () => {
    const target = await runFixture({ name: "mcpf-accept" });
    const asked: string[] = [];
    const c = await client("accept", asked);
    const r = (await c.callTool({
      name: "docker_remove",
      arguments: { containers: [target.name], force: true },
    })) as CallToolResult;
    expect(r.isError).toBeFalsy();
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain(`Allow docker_remove on container "${target.name}"`);
    await expect(docker(["inspect", target.id])).rejects.toThrow();
  });

  it("does nothing on decline or cancel, and says so", async () => {
    for (const answer of ["decline", "cancel"] as const) {
      const target = await runFixture({ name: `mcpf-${answer}` });
      const c = await client(answer);
      const r = (await c.callTool({
        name: "docker_remove",
        arguments: { containers: [target.name], force: true },
      })) as CallToolResult;
      expect(r.isError).toBe(true);
      expect(text(r)).toMatch(answer === "decline" ? /user declined docker_remove/ : /did not confirm/);
      expect(await docker(["inspect", "-f", "{{.State.Status}}", target.id])).toBe("running");
    }
    const denied = auditLines(bin.stderr()).filter(
      (r) => r["tool"] === "docker_remove" && r["outcome"] === "denied",
    );
    expect(denied.map((r) => (r["reasons"] as { code: string }[])[0]?.code)).toEqual([
      "not_confirmed",
      "not_confirmed",
    ]);
  });

  it("denies when the client cannot ask, saying how to allow the tool without confirmation", async () => {
    const target = await runFixture({ name: "mcpf-noask" });
    const c = await client();
    const r = (await c.callTool({
      name: "docker_remove",
      arguments: { containers: [target.name], force: true },
    })) as CallToolResult;
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/this client cannot ask.*remove "docker_remove" from "confirm"/s);
    expect(await docker(["inspect", "-f", "{{.State.Status}}", target.id])).toBe("running");
    expect(
      auditLines(bin.stderr()).some(
        (r) =>
          r["tool"] === "docker_remove" &&
          (r["reasons"] as { code: string }[] | undefined)?.[0]?.code === "cannot_confirm",
      ),
    ).toBe(true);
  });

  it("asks nothing before a call the policy denies", async () => {
    const asked: string[] = [];
    const c = await client("accept", asked);
    const r = (await c.callTool({
      name: "docker_remove",
      arguments: { containers: [hidden], force: true },
    })) as CallToolResult;
    expect(r.isError).toBe(true);
    expect(asked).toEqual([]);
    expect(await docker(["inspect", "-f", "{{.State.Status}}", hiddenFixture.id])).toBe("running");
  });
});

describe("logging", () => {
  it("warns every client about a confirm entry that names no tool", async () => {
    warnings.length = 0;
    const c = await client();
    await c.listTools();
    await expect
      .poll(() => warnings.find((w) => w.includes("docker_no_such_tool")))
      .toMatch(/^warning: .*"docker_no_such_tool", which is not a tool of this server/);
  });

  it("honors logging/setLevel: only messages at or above the level reach that session", async () => {
    const app = createServer({
      plugins: [],
      config: resolveConfig({}, undefined, false),
      stderr: { write: () => true } as unknown as NodeJS.WritableStream,
    });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await app.connect(serverSide);
    const got: string[] = [];
    const c = new Client({ name: "log-test", version: "0.0.0" });
    c.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      got.push(`${n.params.level}: ${String(n.params.data)}`);
    });
    await c.connect(clientSide);
    expect(c.getServerCapabilities()?.logging).toEqual({});
    await c.setLoggingLevel("warning");
    app.log("info", "an info line");
    app.log("warning", "a warning line");
    app.log("error", "an error line");
    await expect.poll(() => got.length).toBe(2);
    expect(got).toEqual(["warning: a warning line", "error: an error line"]);
    await c.setLoggingLevel("debug");
    app.log("debug", "a debug line");
    await expect.poll(() => got.at(-1)).toBe("debug: a debug line");
    await c.close();
    await app.close();
  });
});
