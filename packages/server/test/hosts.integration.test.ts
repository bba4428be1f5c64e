import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BUSYBOX_IMAGE,
  type PrivateDaemon,
  startPrivateDaemon,
  waitFor,
} from "@arktechnwa/docker-mcp-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Connected, call, connect, text, writeConfig } from "./harness.js";

// Three private daemons: "local" over its unix socket (also a one-node Swarm), "tls" on 127.0.0.1
// over TCP with TLS from certificates made here, "ctx" through a Docker context directory written
// here; "ssh" reaches "ctx" again through a real sshd on 127.0.0.1 and `docker system dial-stdio`.
let local: PrivateDaemon;
let tls: PrivateDaemon;
let ctx: PrivateDaemon;
let sshd: ChildProcess | undefined;
let server: Connected;
let dir: string;
let auditFile: string;
let sshConfig: string;

type Answer = Record<string, unknown>;
const structured = (result: Awaited<ReturnType<typeof call>>) => result.structuredContent as Answer;
const psNames = async (host: string) =>
  (
    (structured(await call(server.client, "docker_ps", { all: true, host })).containers ?? []) as {
      name: string;
    }[]
  ).map((c) => c.name);

const openssl = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });

/** A CA, a server certificate for 127.0.0.1 and a client certificate, as the docker docs make them. */
function makeCertificates(): void {
  openssl([
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca-key.pem",
    "-out",
    "ca.pem",
    "-days",
    "2",
    "-subj",
    "/CN=docker-mcp test CA",
  ]);
  openssl([
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "server-key.pem",
    "-out",
    "server.csr",
    "-subj",
    "/CN=127.0.0.1",
  ]);
  writeFileSync(join(dir, "server.ext"), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  openssl([
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca-key.pem",
    "-CAcreateserial",
    "-out",
    "server-cert.pem",
    "-days",
    "2",
    "-extfile",
    "server.ext",
  ]);
  openssl([
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "key.pem",
    "-out",
    "client.csr",
    "-subj",
    "/CN=client",
  ]);
  writeFileSync(join(dir, "client.ext"), "extendedKeyUsage=clientAuth\n");
  openssl([
    "x509",
    "-req",
    "-in",
    "client.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca-key.pem",
    "-CAcreateserial",
    "-out",
    "cert.pem",
    "-days",
    "2",
    "-extfile",
    "client.ext",
  ]);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const port = (probe.address() as { port: number }).port;
      probe.close(() => resolve(port));
    });
  });
}

/** A Docker context named `name` pointing at `host`, stored the way the docker CLI stores it. */
function writeContext(configDir: string, name: string, host: string): void {
  const id = createHash("sha256").update(name).digest("hex");
  mkdirSync(join(configDir, "contexts", "meta", id), { recursive: true });
  writeFileSync(
    join(configDir, "contexts", "meta", id, "meta.json"),
    JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }),
  );
  writeFileSync(join(configDir, "config.json"), JSON.stringify({ auths: {} }));
}

/** sshd on 127.0.0.1 with its own host key, one authorized test key, and DOCKER_HOST set for the session. */
async function startSshd(dockerHost: string): Promise<string> {
  const port = await freePort();
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "host_key")]);
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "client_key")]);
  writeFileSync(join(dir, "authorized_keys"), readFileSync(join(dir, "client_key.pub")));
  const config = join(dir, "sshd_config");
  writeFileSync(
    config,
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${join(dir, "host_key")}`,
      `PidFile ${join(dir, "sshd.pid")}`,
      `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "PermitRootLogin prohibit-password",
      "StrictModes no",
      "UsePAM no",
      `SetEnv DOCKER_HOST=${dockerHost}`,
      "",
    ].join("\n"),
  );
  mkdirSync("/run/sshd", { recursive: true });
  sshd = spawn("/usr/sbin/sshd", ["-D", "-e", "-f", config], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  sshd.stderr?.on("data", (d: Buffer) => {
    log += d.toString();
  });
  // The client side: a Host alias in an ssh config file, as a user's ~/.ssh/config would have it.
  sshConfig = join(dir, "ssh_config");
  writeFileSync(
    sshConfig,
    [
      "Host dmcp-test",
      "  HostName 127.0.0.1",
      `  Port ${port}`,
      "  User root",
      `  IdentityFile ${join(dir, "client_key")}`,
      "  IdentitiesOnly yes",
      `  UserKnownHostsFile ${join(dir, "known_hosts")}`,
      "  StrictHostKeyChecking accept-new",
      "",
    ].join("\n"),
  );
  const wrapper = join(dir, "ssh");
  writeFileSync(wrapper, `#!/bin/sh\nexec ssh -F ${sshConfig} "$@"\n`);
  chmodSync(wrapper, 0o755);
  await waitFor(
    "sshd to accept the test key",
    async () => {
      try {
        execFileSync(wrapper, ["dmcp-test", "true"], { stdio: "pipe", timeout: 5_000 });
        return true;
      } catch {
        return false;
      }
    },
    { timeoutMs: 20_000, intervalMs: 500 },
  ).catch((error: Error) => {
    throw new Error(`${error.message}; sshd said: ${log}`);
  });
  return wrapper;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "docker-mcp-hosts-"));
  makeCertificates();
  const port = await freePort();
  [local, tls, ctx] = await Promise.all([
    startPrivateDaemon(),
    startPrivateDaemon({
      extraArgs: [
        "-H",
        `tcp://127.0.0.1:${port}`,
        "--tlsverify",
        `--tlscacert=${join(dir, "ca.pem")}`,
        `--tlscert=${join(dir, "server-cert.pem")}`,
        `--tlskey=${join(dir, "server-key.pem")}`,
      ],
    }),
    startPrivateDaemon(),
  ]);
  const configDir = join(dir, "docker-config");
  writeContext(configDir, "dmcp-ctx", ctx.host);
  const ssh = await startSshd(ctx.host);

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
        tls: { ca: join(dir, "ca.pem"), cert: join(dir, "cert.pem"), key: join(dir, "key.pem") },
        policy: { permissions: { blacklist_containers: ["secret-one"] } },
      },
      ctx: { context: "dmcp-ctx" },
      ssh: { host: "ssh://dmcp-test", ssh_command: ssh },
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
  if (sshd?.pid !== undefined) {
    sshd.kill("SIGTERM");
  }
  await Promise.all([local?.stop(), tls?.stop(), ctx?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 120_000);

describe("several Docker hosts", () => {
  it("adds host to every tool, listing the hosts with the first as default", async () => {
    const { tools } = await server.client.listTools();
    for (const tool of tools) {
      expect(tool.inputSchema.properties?.host, tool.name).toMatchObject({
        enum: ["local", "tls", "ctx", "ssh"],
      });
    }
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
      return execFileSync("pgrep", ["-f", "--", `-F ${sshConfig}`], { encoding: "utf8" })
        .trim()
        .split("\n").length;
    } catch {
      return 0; // pgrep finds none
    }
  };

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
          execFileSync("pgrep", ["-f", "--", `-F ${sshConfig}`], { stdio: "pipe" });
          return false;
        } catch {
          return true;
        }
      },
      { timeoutMs: 10_000, intervalMs: 500 },
    );
  });
});
