import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localRealPath, withRealBindSources } from "../src/host-real-path.js";

let dir: string;
beforeAll(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), "docker-mcp-realpath-")));
  mkdirSync(join(dir, "plain"));
  symlinkSync("/etc", join(dir, "etc"));
  symlinkSync(join(dir, "etc"), join(dir, "etc2"));
  symlinkSync("../plain", join(dir, "plain", "up"));
  symlinkSync(join(dir, "nowhere"), join(dir, "dangling"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("localRealPath", () => {
  it.each([
    ["plain", "plain"],
    ["plain/not-yet/deeper", "plain/not-yet/deeper"],
    ["plain/up/up/up", "plain"],
  ])("%s resolves inside the directory", async (path, real) => {
    expect(await localRealPath(join(dir, path))).toEqual({ real: join(dir, real) });
  });

  it.each([
    ["etc", "/etc"],
    ["etc2", "/etc"],
    ["etc/not-there-yet", "/etc/not-there-yet"],
    ["etc2/a/b", "/etc/a/b"],
  ])("%s follows its symlinks to %s", async (path, real) => {
    expect(await localRealPath(join(dir, path))).toEqual({ real });
  });

  it("reports a dangling symlink (the daemon would follow it) instead of guessing", async () => {
    expect(await localRealPath(join(dir, "dangling"))).toMatchObject({ problem: /symlink/ });
    expect(await localRealPath(join(dir, "dangling", "x"))).toMatchObject({ problem: /symlink/ });
  });

  it("fills every bind's real path and leaves volumes alone", async () => {
    const facts = await withRealBindSources(
      {
        mounts: [
          { type: "bind", source: join(dir, "etc"), target: "/h", readOnly: true, options: ["ro"] },
          { type: "volume", source: "data", target: "/d", readOnly: false, options: [] },
          { type: "bind", source: join(dir, "dangling"), target: "/x", readOnly: false, options: [] },
        ],
      },
      localRealPath,
    );
    expect(facts.mounts?.[0]).toMatchObject({ realSource: "/etc" });
    expect(facts.mounts?.[1]).not.toHaveProperty("realSource");
    expect(facts.mounts?.[2]).toMatchObject({ realSourceProblem: expect.stringMatching(/symlink/) });
  });
});
