import { createEngine, type EngineError } from "@arktechnwa/docker-mcp-engine";
import {
  BUSYBOX_IMAGE,
  docker,
  ensureBusyboxImage,
  ensureDaemon,
  RUN_ID,
  removeFixtures,
  runFixture,
  TEST_LABEL,
  TEST_RUN_LABEL,
} from "@arktechnwa/docker-mcp-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMPOSE_PROJECT_LABEL, type DockerDeps, dockerResources } from "../src/index.js";

const engine = createEngine();
const deps: DockerDeps = { engine };
const resolve = (kind: string, ref: string) => {
  const factory = dockerResources.resolvers?.[kind];
  if (!factory) throw new Error(`no resolver for ${kind}`);
  return factory(deps)(ref, AbortSignal.timeout(20_000));
};
const rejects = async (kind: string, ref: string) => {
  const error = (await resolve(kind, ref).then(
    () => undefined,
    (e: unknown) => e,
  )) as EngineError | undefined;
  return error?.code;
};

const labels = ["--label", `${TEST_LABEL}=1`, "--label", `${TEST_RUN_LABEL}=${RUN_ID}`];
const networkName = `docker-kit-net-${RUN_ID}`;
const volumeName = `docker-kit-vol-${RUN_ID}`;
const project = `dkproj${RUN_ID}`;

describe("the resource provider on a real daemon", () => {
  let containerId: string;
  let containerName: string;
  let networkId: string;
  let imageId: string;
  beforeAll(async () => {
    await ensureDaemon();
    await ensureBusyboxImage();
    imageId = await docker(["image", "inspect", "-f", "{{.Id}}", BUSYBOX_IMAGE]);
    const c = await runFixture({ name: "kit-web", labels: { [COMPOSE_PROJECT_LABEL]: project } });
    containerId = c.id;
    containerName = c.name;
    networkId = await docker(["network", "create", "--internal", ...labels, networkName]);
    await docker(["volume", "create", ...labels, volumeName]);
  }, 120_000);
  afterAll(async () => {
    await removeFixtures();
    await docker(["network", "rm", networkName]).catch(() => {});
    await docker(["volume", "rm", volumeName]).catch(() => {});
    await engine.close();
  });

  it("is one plugin with no tools and a resolver for each Docker kind", () => {
    expect(dockerResources.manifest.tools).toEqual([]);
    expect(Object.keys(dockerResources.resolvers ?? {}).sort()).toEqual(
      ["compose_project", "container", "image", "network", "volume"].sort(),
    );
  });

  it("resolves a container by name, /name, ID prefix and full ID to the same container", async () => {
    for (const ref of [containerName, `/${containerName}`, containerId.slice(0, 12), containerId]) {
      const r = await resolve("container", ref);
      expect(r, ref).toMatchObject({ kind: "container", id: containerId, names: [containerName] });
      expect(r.image).toBe(BUSYBOX_IMAGE);
      expect(r.related).toEqual([{ kind: "compose_project", names: [project] }]);
    }
  });

  it("resolves an image by tag, full ID and short ID, with all its names and nothing it does not carry", async () => {
    for (const ref of [BUSYBOX_IMAGE, imageId, imageId.replace("sha256:", "").slice(0, 12)]) {
      const r = await resolve("image", ref);
      expect(r.id, ref).toBe(imageId);
      expect(r.names).toEqual(expect.arrayContaining([BUSYBOX_IMAGE, imageId]));
      // The text typed leads only when it is one of the image's own names.
      expect(r.names[0]).toBe(ref.length === 12 ? BUSYBOX_IMAGE : ref);
      expect(r.names).not.toContain(imageId.replace("sha256:", "").slice(0, 12));
    }
    // Without a tag, the reference means ":latest": it leads when the image carries that tag.
    const repository = BUSYBOX_IMAGE.replace(/:latest$/, "");
    expect((await resolve("image", repository)).names[0]).toBe(repository);
  });

  it("judges a container by every name of its image", async () => {
    const r = await resolve("container", containerName);
    expect(r.images).toEqual(expect.arrayContaining([BUSYBOX_IMAGE, imageId]));
  });

  it("resolves a network by name, full ID and ID prefix, judged by its name", async () => {
    for (const ref of [networkName, networkId, networkId.slice(0, 12)]) {
      expect(await resolve("network", ref), ref).toMatchObject({
        kind: "network",
        id: networkId,
        names: [networkName],
      });
    }
  });

  it("resolves a volume by its exact name", async () => {
    expect(await resolve("volume", volumeName)).toMatchObject({ kind: "volume", names: [volumeName] });
  });

  it("resolves a compose project from its containers' label, to its name", async () => {
    const r = await resolve("compose_project", project);
    expect(r).toMatchObject({ kind: "compose_project", names: [project] });
    expect((r.data as { containerIds: string[] }).containerIds).toEqual([containerId]);
  });

  // Never the typed text: what cannot be found is NOT_FOUND (or AMBIGUOUS), so the kernel denies.
  const absent: [string, string][] = [
    ["container", `kit-absent-${RUN_ID}`],
    ["container", ""],
    ["image", `docker-mcp-test/absent-${RUN_ID}:none`],
    ["image", "sha256:0000000000000000000000000000000000000000000000000000000000000000"],
    ["network", `kit-absent-${RUN_ID}`],
    ["network", ""],
    ["network", "../volumes"],
    ["volume", `kit-absent-${RUN_ID}`],
    ["volume", volumeName.slice(0, -1)],
    ["volume", ""],
    ["compose_project", `absent${RUN_ID}`],
    ["compose_project", project.slice(0, -1)],
    ["compose_project", project.toUpperCase()],
    ["compose_project", `${project},x`],
    ["compose_project", `${COMPOSE_PROJECT_LABEL}=${project}`],
    ["compose_project", ""],
  ];
  for (const [kind, ref] of absent) {
    it(`${kind} ${JSON.stringify(ref)} is not found`, async () => {
      expect(await rejects(kind, ref)).toBe("NOT_FOUND");
    });
  }
});
