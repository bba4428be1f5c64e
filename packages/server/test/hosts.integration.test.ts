import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BUSYBOX_IMAGE,
  freePort,
  type LocalSshd,
  makeTlsCertificates,
  type PrivateDaemon,
  startLocalSshd,
  startPrivateDaemon,
  type TlsCertificates,
  tlsDaemonArgs,
  waitFor,
  writeDockerContext,
} from "@arktechnwa/docker-mcp-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Connected, call, connect, text, writeConfig } from "./harness.js";

// Three private daemons: "local" over its unix socket (also a one-node Swarm), "tls" on 127.0.0.1
// over TCP with TLS from certificates made here, "ctx" through a Docker context directory written
// here; "ssh" reaches "ctx" again through a real sshd on 127.0.0.1 and `docker system dial-stdio`.
let local: PrivateDaemon;
let tls: PrivateDaemon;
let ctx: PrivateDaemon;
let sshd: LocalSshd | undefined;
let server: Connected;
let dir: string;
let auditFile: string;
let certs: TlsCertificates;

type Answer = Record<string, unknown>;
/** The containers of the Swarm services' tasks on "local" (web.1.<id>, broken.1.<id>). */
const SWARM_TASK = /^(web|broken)\.\d+\./;
const structured = (result: Awaited<ReturnType<typeof call>>) => result.structuredContent as Answer;
const psNames = async (host: string) =>
  (
    (structured(await call(server.client, "docker_ps", { all: true, host })).containers ?? []) as {
      name: string;
    }[]
  ).map((c) => c.name);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "docker-mcp-hosts-"));
  certs = makeTlsCertificates(dir);
  const port = await freePort();
  [local, tls, ctx] = await Promise.all([
    startPrivateDaemon(),
    startPrivateDaemon({ extraArgs: tlsDaemonArgs(port, certs) }),
    startPrivateDaemon(),
  ]);
  const configDir = join(dir, "docker-config");
  writeDockerContext(configDir, "dmcp-ctx", ctx.host);
  // Each start of the ssh program leaves a line in ssh-starts: how many SSH sessions were opened.
  sshd = await startLocalSshd({ dir, dockerHost: ctx.host, startsLog: join(dir, "ssh-starts") });
  const ssh = sshd.command;

  // The same names on each daemon, so only the host decides which one answers.
  await Promise.all(
    [
      [local, "on-local"],
      [tls, "on-tls"],
      [ctx, "on-ctx"],
    ].flatMap(([daemon, name]) => [
      (daemon as PrivateDaemon).docker(["create", "--name", name as string, BUSYBOX_IMAGE, "true"]),
      (daemon as PrivateDaemon).docker(["create", "--name", "secret-one", BUSYBOX_IMAGE, "true"]),
    ]),
  );

  // A one-node Swarm on "local": a service of two replicas and one whose tasks fail.
  await local.docker(["swarm", "init", "--advertise-addr", "127.0.0.1"], { timeoutMs: 60_000 });
  await local.docker([
    "service",
    "create",
    "--detach",
    "--no-resolve-image",
    "--name",
    "web",
    "--replicas",
    "2",
    BUSYBOX_IMAGE,
    "sh",
    "-c",
    "echo hello-from-web; exec sleep 3600",
  ]);
  await local.docker([
    "service",
    "create",
    "--detach",
    "--no-resolve-image",
    "--name",
    "broken",
    "--restart-condition",
    "none",
    BUSYBOX_IMAGE,
    "sh",
    "-c",
    "exit 3",
  ]);

  auditFile = join(dir, "audit.jsonl");
  const config = writeConfig({
    permissions: { read: true },
    hosts: {
      local: { socket: local.socketPath },
      tls: {
        host: `tcp://127.0.0.1:${port}`,
        tls: { ca: certs.ca, cert: certs.cert, key: certs.key },
        policy: { permissions: { blacklist_containers: ["secret-one"] } },
      },
      ctx: { context: "dmcp-ctx" },
      ssh: { host: "ssh://dmcp-test", ssh_command: ssh },
      // The ctx daemon again, under a policy that reads nothing.
      locked: { context: "dmcp-ctx", policy: { permissions: { read: false } } },
    },
    neverhang: { read_timeout: "5s" },
    audit: { file: auditFile },
  });
  server = await connect(["--config", config], { DOCKER_CONFIG: configDir });
  await waitFor(
    "the web service did not reach 2/2",
    async () =>
      (await local.docker(["service", "ls", "--format", "{{.Name}} {{.Replicas}}"])).includes("web 2/2"),
    { timeoutMs: 60_000, intervalMs: 500 },
  );
}, 240_000);

