import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ensureDaemon } from "@arktechnwa/docker-mcp-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./cli-run.js";
import { writeConfig } from "./harness.js";

// `docker-mcp doctor` run as a child process: against the real daemon, a socket path where no daemon
// listens, a socket this user may not open, and with compose present and missing.
interface Doctor {
  ok: boolean;
  findings: { area: string; status: "ok" | "warn" | "fail"; detail: string; fix?: string }[];
}
const finding = (stdout: string, area: string) =>
  (JSON.parse(stdout) as Doctor).findings.find((f) => f.area === area);

let dir: string;
let listening: Server | undefined;

beforeAll(async () => {
  await ensureDaemon();
  dir = mkdtempSync(join(tmpdir(), "docker-mcp-doctor-"));
});

afterAll(async () => {
  await new Promise<void>((resolve) => (listening ? listening.close(() => resolve()) : resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe("docker-mcp doctor", () => {
  it("passes on the real daemon: engine and API versions, compose, the effective policy (exit 0)", async () => {
    const config = writeConfig({ permissions: { read: true, blacklist_containers: ["vault", "*-db"] } });
    const run = await runCli(["doctor", "--config", config]);
    expect(run.code).toBe(0);
    const [engine, api] = execFileSync("docker", [
      "version",
      "--format",
      "{{.Server.Version}} {{.Server.APIVersion}}",
    ])
      .toString()
      .trim()
      .split(" ");
    expect(run.stdout).toContain(`answers: engine ${engine}, API ${api}`);
    expect(run.stdout).toContain(`${config} (valid)`);
    expect(run.stdout).toMatch(/policy:\n {2}revision [0-9a-f]+\n {2}levels on: {2}read\n/);
    expect(run.stdout).toContain("blacklist container: *-db, vault");
    expect(run.stdout).toContain("No problem found.");

    // Compose as the compose tools find it: this machine has the standalone docker-compose.
    const composeVersion = execFileSync("docker-compose", ["version", "--short"]).toString().trim();
    expect(run.stdout).toMatch(
      new RegExp(`ok {4}compose +docker-compose ${composeVersion.replace(/\./g, "\\.")}`),
    );

    const json = await runCli(["doctor", "--config", config, "--json"]);
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as Doctor).ok).toBe(true);
    expect(finding(json.stdout, "daemon")).toMatchObject({ status: "ok" });
  });

  it("names a daemon that is not there and how to fix it (exit 1)", async () => {
    const missing = join(dir, "no-daemon.sock");
    const config = writeConfig({ docker: { socket: missing } });
    const run = await runCli(["doctor", "--config", config, "--json"]);
    expect(run.code).toBe(1);
    expect((JSON.parse(run.stdout) as Doctor).ok).toBe(false);
    const daemon = finding(run.stdout, "daemon");
    expect(daemon?.status).toBe("fail");
    expect(daemon?.detail).toContain(`no socket at ${missing}`);
    expect(daemon?.fix).toMatch(/start the Docker daemon.*docker\.socket/);

    // A file that is not a socket.
    const plain = join(dir, "plain-file");
    writeFileSync(plain, "");
    const notSocket = await runCli(["doctor", "--config", writeConfig({ docker: { socket: plain } })]);
    expect(notSocket.code).toBe(1);
    expect(notSocket.stdout).toContain(`FAIL  daemon    unix://${plain}: ${plain} is not a socket`);
    expect(notSocket.stdout).toContain("fix: set docker.socket to the daemon's socket");
    expect(notSocket.stdout).toContain("1 problem: daemon.");
  });

  it("names a socket this user may not open, with the fix (run as an unprivileged user, exit 1)", async () => {
    // Root opens any socket, so doctor runs as nobody; the socket is ours, never the daemon's.
    const shared = mkdtempSync(join(tmpdir(), "docker-mcp-doctor-perm-"));
    chmodSync(shared, 0o755);
    const socket = join(shared, "closed.sock");
    // It hangs up on whoever connects, so nothing is left open when the test closes it.
    listening = createServer((connection) => connection.destroy());
    await new Promise<void>((resolve) => listening?.listen(socket, resolve));
    chmodSync(socket, 0o000);
    const config = writeConfig({ docker: { socket } });
    chmodSync(dirname(config), 0o755);
    chmodSync(config, 0o644);
    const run = await runCli(["doctor", "--config", config], {
      prefix: ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"],
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `FAIL  daemon    unix://${socket}: permission denied (mode 000, owner uid 0, group gid 0; this user is uid 65534)`,
    );
    expect(run.stdout).toContain("fix: add this user to the socket's group (sudo usermod -aG docker $USER");

    // The same socket, as root: the permission check passes (root bypasses the mode).
    const asRoot = await runCli(["doctor", "--config", config, "--json"]);
    expect(finding(asRoot.stdout, "socket")).toMatchObject({ status: "ok" });
    rmSync(shared, { recursive: true, force: true });
  });

  it("says what to install when compose is missing; a failure only when the config allows compose files", async () => {
    const env = { ...process.env, PATH: join(dir, "empty-path") };
    const plain = await runCli(["doctor", "--config", writeConfig({}), "--json"], { env });
    expect(plain.code).toBe(0);
    const compose = finding(plain.stdout, "compose");
    expect(compose?.status).toBe("warn");
    expect(compose?.detail).toContain("`docker-compose` is not installed");
    expect(compose?.fix).toMatch(/docker-compose-plugin.*docker-compose/);

    const wanted = writeConfig({ compose_safety: { allowed_directories: [dir] } });
    const strict = await runCli(["doctor", "--config", wanted, "--json"], { env });
    expect(strict.code).toBe(1);
    expect(finding(strict.stdout, "compose")).toMatchObject({ status: "fail" });
    expect(finding(strict.stdout, "compose")?.detail).toContain("compose_safety.allowed_directories is set");
  });

  it("checks every named host and shows each host's own policy", async () => {
    const missing = join(dir, "no-daemon-here.sock");
    const config = writeConfig({
      permissions: { read: true },
      hosts: {
        good: { socket: "/var/run/docker.sock" },
        gone: { socket: missing, policy: { permissions: { blacklist_containers: ["payments-*"] } } },
      },
    });
    const run = await runCli(["doctor", "--config", config, "--json"]);
    expect(run.code).toBe(1);
    expect(finding(run.stdout, "daemon good")).toMatchObject({ status: "ok" });
    const gone = finding(run.stdout, "daemon gone");
    expect(gone?.status).toBe("fail");
    expect(gone?.detail).toContain(`no socket at ${missing}`);
    expect(gone?.fix).toContain("hosts.gone.socket");

    const human = await runCli(["doctor", "--config", config]);
    expect(human.stdout).toMatch(/policy on host gone \(its overrides merged\):\n {2}revision [0-9a-f]+/);
    expect(human.stdout).toContain("blacklist container: payments-*");
  });
});
