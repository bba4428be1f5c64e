import { chmodSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { BUSYBOX_IMAGE, ensureBusyboxImage } from "@arktechnwa/docker-mcp-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ComposeRunner } from "../src/index.js";
import { cleanup, makeKernel, projectName, ROOT, service, writeProject } from "./kit.js";

beforeAll(async () => {
  await ensureBusyboxImage();
}, 180_000);
afterAll(() => cleanup(), 60_000);

/**
 * A `docker` shim speaking compose v2.29: `config --format json` prints the model of compose-go's
 * canonical form, `up` writes JSON progress on stderr like the real CLI and records its argv.
 */
function v2Shim(project: string, extraService = ""): { runner: ComposeRunner; argvFile: string } {
  const argvFile = join(ROOT, `${project}.argv`);
  const model = {
    name: project,
    services: {
      web: {
        image: BUSYBOX_IMAGE,
        command: ["sleep", "3600"],
        networks: { default: null },
        healthcheck: { test: ["CMD", "true"], interval: "1s" },
        ...(extraService ? JSON.parse(extraService) : {}),
      },
    },
    networks: { default: { name: `${project}_default` } },
  };
  const modelFile = join(ROOT, `${project}.json`);
  writeFileSync(modelFile, JSON.stringify(model));
  const shim = join(ROOT, `docker-${project}`);
  writeFileSync(
    shim,
    `#!/bin/sh
[ "$1 $2 $3" = "compose version --short" ] && { echo 2.29.7; exit 0; }
case " $* " in
  *" config --format json "*) cat ${modelFile}; exit 0 ;;
  *" up "*)
    printf '%s\\n' "$@" > ${argvFile}
    echo '{"id":"Network ${project}_default","status":"Created"}' >&2
    echo '{"id":"Container ${project}-web-1","status":"Healthy"}' >&2
    exit 0 ;;
esac
echo "unexpected: $*" >&2; exit 3
`,
  );
  chmodSync(shim, 0o755);
  return {
    runner: new ComposeRunner({
      connection: { host: "tcp://127.0.0.1:2376" },
      candidates: [[shim, "compose"]],
    }),
    argvFile,
  };
}

describe("compose v2+ paths through a shim", () => {
  it("runs up with v2 flags (--progress json, --wait, --wait-timeout) and relays its JSON progress", async () => {
    const project = projectName("v2up");
    const file = writeProject("v2up", `services:\n${service("web")}`);
    const { runner, argvFile } = v2Shim(project);
    const { kernel } = makeKernel({ permissions: { lifecycle: true, create: true } }, { runner });
    const progress: string[] = [];
    const r = await kernel.call(
      "docker_compose_up",
      { file, project, detach: false },
      { onProgress: (m) => progress.push(m) },
    );
    expect(r.isError, r.text).toBe(false);
    expect((r.structured as { compose: string; ready: boolean }).ready).toBe(true);
    const argv = readFileSync(argvFile, "utf8").trim().split("\n");
    expect(argv.slice(0, 3)).toEqual(["compose", "--progress", "json"]);
    expect(argv).toEqual(
      expect.arrayContaining([
        "-f",
        "-",
        "--project-directory",
        dirname(file),
        "-p",
        project,
        "--ansi",
        "never",
        "up",
        "--detach",
        "--no-build",
        "--wait",
        "--wait-timeout",
      ]),
    );
    expect(progress).toEqual(
      expect.arrayContaining([`Network ${project}_default Created`, `Container ${project}-web-1 Healthy`]),
    );
  });

  it("judges the v2 container names ('-' separator) and settings from the JSON model", async () => {
    const project = projectName("v2deny");
    const file = writeProject("v2deny", `services:\n${service("web")}`);
    const { runner, argvFile } = v2Shim(project, JSON.stringify({ pid: "host" }));
    const { kernel } = makeKernel(
      { permissions: { lifecycle: true, create: true, blacklist_containers: [`${project}-web-*`] } },
      { runner },
    );
    const r = await kernel.call("docker_compose_up", { file, project });
    expect(r.isError).toBe(true);
    expect(r.text).toContain(`"${project}-web-1"`);
    expect(r.text).toMatch(/PID mode 'host' is refused/);
    expect(() => readFileSync(argvFile)).toThrow(); // up never ran
  });

  it("passes the server's daemon address to the CLI, not the caller's environment", () => {
    const { runner } = v2Shim(projectName("v2env"));
    const env = runner.env();
    expect(env["DOCKER_HOST"]).toBe("tcp://127.0.0.1:2376");
    expect(env["DOCKER_CONTEXT"]).toBeUndefined();
    expect(env["COMPOSE_PROJECT_NAME"]).toBeUndefined();
  });

  it("hands TLS files to the CLI under the names it reads", () => {
    const dir = join(ROOT, "tls");
    mkdirSync(dir, { recursive: true });
    for (const f of ["my-ca.crt", "client.crt", "client.key"]) writeFileSync(join(dir, f), f);
    const runner = new ComposeRunner({
      connection: {
        host: "tcp://127.0.0.1:2376",
        tls: {
          ca: join(dir, "my-ca.crt"),
          cert: join(dir, "client.crt"),
          key: join(dir, "client.key"),
          verify: true,
        },
      },
      // Python's requests (compose v1) would let these replace the daemon's CA.
      env: {
        PATH: process.env["PATH"] ?? "",
        REQUESTS_CA_BUNDLE: "/etc/ca.pem",
        CURL_CA_BUNDLE: "/etc/ca.pem",
      },
    });
    const env = runner.env();
    expect(env["DOCKER_TLS_VERIFY"]).toBe("1");
    expect(env["REQUESTS_CA_BUNDLE"]).toBeUndefined();
    expect(env["CURL_CA_BUNDLE"]).toBeUndefined();
    const certPath = env["DOCKER_CERT_PATH"] as string;
    expect(readlinkSync(join(certPath, "ca.pem"))).toBe(join(dir, "my-ca.crt"));
    expect(readlinkSync(join(certPath, "key.pem"))).toBe(join(dir, "client.key"));
    runner.dispose();
  });
});