afterAll(async () => {
  await server?.close();
  await sshd?.stop();
  await Promise.all([local?.stop(), tls?.stop(), ctx?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 120_000);

describe("several Docker hosts", () => {
  it("adds host to every tool, listing the hosts with the first as default, and * to listing tools", async () => {
    const { tools } = await server.client.listTools();
    const listing = [
      "docker_ps",
      "docker_images",
      "docker_networks",
      "docker_volumes",
      "docker_compose_ps",
      "docker_services",
      "docker_service_tasks",
      "docker_nodes",
    ];
    for (const tool of tools) {
      const hosts = ["local", "tls", "ctx", "ssh", "locked"];
      expect(tool.inputSchema.properties?.host, tool.name).toMatchObject({
        enum: listing.includes(tool.name) ? [...hosts, "*"] : hosts,
      });
    }
    expect(
      tools
        .filter((t) =>
          (t.inputSchema.properties?.host as { enum?: string[] } | undefined)?.enum?.includes("*"),
        )
        .map((t) => t.name)
        .sort(),
    ).toEqual([...listing].sort());
    expect(tools.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        "docker_services",
        "docker_service_tasks",
        "docker_nodes",
        "docker_service_logs",
      ]),
    );
  });

  it("answers the same tool from each host by name (unix socket, TCP with TLS, a Docker context, SSH)", async () => {
    expect(await psNames("local")).toContain("on-local");
    expect(await psNames("tls")).toEqual(["on-tls"]); // secret-one is blacklisted on tls only
    expect(await psNames("ctx")).toContain("on-ctx");
    expect(await psNames("ssh")).toContain("on-ctx");
    const byDefault = await call(server.client, "docker_ps", { all: true });
    expect(structured(byDefault).host).toBe("local");
    expect(text(byDefault)).toMatch(/^\[host local\]/);
    expect(JSON.stringify(structured(byDefault))).not.toContain("on-tls");
  });

  it("holds a per-host blacklist on its host and not on the others; the audit line names the host", async () => {
    const denied = await call(server.client, "docker_inspect", { container: "secret-one", host: "tls" });
    expect(denied.isError).toBe(true);
    expect(text(denied)).toMatch(/^\[host tls\].*blacklist/s);
    const allowed = await call(server.client, "docker_inspect", { container: "secret-one", host: "local" });
    expect(allowed.isError).toBeFalsy();
    const lines = readFileSync(auditFile, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Answer);
    expect(lines.filter((l) => l.tool === "docker_inspect").map((l) => [l.host, l.outcome])).toEqual(
      expect.arrayContaining([
        ["tls", "denied"],
        ["local", "ok"],
      ]),
    );
  });

  it("refuses an unknown host naming the known ones", async () => {
    const result = await call(server.client, "docker_ps", { host: "lcoal" });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('did you mean "local"?');
  });

  it('lists every host in one call with host "*": rows tagged with their host, each host\'s policy deciding its rows', async () => {
    // The SDK client checks the answer against the tool's advertised output schema.
    const result = await call(server.client, "docker_ps", { all: true, host: "*" });
    expect(result.isError).toBeFalsy();
    const answer = structured(result);
    expect(answer.host).toBe("*");
    const rows = (answer.containers as { name: string; host: string }[])
      .filter((c) => !SWARM_TASK.test(c.name))
      .map((c) => `${c.host}/${c.name}`);
    expect(rows.sort()).toEqual(
      [
        "local/on-local",
        "local/secret-one",
        "tls/on-tls", // secret-one is blacklisted on tls only
        "ctx/on-ctx",
        "ctx/secret-one",
        "ssh/on-ctx",
        "ssh/secret-one",
      ].sort(),
    );
    const hosts = answer.hosts as { host: string; ok: boolean; code?: string; hidden?: number }[];
    expect(hosts.map((h) => h.host)).toEqual(["local", "tls", "ctx", "ssh", "locked"]);
    expect(hosts.find((h) => h.host === "tls")).toMatchObject({ ok: true, hidden: 1 });
    // Denied by that host's own policy, without failing the call.
    expect(hosts.find((h) => h.host === "locked")).toMatchObject({ ok: false, code: "level_off" });
    expect(text(result)).toMatch(/^Every host \(5\): 4 answered, 1 did not/);
    expect(text(result)).toContain("[host locked] did not answer");
    // One audit line per host, each naming it.
    const lines = readFileSync(auditFile, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Answer)
      .filter((l) => l.tool === "docker_ps");
    expect(new Set(lines.map((l) => l.host))).toEqual(new Set(["local", "tls", "ctx", "ssh", "locked"]));
    // A non-listing tool takes one host.
    const inspect = await call(server.client, "docker_inspect", { container: "on-local", host: "*" });
    expect(inspect.isError).toBe(true);
    expect(text(inspect)).toContain("for listing tools only");
  });

  it('answers host "*" within the read deadline while one daemon is frozen, reporting that host on its own', async () => {
    process.kill(ctx.pid, "SIGSTOP");
    try {
      const started = Date.now();
      const result = await call(server.client, "docker_images", { host: "*" });
      const took = Date.now() - started;
      // read_timeout is 5 s; every host runs at once, so the frozen ones cost one deadline, not two.
      expect(took).toBeLessThan(8_000);
      expect(result.isError).toBeFalsy();
      const hosts = structured(result).hosts as { host: string; ok: boolean; code?: string }[];
      expect(hosts.filter((h) => h.ok).map((h) => h.host)).toEqual(["local", "tls"]);
      expect(hosts.find((h) => h.host === "ctx")).toMatchObject({ ok: false, code: "deadline_exceeded" });
      expect(hosts.find((h) => h.host === "ssh")).toMatchObject({ ok: false, code: "deadline_exceeded" });
      const images = structured(result).images as { host: string }[];
      expect(new Set(images.map((i) => i.host))).toEqual(new Set(["local", "tls"]));
    } finally {
      process.kill(ctx.pid, "SIGCONT");
    }
  }, 60_000);

  it("keeps answering from the other hosts while one daemon is frozen (SIGSTOP)", async () => {
    process.kill(ctx.pid, "SIGSTOP");
    try {
      const frozen = call(server.client, "docker_ps", { host: "ctx" });
      const [a, b] = await Promise.all([psNames("local"), psNames("tls")]);
      expect(a).toContain("on-local");
      expect(b).toEqual(["on-tls"]);
      const stuck = await frozen;
      expect(stuck.isError).toBe(true);
      expect(text(stuck)).toMatch(/^\[host ctx\].*(deadline|did not finish)/s);
    } finally {
      process.kill(ctx.pid, "SIGCONT");
    }
    expect(await psNames("local")).toContain("on-local");
  }, 60_000);
});

describe("SSH connections", () => {
  const sshChildren = () => {
    try {
      return execFileSync("pgrep", ["-f", "--", `-F ${sshd?.configFile}`], { encoding: "utf8" })
        .trim()
        .split("\n").length;
    } catch {
      return 0; // pgrep finds none
    }
  };

  it("reuses an SSH connection for many requests, not one session per request", async () => {
    const starts = () => {
      try {
        return readFileSync(join(dir, "ssh-starts"), "utf8")
          .split("\n")
          .filter((l) => l.includes("dial-stdio")).length;
      } catch {
        return 0;
      }
    };
    expect(await psNames("ssh")).toContain("on-ctx");
    const before = starts();
    for (let i = 0; i < 5; i++) expect(await psNames("ssh")).toContain("on-ctx");
    // Five calls (each several HTTP requests) over the connection(s) already open.
    expect(starts() - before).toBeLessThanOrEqual(1);
    // Every session is the docker CLI's own: ssh -o ConnectTimeout=30 -o BatchMode=yes -T -- HOST docker system dial-stdio.
    const argv = readFileSync(join(dir, "ssh-starts"), "utf8")
      .split("\n")
      .find((l) => l.includes("dial-stdio"));
    expect(argv).toBe("-o ConnectTimeout=30 -o BatchMode=yes -T -- dmcp-test docker system dial-stdio");
  });

  it("kills the ssh child of a request that passed its deadline", async () => {
    expect(await psNames("ssh")).toContain("on-ctx");
    process.kill(ctx.pid, "SIGSTOP");
    try {
      const frozen = call(server.client, "docker_ps", { host: "ssh" });
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const during = sshChildren();
      expect(during).toBeGreaterThan(0);
      const stuck = await frozen;
      expect(text(stuck)).toMatch(/^\[host ssh\].*(deadline|did not finish)/s);
      await waitFor("the aborted connection's ssh child to be killed", () => sshChildren() === during - 1, {
        timeoutMs: 10_000,
        intervalMs: 200,
      });
    } finally {
      process.kill(ctx.pid, "SIGCONT");
    }
    expect(await psNames("ssh")).toContain("on-ctx");
  }, 60_000);
});

describe("resources, completion and prompts per host", () => {
  it("offers the container views and the daemon's health on each named host", async () => {
    const { resourceTemplates } = await server.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(
      expect.arrayContaining([
        "docker://containers/{container}/logs",
        "docker://hosts/{host}/containers/{container}/logs",
        "docker://hosts/{host}/containers/{container}/inspect",
        "docker://hosts/{host}/containers/{container}/stats",
        "docker://hosts/{host}/daemon/health",
      ]),
    );
  });

  it("lists each host's containers under that host's policy: a container blacklisted on one host is not listed there", async () => {
    const uris = (await server.client.listResources()).resources.map((r) => r.uri);
    expect(uris).toEqual(
      expect.arrayContaining([
        "docker://hosts/local/daemon/health",
        "docker://hosts/tls/daemon/health",
        "docker://hosts/local/containers/secret-one/logs",
        "docker://hosts/local/containers/on-local/inspect",
        "docker://hosts/tls/containers/on-tls/logs",
        "docker://hosts/ctx/containers/secret-one/inspect",
      ]),
    );
    expect(uris.filter((u) => u.startsWith("docker://hosts/tls/containers/secret-one"))).toEqual([]);
    // The locked host reads nothing: no health resource, no containers.
    expect(uris.filter((u) => u.startsWith("docker://hosts/locked/"))).toEqual([]);
  });

  it("reads a resource on the host its URI names, through that host's policy", async () => {
    const onTls = await server.client.readResource({ uri: "docker://hosts/tls/containers/on-tls/inspect" });
    expect(JSON.parse((onTls.contents[0] as { text: string }).text)).toMatchObject({
      host: "tls",
      container: { name: "on-tls" },
    });
    const onLocal = await server.client.readResource({
      uri: "docker://hosts/local/containers/secret-one/inspect",
    });
    expect((onLocal.contents[0] as { text: string }).text).toContain('"host": "local"');
    await expect(
      server.client.readResource({ uri: "docker://hosts/tls/containers/secret-one/inspect" }),
    ).rejects.toThrow(/Denied by policy.*blacklist/s);
    await expect(server.client.readResource({ uri: "docker://hosts/nope/daemon/health" })).rejects.toThrow(
      /Unknown host "nope"/,
    );
    const health = await server.client.readResource({ uri: "docker://hosts/tls/daemon/health" });
    expect(JSON.parse((health.contents[0] as { text: string }).text)).toMatchObject({
      host: "tls",
      answering: true,
    });
  });

  it("completes host names, and container names from the host named, under its policy", async () => {
    const hosts = await server.client.complete({
      ref: { type: "ref/resource", uri: "docker://hosts/{host}/containers/{container}/logs" },
      argument: { name: "host", value: "l" },
    });
    expect(hosts.completion.values).toEqual(["local", "locked"]);
    const names = async (
      host: string,
      ref: { type: "ref/resource"; uri: string } | { type: "ref/prompt"; name: string },
    ) =>
      (
        await server.client.complete({
          ref,
          argument: { name: "container", value: "" },
          context: { arguments: { host } },
        })
      ).completion.values.filter((name) => !SWARM_TASK.test(name));
    const resource = {
      type: "ref/resource" as const,
      uri: "docker://hosts/{host}/containers/{container}/logs",
    };
    const prompt = { type: "ref/prompt" as const, name: "troubleshoot_container" };
    expect(await names("tls", resource)).toEqual(["on-tls"]);
    expect(await names("local", resource)).toEqual(["on-local", "secret-one"]);
    expect(await names("tls", prompt)).toEqual(["on-tls"]);
    expect(await names("ctx", prompt)).toEqual(["on-ctx", "secret-one"]);
    expect(await names("locked", prompt)).toEqual([]);
  });

  it("fills the prompts for the host named", async () => {
    const { prompts } = await server.client.listPrompts();
    for (const prompt of prompts) expect(prompt.arguments?.map((a) => a.name)).toContain("host");
    const filled = await server.client.getPrompt({
      name: "troubleshoot_container",
      arguments: { container: "on-tls", host: "tls" },
    });
    const body = (filled.messages[0]?.content as { text?: string } | undefined)?.text;
    expect(body).toContain('pass host "tls" to every tool');
    expect(body).toContain("docker://hosts/tls/containers/on-tls/logs");
    await expect(
      server.client.getPrompt({
        name: "troubleshoot_container",
        arguments: { container: "x", host: "nope" },
      }),
    ).rejects.toThrow(/Unknown host "nope".*local, tls, ctx, ssh, locked/);
  });
});

describe("Swarm read tools", () => {
  it("lists services with running/desired counts", async () => {
    const answer = structured(await call(server.client, "docker_services", {}));
    const services = answer.services as {
      name: string;
      replicas: string;
      running: number;
      desired: number;
      mode: string;
    }[];
    expect(services.find((s) => s.name === "web")).toMatchObject({
      replicas: "2/2",
      running: 2,
      desired: 2,
      mode: "replicated",
    });
  });

  it("lists tasks with their state, and a failing service's task error", async () => {
    const web = structured(await call(server.client, "docker_service_tasks", { service: "web" }));
    expect((web.tasks as { state: string }[]).filter((t) => t.state === "running")).toHaveLength(2);
    await waitFor(
      "the broken service's task did not fail",
      async () =>
        (
          (structured(await call(server.client, "docker_service_tasks", { service: "broken" })).tasks ??
            []) as { state: string }[]
        ).some((t) => t.state === "failed"),
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    const broken = await call(server.client, "docker_service_tasks", {
      service: "broken",
      failed_only: true,
    });
    const task = (structured(broken).tasks as { state: string; error: string; exit_code: number }[])[0];
    expect(task).toMatchObject({ state: "failed", exit_code: 3 });
    expect(task?.error).toMatch(/non-zero exit \(3\)/);
    expect(text(broken)).toContain("non-zero exit (3)");
  });

  it("lists the node with its role, availability and status", async () => {
    const nodes = structured(await call(server.client, "docker_nodes", {})).nodes as Answer[];
    expect(nodes).toHaveLength(1);
    expect(nodes[0]).toMatchObject({
      role: "manager",
      leader: true,
      availability: "active",
      status: "ready",
    });
  });

  it("reads a service's logs, bounded like container logs", async () => {
    await waitFor(
      "no log line from web",
      async () =>
        text(await call(server.client, "docker_service_logs", { service: "web", tail: 10 })).includes(
          "hello-from-web",
        ),
      { timeoutMs: 20_000, intervalMs: 500 },
    );
    const answer = structured(await call(server.client, "docker_service_logs", { service: "web", tail: 10 }));
    expect(answer.truncated).toBe(false);
    expect(
      (answer.lines as { text: string }[]).filter((l) => l.text.includes("hello-from-web")).length,
    ).toBeGreaterThanOrEqual(2);
  });

  it('lists services of every host with host "*": the manager\'s rows, and each other host says it is not a manager', async () => {
    const result = await call(server.client, "docker_services", { host: "*" });
    expect(result.isError).toBeFalsy();
    const answer = structured(result);
    const services = answer.services as { name: string; host: string }[];
    expect(services.map((s) => `${s.host}/${s.name}`).sort()).toEqual(["local/broken", "local/web"]);
    const hosts = answer.hosts as { host: string; ok: boolean; error?: string }[];
    expect(hosts.find((h) => h.host === "local")).toMatchObject({ ok: true });
    for (const name of ["tls", "ctx", "ssh"]) {
      expect(hosts.find((h) => h.host === name)?.error).toContain("is not a Swarm manager");
    }
  });

  it("says a host is not a Swarm manager, without counting it against the host's health", async () => {
    for (let i = 0; i < 4; i++) {
      const result = await call(server.client, "docker_services", { host: "tls" });
      expect(result.isError).toBe(true);
      expect(text(result)).toContain("is not a Swarm manager");
    }
    // Four "failures" later the tls host's circuit is still closed.
    expect(await psNames("tls")).toEqual(["on-tls"]);
  });

  it("leaves no ssh child behind when the server closes", async () => {
    await server.close();
    await waitFor(
      "an ssh child outlived the server",
      async () => {
        try {
          execFileSync("pgrep", ["-f", "--", `-F ${sshd?.configFile}`], { stdio: "pipe" });
          return false;
        } catch {
          return true;
        }
      },
      { timeoutMs: 10_000, intervalMs: 500 },
    );
  });
});
