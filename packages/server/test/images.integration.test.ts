import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BUSYBOX_IMAGE,
  docker,
  ensureBusyboxImage,
  ensureDaemon,
  type Fixture,
  fixtureName,
  type LocalRegistry,
  pushRegistryImage,
  type RegistryImage,
  RUN_ID,
  removeFixtures,
  runFixture,
  startLocalRegistry,
  TEST_LABEL,
  TEST_RUN_LABEL,
} from "@arktechnwa/docker-mcp-testkit";
import type { Progress } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Connected, call, connect, text, writeConfig } from "./harness.js";

// Registry credentials in the user's Docker config: used for pulls, never shown.
const REGISTRY_PASSWORD = "p1-Registry-pw-7Hq2";
// htpasswd entry of tester / REGISTRY_PASSWORD (bcrypt, as docker-registry requires).
const HTPASSWD = "tester:$2b$12$1CBh8.IaB4eveJjoTh3xo.6iuamxE4OcAsrnS8KGd0H5vdQcqGm2.";
const BUILD_SECRET = "build-arg-secret-9Xk4";
const ENV_SECRET = "image-env-secret-3Fz8";

const exists = (ref: string) =>
  docker(["image", "inspect", "--format", "{{.Id}}", ref]).then(
    () => true,
    () => false,
  );

let registry: LocalRegistry;
let authRegistry: LocalRegistry;
let private_: RegistryImage;
let pulled: RegistryImage;
let blocked: RegistryImage;
let user: Fixture;
let hiddenUser: Fixture;
let server: Connected;
let root: string;
let allowed: string;
let elsewhere: string;
const tag = (name: string) => `docker-mcp-test/${name}-${RUN_ID}:t`;
const inUse = tag("inuse");
const spare = tag("spare");
const secretImage = tag("envimage");
const blockedLocal = tag("blocked-local");

beforeAll(async () => {
  await ensureDaemon();
  await ensureBusyboxImage();
  registry = await startLocalRegistry();
  authRegistry = await startLocalRegistry({ port: 5001, htpasswd: HTPASSWD });
  root = realpathSync(mkdtempSync(join(tmpdir(), "docker-mcp-images-")));
  const dockerConfig = join(root, "docker-config");
  mkdirSync(dockerConfig);
  const login = Buffer.from(`tester:${REGISTRY_PASSWORD}`).toString("base64");
  writeFileSync(
    join(dockerConfig, "config.json"),
    JSON.stringify({
      auths: { [registry.address]: { auth: login }, [authRegistry.address]: { auth: login } },
    }),
  );
  [pulled, blocked, private_] = await Promise.all([
    pushRegistryImage({ registry: registry.address, name: "pull", payloadBytes: 6 * 1024 * 1024 }),
    pushRegistryImage({ registry: registry.address, name: "blocked", payloadBytes: 1024 }),
    pushRegistryImage({ registry: authRegistry.address, name: "private", payloadBytes: 1024, dockerConfig }),
  ]);
  allowed = join(root, "allowed");
  elsewhere = join(root, "elsewhere");
  mkdirSync(allowed);
  mkdirSync(elsewhere);
  // Images of their own (distinct labels make distinct IDs), so no test re-tags the shared busybox image.
  await Promise.all([
    buildImage(inUse, "inuse"),
    buildImage(secretImage, "envimage", `ENV API_TOKEN=${ENV_SECRET} MODE=plain`),
    buildImage(blockedLocal, "blocked"),
  ]);
  await docker(["tag", inUse, spare]);
  user = await runFixture({ name: "img-user", image: inUse });
  hiddenUser = await runFixture({ name: "hidden-img-user", image: inUse, start: false });

  const config = writeConfig({
    permissions: {
      read: true,
      images: true,
      blacklist_images: ["*/docker-mcp-test/blocked-*", "docker-mcp-test/blocked-*"],
      blacklist_containers: [fixtureName("hidden-img-user")],
    },
    build_safety: { allowed_contexts: [allowed] },
  });
  server = await connect(["--config", config], { DOCKER_CONFIG: dockerConfig });
});

