import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BUSYBOX_IMAGE,
  freePort,
  makeTlsCertificates,
  type PrivateDaemon,
  RUN_ID,
  startPrivateDaemon,
  TEST_LABEL,
  TEST_RUN_LABEL,
  tlsDaemonArgs,
  writeDockerContext,
} from "@arktechnwa/docker-mcp-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Connected, call, connect, text, writeConfig } from "./harness.js";

// A private daemon that listens on 127.0.0.1 over TCP with TLS only to clients holding the test's
// client certificate, reached through a Docker context whose TLS files live in the context store.
// The compose CLI (real docker-compose v1) must be handed that context's endpoint and certificates.
let daemon: PrivateDaemon;
let dir: string;
let projects: string;
let configDir: string;
const servers: Connected[] = [];

type Answer = Record<string, unknown>;

function writeProject(name: string): string {
  const path = join(projects, name);
  mkdirSync(path, { recursive: true });
  const file = join(path, "docker-compose.yml");
  writeFileSync(
    file,
    [
      'version: "2.4"',
      "services:",
      "  app:",
      `    image: ${BUSYBOX_IMAGE}`,
      '    command: ["sh", "-c", "sleep 3600"]',
      "    stop_grace_period: 1s",
      "    labels:",
      `      ${TEST_LABEL}: "1"`,
      `      ${TEST_RUN_LABEL}: "${RUN_ID}"`,
      "",
    ].join("\n"),
  );
  return file;
}

beforeAll(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), "docker-mcp-compose-tls-")));
  const certs = makeTlsCertificates(dir);
  const port = await freePort();
  daemon = await startPrivateDaemon({ extraArgs: tlsDaemonArgs(port, certs) });
  configDir = join(dir, "docker-config");
  writeDockerContext(configDir, "dmcp-tls", `tcp://127.0.0.1:${port}`, certs);
  projects = join(dir, "projects");
  mkdirSync(projects);
}, 120_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await daemon?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

/** up, ps and down of one project on `host` (or the only host), all through the server. */
async function upPsDown(server: Connected, project: string, host?: Record<string, string>) {
  const file = writeProject(project);
  const on = host ?? {};
  const up = await call(server.client, "docker_compose_up", { file, project, ...on });
  expect(up.isError, text(up)).toBeFalsy();
  expect((up.structuredContent as Answer).compose).toMatch(/^docker-compose 1\./);
  // The container runs on the TLS daemon (asked over its own unix socket, not through the server).
  expect(await daemon.docker(["ps", "--format", "{{.Names}}"])).toContain(`${project}_app_1`);
  const ps = await call(server.client, "docker_compose_ps", { project, ...on });
  const found = (ps.structuredContent as { projects: { project: string }[] }).projects;
  expect(found.map((p) => p.project)).toEqual([project]);
  const down = await call(server.client, "docker_compose_down", { file, project, ...on });
  expect(down.isError, text(down)).toBeFalsy();
  expect(await daemon.docker(["ps", "-a", "--format", "{{.Names}}"])).not.toContain(`${project}_app_1`);
}

describe("compose on a Docker context reached over TCP with TLS", () => {
  it("a named host: compose gets the context's endpoint and TLS files", async () => {
    const config = writeConfig({
      permissions: { read: true, create: true, lifecycle: true },
      compose_safety: { allowed_directories: [projects] },
      hosts: {
        plain: { socket: daemon.socketPath },
        tlsctx: { context: "dmcp-tls" },
      },
    });
    const server = await connect(["--config", config], { DOCKER_CONFIG: configDir });
    servers.push(server);
    await upPsDown(server, `tlsnamed${RUN_ID}`.toLowerCase(), { host: "tlsctx" });
  }, 180_000);

  it("the only host, chosen by DOCKER_CONTEXT: compose gets the same", async () => {
    const config = writeConfig({
      permissions: { read: true, create: true, lifecycle: true },
      compose_safety: { allowed_directories: [projects] },
    });
    const server = await connect(["--config", config], {
      DOCKER_CONFIG: configDir,
      DOCKER_CONTEXT: "dmcp-tls",
      DOCKER_HOST: "",
    });
    servers.push(server);
    await upPsDown(server, `tlsdefault${RUN_ID}`.toLowerCase());
  }, 180_000);
});
