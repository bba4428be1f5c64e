import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BUSYBOX_IMAGE,
  buildTestImage,
  docker,
  ensureBusyboxImage,
  ensureDaemon,
  type LocalRegistry,
  pushRegistryImage,
  type RegistryImage,
  RUN_ID,
  removeTestImage,
  startLocalRegistry,
  TEST_LABEL,
  TEST_RUN_LABEL,
} from "@arktechnwa/docker-mcp-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Connected, call, connect, text, writeConfig } from "./harness.js";

// Dockerfiles that make the classic builder read a blacklisted image while a parser that reads them
// differently sees none: each build must be refused before it runs, and leave no tag.
const tag = (name: string) => `docker-mcp-test/${name}-${RUN_ID}:t`;
const blocked = tag("vault");
const onbuildBase = tag("onbuild-base");
const exists = (ref: string) =>
  docker(["image", "inspect", "--format", "{{.Id}}", ref]).then(
    () => true,
    () => false,
  );

let server: Connected;
let root: string;
let registry: LocalRegistry;
let remote: RegistryImage;

beforeAll(async () => {
  await ensureDaemon();
  await ensureBusyboxImage();
  await buildTestImage([blocked], "vault");
  registry = await startLocalRegistry();
  remote = await pushRegistryImage({ registry: registry.address, name: "rvault", payloadBytes: 1024 });
  // An image the lists admit whose ONBUILD trigger copies from the blacklisted one.
  await docker(
    [
      "build",
      "--quiet",
      "--tag",
      onbuildBase,
      "--label",
      `${TEST_LABEL}=1`,
      "--label",
      `${TEST_RUN_LABEL}=${RUN_ID}`,
      "-",
    ],
    {
      input: `FROM ${BUSYBOX_IMAGE}\nONBUILD COPY --from=${blocked} /bin/busybox /stolen\n`,
      timeoutMs: 120_000,
    },
  );
  root = realpathSync(mkdtempSync(join(tmpdir(), "docker-mcp-build-attacks-")));
  server = await connect([
    "--config",
    writeConfig({
      permissions: {
        read: true,
        images: true,
        blacklist_images: ["docker-mcp-test/vault-*", "localhost:5000/docker-mcp-test/rvault-*"],
      },
      build_safety: { allowed_contexts: [root] },
    }),
  ]);
});

afterAll(async () => {
  await server?.close();
  const made = Array.from({ length: attacks.length + 2 }, (_, i) => tag(`attack${i}`));
  await removeTestImage([...made, onbuildBase, blocked, ...spellings.map(pulledAs)]);
  await registry?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

const label = `LABEL ${TEST_RUN_LABEL}=${RUN_ID}`;
const attacks: [string, string][] = [
  [
    "an escape directive that ends a line the parser joined",
    `# escape=\`\nFROM scratch\nWORKDIR /a\\\nFROM ${blocked}\n${label}\n`,
  ],
  [
    "an upper-case escape directive",
    `# ESCAPE = \`\nFROM ${BUSYBOX_IMAGE}\nENV X=y\\\nCOPY --from=${blocked} /bin/busybox /b\n${label}\n`,
  ],
  ["a quoted base", `FROM "${blocked}"\n${label}\n`],
  ["a base with a backslash escape", `FROM ${blocked.replace("vault", "va\\ult")}\n${label}\n`],
  ["a quoted COPY --from", `FROM ${BUSYBOX_IMAGE}\nCOPY --from='${blocked}' /bin/busybox /b\n${label}\n`],
  [
    "an ONBUILD trigger of its own",
    `FROM ${BUSYBOX_IMAGE}\nONBUILD COPY --from=${blocked} /bin/busybox /b\n${label}\n`,
  ],
  ["a base image whose ONBUILD trigger reads it", `FROM ${onbuildBase}\n${label}\n`],
];

describe("docker_build reads the Dockerfile as the builder does", () => {
  it.each(attacks.map((a, i) => [...a, i] as const))("refuses %s", async (_name, dockerfile, i) => {
    const context = join(root, `attack${i}`);
    mkdirSync(context);
    writeFileSync(join(context, "Dockerfile"), dockerfile);
    const result = await call(server.client, "docker_build", { context, tag: tag(`attack${i}`) });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/Denied by policy|cannot judge/);
    expect(await exists(tag(`attack${i}`))).toBe(false);
  });

  it("still builds from an image the lists admit, with its own escape directive", async () => {
    const context = join(root, "fine");
    mkdirSync(context);
    writeFileSync(
      join(context, "Dockerfile"),
      `# escape=\`\nFROM ${BUSYBOX_IMAGE}\nENV A=b \`\n  C=d\n${label}\n`,
    );
    const name = tag(`attack${attacks.length}`);
    const result = await call(server.client, "docker_build", { context, tag: name });
    expect(text(result)).toContain("Built");
    expect(await exists(name)).toBe(true);
  });
});

// The registry host is a DNS name: Docker pulls LOCALHOST:5000/x from localhost:5000 and tags it as
// written. A blacklist on localhost:5000/... holds in every spelling.
const spellings = ["localhost", "LOCALHOST", "Localhost", "localHOST"];
const pulledAs = (host: string) => remote?.reference.replace("127.0.0.1", host) ?? "";

describe("docker_pull judges the registry host in any case", () => {
  it.each(spellings)("refuses %s:5000/... before anything is fetched", async (host) => {
    const reference = pulledAs(host);
    const result = await call(server.client, "docker_pull", { image: reference });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain("blacklist_images");
    expect(await exists(reference)).toBe(false);
  });
});