afterAll(async () => {
  await server?.close();
  await removeFixtures();
  const ours = await docker([
    "image",
    "ls",
    "--quiet",
    "--filter",
    `label=${TEST_RUN_LABEL}=${RUN_ID}`,
  ]).catch(() => "");
  const refs = [inUse, spare, blockedLocal, secretImage, tag("built"), tag("refused"), tag("from-blocked")];
  await docker(["image", "rm", "--force", ...refs, ...ours.split("\n").filter(Boolean)]).catch(() => {});
  await registry?.stop();
  await authRegistry?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

async function buildImage(reference: string, variant: string, extra = ""): Promise<void> {
  const dir = join(root, `image-${variant}`);
  mkdirSync(dir);
  writeFileSync(
    join(dir, "Dockerfile"),
    `FROM ${BUSYBOX_IMAGE}\n${extra}\nLABEL ${TEST_RUN_LABEL}=${RUN_ID} variant=${variant}\n`,
  );
  await docker(["build", "--quiet", "--tag", reference, dir], { timeoutMs: 120_000 });
}

/** Every text the client saw: results, notifications, and the server's stderr (audit lines). */
function seenEverywhere(...texts: string[]): string {
  return [...texts, server.stderr()].join("\n");
}

describe("docker_images and docker_image_inspect", () => {
  it("lists images with tags, size and the containers the caller may see, hiding blacklisted ones", async () => {
    const result = await call(server.client, "docker_images", { filter: { reference: `-${RUN_ID}:` } });
    expect(result.isError).toBeFalsy();
    const images = (
      result.structuredContent as { images: { tags: string[]; containers: string[]; size_bytes: number }[] }
    ).images;
    const used = images.find((i) => i.tags.includes(inUse));
    expect(used?.tags.sort()).toEqual([inUse, spare].sort());
    // The container the policy hides uses it too, but is not named.
    expect(used?.containers).toEqual([user.name]);
    expect(used?.size_bytes).toBeGreaterThan(100_000);
    expect(images.some((i) => i.tags.includes(secretImage))).toBe(true);
    expect(images.some((i) => i.tags.includes(blockedLocal))).toBe(false);
    expect(text(result)).not.toContain(hiddenUser.name);
  });

  it("inspects config, layers and history, masking secret env values", async () => {
    const result = await call(server.client, "docker_image_inspect", { image: secretImage });
    expect(result.isError).toBeFalsy();
    const out = result.structuredContent as {
      config: { env: string[]; cmd: string[]; labels: Record<string, string> };
      layers: { digest: string; size?: string }[];
      history: unknown[];
    };
    expect(out.config.cmd).toEqual(["sleep", "3600"]);
    expect(out.config.env).toContain("MODE=plain");
    expect(out.config.env.find((e) => e.startsWith("API_TOKEN="))).not.toContain(ENV_SECRET);
    expect(out.config.labels[TEST_LABEL]).toBe("image");
    expect(out.layers.length).toBeGreaterThan(0);
    expect(out.layers.every((l) => l.size !== undefined)).toBe(true);
    expect(out.history.length).toBeGreaterThan(out.layers.length);
    expect(JSON.stringify(result)).not.toContain(ENV_SECRET);
  });
});

describe("docker_pull", () => {
  it("pulls from the local registry, relaying per-layer progress, with credentials never shown", async () => {
    expect(await exists(pulled.reference)).toBe(false);
    const progress: Progress[] = [];
    const result = (await server.client.callTool(
      { name: "docker_pull", arguments: { image: pulled.reference } },
      undefined,
      { onprogress: (p) => progress.push(p), timeout: 120_000 },
    )) as Awaited<ReturnType<typeof call>>;
    expect(result.isError).toBeFalsy();
    const out = result.structuredContent as {
      status: string;
      layers: { id: string; status: string }[];
      digest?: string;
    };
    expect(out.status).toBe("downloaded");
    expect(out.digest).toMatch(/^sha256:/);
    // Only the image's own layer is fetched; the busybox layers below it are here already.
    expect(out.layers.filter((l) => l.status === "Pull complete")).toHaveLength(1);
    expect(
      out.layers.filter((l) => l.status !== "Pull complete").every((l) => l.status === "Already exists"),
    ).toBe(true);
    expect(await exists(pulled.reference)).toBe(true);

    const messages = progress.map((p) => p.message ?? "");
    expect(messages.some((m) => /layer [0-9a-f]{12}: Downloading .+ \/ .+/.test(m))).toBe(true);
    expect(messages.some((m) => /layer [0-9a-f]{12}: Pull complete/.test(m))).toBe(true);
    const bytes = progress.filter((p) => p.total !== undefined);
    expect(bytes.length).toBeGreaterThan(0);
    expect(Math.max(...bytes.map((p) => p.total as number))).toBeGreaterThan(pulled.payloadBytes / 2);
    for (let i = 1; i < progress.length; i++) {
      expect(progress[i]?.progress).toBeGreaterThan(progress[i - 1]?.progress as number);
    }

    const everything = seenEverywhere(JSON.stringify(result), JSON.stringify(progress));
    expect(everything).not.toContain(REGISTRY_PASSWORD);
    expect(everything).not.toContain(Buffer.from(`tester:${REGISTRY_PASSWORD}`).toString("base64"));
  });

  it("logs in to a registry that requires it with the credentials of the user's Docker config", async () => {
    // Without them the registry refuses (the docker CLI with an empty config).
    const empty = join(root, "empty-config");
    mkdirSync(empty);
    await expect(docker(["--config", empty, "pull", private_.reference])).rejects.toThrow(
      /auth|denied|unauthorized/i,
    );
    const result = await call(server.client, "docker_pull", { image: private_.reference });
    expect(text(result)).toContain("Pulled");
    expect(result.isError).toBeFalsy();
    expect(await exists(private_.reference)).toBe(true);
    const everything = seenEverywhere(JSON.stringify(result));
    expect(everything).not.toContain(REGISTRY_PASSWORD);
    expect(everything).not.toContain(Buffer.from(`tester:${REGISTRY_PASSWORD}`).toString("base64"));
  });

  it("a second pull of the same tag, or of its digest, is up to date", async () => {
    const result = await call(server.client, "docker_pull", { image: pulled.reference });
    const out = result.structuredContent as { status: string; digest: string; id: string };
    expect(out.status).toBe("up_to_date");
    const byDigest = await call(server.client, "docker_pull", {
      image: `${pulled.repository}@${out.digest}`,
    });
    expect(byDigest.isError).toBeFalsy();
    expect(byDigest.structuredContent).toMatchObject({
      image: `${pulled.repository}@${out.digest}`,
      id: out.id,
    });
  });

  it("refuses a blacklisted reference before anything is fetched", async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    const progress: Progress[] = [];
    const result = (await server.client.callTool(
      { name: "docker_pull", arguments: { image: blocked.reference } },
      undefined,
      { onprogress: (p) => progress.push(p) },
    )) as Awaited<ReturnType<typeof call>>;
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/Denied by policy.*blacklist_images/s);
    expect(progress.filter((p) => /layer/.test(p.message ?? ""))).toEqual([]);
    expect(await exists(blocked.reference)).toBe(false);
    // The daemon never started a pull of it.
    const events = await docker([
      "events",
      "--since",
      String(since),
      "--until",
      String(Math.floor(Date.now() / 1000) + 1),
      "--filter",
      "type=image",
      "--filter",
      "event=pull",
      "--format",
      "{{.Actor.ID}}",
    ]);
    expect(events).not.toContain(blocked.repository);
  });

  it("undoes a pull whose image is a blacklisted image under another name", async () => {
    // The registry serves, under an admitted name, the very image the daemon holds as a blacklisted one.
    const alias = await pushRegistryImage({
      registry: registry.address,
      name: "alias",
      payloadBytes: 1024,
      keepLocal: true,
    });
    const forbidden = tag("blocked-alias");
    await docker(["tag", alias.reference, forbidden]);
    await docker(["image", "rm", alias.reference]);
    const result = await call(server.client, "docker_pull", { image: alias.reference });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain("content the image lists refuse under another of its names");
    expect(text(result)).toContain("was removed again");
    expect(text(result)).not.toContain(forbidden);
    expect(await exists(alias.reference)).toBe(false);
    expect(await exists(forbidden)).toBe(true);
    await docker(["image", "rm", forbidden]);
  });

  it("says what to fix for a tag the registry does not have, and for a malformed reference", async () => {
    const missing = await call(server.client, "docker_pull", { image: `${pulled.repository}:no-such-tag` });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toMatch(/not found|manifest unknown/i);
    const bad = await call(server.client, "docker_pull", { image: "Not A Reference" });
    expect(bad.isError).toBe(true);
    expect(text(bad)).toContain("must be an image name");
  });
});

