import { mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { serviceBuildSpec } from "../src/compose-build.js";

const root = realpathSync(mkdtempSync(join(tmpdir(), "docker-mcp-compose-build-")));
const context = join(root, "app");
mkdirSync(context);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("serviceBuildSpec: a service's build section as docker-mcp builds it", () => {
  it("reads context, dockerfile, args (mapping or list), target and labels", async () => {
    const spec = await serviceBuildSpec("web", {
      build: {
        context,
        dockerfile: "sub/Dockerfile",
        args: ["A=1", "B"],
        target: "prod",
        labels: { l: "v" },
      },
    });
    expect(spec).toMatchObject({
      root: context,
      dockerfile: "sub/Dockerfile",
      buildArgs: { A: "1" },
      target: "prod",
      what: "the Dockerfile of service web",
    });
    expect(spec.labels).toMatchObject({ l: "v" });
  });

  it("takes an absolute Dockerfile inside the context as a path in it, and refuses one outside", async () => {
    const inside = await serviceBuildSpec("web", { build: { context, dockerfile: join(context, "D") } });
    expect(inside.dockerfile).toBe("D");
    await expect(
      serviceBuildSpec("web", { build: { context, dockerfile: join(root, "elsewhere", "D") } }),
    ).rejects.toThrow(/outside its build context/);
  });

  it("builds an inline Dockerfile from its text, not from a file", async () => {
    const spec = await serviceBuildSpec("web", { build: { context, dockerfile_inline: "FROM scratch\n" } });
    expect(spec.inline).toBe("FROM scratch\n");
    expect(spec.dockerfile).not.toBe("Dockerfile");
  });

  it("refuses build options it would not carry out, and contexts that are no local directory", async () => {
    await expect(
      serviceBuildSpec("web", { build: { context, network: "host", cache_from: ["x"] } }),
    ).rejects.toThrow(/uses network, cache_from/);
    await expect(serviceBuildSpec("web", { build: "https://example.com/repo.git" })).rejects.toThrow(
      /not a local directory/,
    );
    await expect(serviceBuildSpec("web", { build: join(root, "missing") })).rejects.toThrow(/does not exist/);
  });
});
