import {
  ensureBusyboxImage,
  ensureDaemon,
  fixtureName,
  removeFixtures,
  runFixture,
} from "@arktechnwa/docker-mcp-testkit";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../src/config.js";
import { createServer, type DockerMcpServer } from "../src/create-server.js";
import { builtinPlugins } from "../src/plugins.js";

// Two hosts on the same daemon, so only each host's policy tells their answers apart: "open" sees
// the fixture, "strict" blacklists it.
const secret = fixtureName("cmpl-secret");
let app: DockerMcpServer;
let client: Client;

beforeAll(async () => {
  await ensureDaemon();
  await ensureBusyboxImage();
  await runFixture({ name: "cmpl-secret" });
  const socket = "/var/run/docker.sock";
  app = createServer({
    plugins: builtinPlugins,
    config: resolveConfig(
      {
        permissions: { read: true },
        hosts: {
          open: { socket },
          strict: { socket, policy: { permissions: { blacklist_containers: [secret] } } },
        },
      },
      undefined,
      false,
    ),
    stderr: { write: () => true } as unknown as NodeJS.WritableStream,
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await app.connect(serverSide);
  client = new Client({ name: "completion-hosts-test", version: "0.0.0" });
  await client.connect(clientSide);
}, 60_000);

afterAll(async () => {
  await client?.close();
  await app?.close();
  await removeFixtures();
});

describe("completion of container names on a named host", () => {
  const complete = async (host: string) =>
    (
      await client.complete({
        ref: { type: "ref/prompt", name: "troubleshoot_container" },
        argument: { name: "container", value: secret },
        context: { arguments: { host } },
      })
    ).completion.values;

  it("completes from the host named, under its policy", async () => {
    expect(await complete("open")).toEqual([secret]);
    expect(await complete("strict")).toEqual([]);
  });

  it('completes nothing for a host that is not one, "*" included (not every host\'s names at once)', async () => {
    expect(await complete("nope")).toEqual([]);
    expect(await complete("*")).toEqual([]);
    const uri = await client.complete({
      ref: { type: "ref/resource", uri: "docker://hosts/{host}/containers/{container}/logs" },
      argument: { name: "container", value: secret },
      context: { arguments: { host: "*" } },
    });
    expect(uri.completion.values).toEqual([]);
  });
});