describe("docker_image_remove", () => {
  it("refuses an image in use with a conflict naming the containers the caller may see", async () => {
    // spare is one of two tags: naming it untags it and leaves the image.
    const untag = await call(server.client, "docker_image_remove", { images: spare });
    expect(untag.isError).toBeFalsy();
    expect(untag.structuredContent).toMatchObject({ results: [{ image: spare, status: "done" }] });
    expect(text(untag)).toContain(`untagged ${spare}`);
    expect(await exists(inUse)).toBe(true);

    const result = await call(server.client, "docker_image_remove", { images: [inUse] });
    const item = (result.structuredContent as { results: { status: string; message: string }[] }).results[0];
    expect(item?.status).toBe("failed");
    expect(item?.message).toContain("conflict: in use by");
    expect(item?.message).toContain(user.name);
    expect(item?.message).toContain("1 container the policy hides");
    expect(item?.message).not.toContain(hiddenUser.name);
    expect(await exists(inUse)).toBe(true);

    // Forced, Docker only untags an image a running container uses: the container keeps its image.
    const id = await docker(["image", "inspect", "--format", "{{.Id}}", inUse]);
    const forced = await call(server.client, "docker_image_remove", { images: [inUse], force: true });
    const forcedItem = (forced.structuredContent as { results: { status: string; message: string }[] })
      .results[0];
    expect(forcedItem).toMatchObject({ status: "done", message: `untagged ${inUse}` });
    expect(await exists(inUse)).toBe(false);
    expect(await exists(id)).toBe(true);
    expect(await docker(["inspect", "--format", "{{.State.Status}}", user.id])).toBe("running");
  });

  it("answers per image: denied by the lists, not found, done", async () => {
    const removable = tag("removable");
    await docker(["tag", secretImage, removable]);
    const result = await call(server.client, "docker_image_remove", {
      images: [blockedLocal, `docker-mcp-test/none-${RUN_ID}:x`, removable],
    });
    expect(
      (result.structuredContent as { results: { status: string }[] }).results.map((r) => r.status),
    ).toEqual(["denied", "not_found", "done"]);
    expect(await exists(blockedLocal)).toBe(true);
    expect(await exists(removable)).toBe(false);
  });
});

