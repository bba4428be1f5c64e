import { describe, expect, it } from "vitest";
import { DockerIgnore } from "../src/dockerignore.js";

describe("DockerIgnore", () => {
  const ignore = new DockerIgnore(
    [
      "# comment",
      "node_modules",
      "*.log",
      "!keep.log",
      "secrets/**",
      "**/*.tmp",
      "./build/",
      "a?c",
      "[xy].txt",
    ].join("\n"),
  );
  it.each([
    ["node_modules", true],
    ["node_modules/x/y.js", true],
    ["src/node_modules", false],
    ["app.log", true],
    ["keep.log", false],
    ["logs/app.log", false],
    ["secrets/a/b", true],
    ["secrets", false],
    ["deep/dir/file.tmp", true],
    ["file.tmp", true],
    ["build/out", true],
    ["abc", true],
    ["abbc", false],
    ["x.txt", true],
    ["z.txt", false],
    ["Dockerfile", false],
  ])("%s excluded: %s", (path, excluded) => {
    expect(ignore.excludes(path)).toBe(excluded);
  });

  it("is empty without patterns", () => {
    expect(new DockerIgnore("\n# only a comment\n").empty).toBe(true);
  });
});
