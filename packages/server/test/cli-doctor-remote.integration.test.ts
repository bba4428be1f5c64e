import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  freePort,
  type LocalSshd,
  makeTlsCertificates,
  type PrivateDaemon,
  startLocalSshd,
  startPrivateDaemon,
  type TlsCertificates,
  tlsDaemonArgs,
} from "@arktechnwa/docker-mcp-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./cli-run.js";
import { writeConfig } from "./harness.js";

// `docker-mcp doctor` against a daemon it reaches over TCP with TLS (a private dockerd on 127.0.0.1,
// certificates made here) and over SSH (a local sshd whose sessions reach that daemon's socket).
interface Doctor {
  ok: boolean;
  findings: { area: string; status: "ok" | "warn" | "fail"; detail: string; fix?: string }[];
}
const doctor = async (config: string) => {
  const run = await runCli(["doctor", "--config", config, "--json"], { timeoutMs: 30_000 });
  const report = JSON.parse(run.stdout) as Doctor;
  return { code: run.code, report, finding: (area: string) => report.findings.find((f) => f.area === area) };
};

let dir: string;
let daemon: PrivateDaemon;
let certs: TlsCertificates;
/** A second CA, which signed nothing the daemon knows. */
let stranger: TlsCertificates;
let port: number;
let sshd: LocalSshd;
let versions: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "docker-mcp-doctor-remote-"));
  certs = makeTlsCertificates(dir);
  mkdirSync(join(dir, "stranger"));
  stranger = makeTlsCertificates(join(dir, "stranger"));
  port = await freePort();
  daemon = await startPrivateDaemon({ extraArgs: tlsDaemonArgs(port, certs) });
  mkdirSync(join(dir, "ssh"));
  sshd = await startLocalSshd({ dir: join(dir, "ssh"), dockerHost: daemon.host });
  const [engine, api] = (
    await daemon.docker(["version", "--format", "{{.Server.Version}} {{.Server.APIVersion}}"])
  )
    .trim()
    .split(" ");
  versions = `engine ${engine}, API ${api}`;
}, 240_000);

afterAll(async () => {
  await sshd?.stop();
  await daemon?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 120_000);

describe("docker-mcp doctor over TLS", () => {
  it("passes with the CA that signed the daemon's certificate and a client certificate it accepts", async () => {
    const { code, report, finding } = await doctor(
      writeConfig({
        docker: { host: `tcp://127.0.0.1:${port}`, tls: { ca: certs.ca, cert: certs.cert, key: certs.key } },
      }),
    );
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    expect(finding("tls")).toEqual({ area: "tls", status: "ok", detail: `tcp://127.0.0.1:${port} over TLS` });
    expect(finding("daemon")).toMatchObject({
      status: "ok",
      detail: `tcp://127.0.0.1:${port} answers: ${versions}`,
    });
  });

  it("fails on a CA that did not sign the daemon's certificate, saying what to check (exit 1)", async () => {
    const { code, report, finding } = await doctor(
      writeConfig({
        docker: {
          host: `tcp://127.0.0.1:${port}`,
          tls: { ca: stranger.ca, cert: certs.cert, key: certs.key },
        },
      }),
    );
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
    const daemonFinding = finding("daemon");
    expect(daemonFinding?.status).toBe("fail");
    expect(daemonFinding?.detail).toBe(
      `tcp://127.0.0.1:${port} does not answer: Cannot reach Docker at tcp://127.0.0.1:${port} to ping the daemon: the TLS handshake failed: check docker.tls / DOCKER_CERT_PATH and whether the daemon expects TLS. (UNABLE_TO_VERIFY_LEAF_SIGNATURE)`,
    );
    expect(daemonFinding?.fix).toMatch(/docker\.tls\.ca is the CA that signed its certificate/);
  });

  it("fails without a client certificate: the daemon verifies its clients (exit 1)", async () => {
    const { code, finding } = await doctor(
      writeConfig({ docker: { host: `tcp://127.0.0.1:${port}`, tls: { ca: certs.ca } } }),
    );
    expect(code).toBe(1);
    expect(finding("daemon")?.status).toBe("fail");
    expect(finding("daemon")?.fix).toMatch(/docker\.tls\.cert and key are a client certificate it accepts/);
  });

  it("says so when the daemon's certificate is not verified (tls.verify false)", async () => {
    const { code, finding } = await doctor(
      writeConfig({
        docker: {
          host: `tcp://127.0.0.1:${port}`,
          tls: { ca: stranger.ca, cert: certs.cert, key: certs.key, verify: false },
        },
      }),
    );
    expect(code).toBe(0);
    expect(finding("tls")?.detail).toBe(`tcp://127.0.0.1:${port} over TLS (server certificate NOT verified)`);
    expect(finding("daemon")?.detail).toContain(versions);
  });
});

describe("docker-mcp doctor over SSH", () => {
  it("passes through ssh and `docker system dial-stdio`, naming the command it runs", async () => {
    const { code, finding } = await doctor(
      writeConfig({ hosts: { remote: { host: `ssh://${sshd.alias}`, ssh_command: sshd.command } } }),
    );
    expect(code).toBe(0);
    // SSH is encrypted: no "without TLS" warning for it.
    expect(finding("tls remote")).toBeUndefined();
    expect(finding("ssh remote")).toEqual({
      area: "ssh remote",
      status: "ok",
      detail: `ssh://${sshd.alias}: \`${sshd.command} ${sshd.alias} docker system dial-stdio\``,
    });
    expect(finding("daemon remote")).toMatchObject({
      status: "ok",
      detail: `ssh://${sshd.alias} answers: ${versions}`,
    });
  });

  it("fails when ssh cannot reach the host, with the command to try (exit 1)", async () => {
    const closed = await freePort();
    const { code, finding } = await doctor(
      writeConfig({
        hosts: { remote: { host: `ssh://root@127.0.0.1:${closed}`, ssh_command: sshd.command } },
      }),
    );
    expect(code).toBe(1);
    const daemonFinding = finding("daemon remote");
    expect(daemonFinding?.status).toBe("fail");
    expect(daemonFinding?.detail).toMatch(
      new RegExp(`^ssh://root@127\\.0\\.0\\.1:${closed} does not answer: `),
    );
    expect(daemonFinding?.fix).toBe(
      `check that \`${sshd.command} -p ${closed} root@127.0.0.1 docker version\` works without a prompt (a key the host accepts, its host key known, docker on the remote PATH)`,
    );
  });
});