describe("docker_build", () => {
  const dockerfile = (from = BUSYBOX_IMAGE) =>
    [
      "ARG BASE",
      `FROM ${from}`,
      "ARG API_TOKEN",
      "ARG GREETING",
      "COPY hello.txt /hello.txt",
      'RUN echo "greeting is $GREETING" && test -n "$API_TOKEN"',
      `LABEL ${TEST_RUN_LABEL}=${RUN_ID}`,
      "",
    ].join("\n");

  it("builds from an allowed context with progress, masking secret build args", async () => {
    const context = join(allowed, "app");
    mkdirSync(context);
    writeFileSync(join(context, "Dockerfile"), dockerfile());
    writeFileSync(join(context, "hello.txt"), "hello\n");
    writeFileSync(join(context, ".dockerignore"), "ignored.txt\n");
    writeFileSync(join(context, "ignored.txt"), "not sent\n");
    const progress: Progress[] = [];
    const result = (await server.client.callTool(
      {
        name: "docker_build",
        arguments: { context, tag: tag("built"), build_args: { API_TOKEN: BUILD_SECRET, GREETING: "hi" } },
      },
      undefined,
      { onprogress: (p) => progress.push(p), timeout: 120_000 },
    )) as Awaited<ReturnType<typeof call>>;
    expect(text(result)).toContain("Built");
    expect(result.isError).toBeFalsy();
    const out = result.structuredContent as {
      build_args: Record<string, string>;
      context_files: number;
      base_images: string[];
      output: string[];
    };
    expect(out.build_args).toEqual({ API_TOKEN: "[REDACTED]", GREETING: "hi" });
    expect(out.context_files).toBe(3); // Dockerfile, .dockerignore, hello.txt
    expect(out.base_images).toEqual([BUSYBOX_IMAGE]);
    expect(out.output.join("\n")).toContain("greeting is hi");
    expect(progress.some((p) => /Step \d+\/\d+ : COPY hello.txt/.test(p.message ?? ""))).toBe(true);
    expect(await docker(["run", "--rm", tag("built"), "cat", "/hello.txt"])).toBe("hello");
    expect(
      await docker([
        "image",
        "inspect",
        "--format",
        '{{index .Config.Labels "dev.arktechnwa.docker-mcp.created-by"}}',
        tag("built"),
      ]),
    ).toBe("docker-mcp");
    expect(seenEverywhere(JSON.stringify(result), JSON.stringify(progress))).not.toContain(BUILD_SECRET);
  });

  it("does not tag a build that comes out as a blacklisted image (same content from the cache)", async () => {
    const context = join(allowed, "cached");
    mkdirSync(context);
    writeFileSync(
      join(context, "Dockerfile"),
      `FROM ${BUSYBOX_IMAGE}\nLABEL ${TEST_RUN_LABEL}=${RUN_ID} cached=yes\n`,
    );
    const forbidden = tag("blocked-cached");
    await docker([
      "build",
      "--quiet",
      "--label",
      "dev.arktechnwa.docker-mcp.created-by=docker-mcp",
      "--tag",
      forbidden,
      context,
    ]);
    const result = await call(server.client, "docker_build", { context, tag: tag("cached") });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain("Nothing was tagged");
    expect(await exists(tag("cached"))).toBe(false);
    expect(await exists(forbidden)).toBe(true);
    await docker(["image", "rm", forbidden]);
  });

  it("refuses a context outside the allowed directories, also through a symlink, before sending anything", async () => {
    writeFileSync(join(elsewhere, "Dockerfile"), dockerfile());
    writeFileSync(join(elsewhere, "hello.txt"), "hello\n");
    const result = await call(server.client, "docker_build", { context: elsewhere, tag: tag("refused") });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain("build_safety.allowed_contexts");
    const { symlinkSync } = await import("node:fs");
    symlinkSync(elsewhere, join(allowed, "sneaky"));
    const viaLink = await call(server.client, "docker_build", {
      context: join(allowed, "sneaky"),
      tag: tag("refused"),
    });
    expect(viaLink.isError).toBe(true);
    expect(text(viaLink)).toContain(`Building from ${elsewhere} is refused`);
    expect(await exists(tag("refused"))).toBe(false);
  });

  it("refuses a Dockerfile that reads from a blacklisted image, and a tag the lists refuse", async () => {
    const context = join(allowed, "from-blocked");
    mkdirSync(context);
    writeFileSync(join(context, "Dockerfile"), dockerfile(blockedLocal));
    writeFileSync(join(context, "hello.txt"), "hello\n");
    const result = await call(server.client, "docker_build", { context, tag: tag("from-blocked") });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain(`reads from image "${blockedLocal}"`);
    expect(await exists(tag("from-blocked"))).toBe(false);

    const badTag = await call(server.client, "docker_build", {
      context: join(allowed, "app"),
      tag: `docker-mcp-test/blocked-${RUN_ID}:t`,
    });
    expect(badTag.isError).toBe(true);
    expect(text(badTag)).toContain("blacklist_images");
  });
});
