import { describe, expect, it } from "vitest";
import { decide, loadPolicy } from "../src/index.js";

const request = (composeFiles: string[]) => ({ tool: "docker_compose_up", levels: ["read"], composeFiles });

describe("compose_safety.allowed_directories", () => {
  it("refuses every compose file by default, saying which key to set", () => {
    const policy = loadPolicy({});
    expect(policy.composeSafety.allowedDirectories).toEqual([]);
    const d = decide(policy, request(["/home/me/app/compose.yml"]));
    expect(d.allowed).toBe(false);
    expect(d.reasons[0]?.code).toBe("path_not_allowed");
    expect(d.reasons[0]?.message).toMatch(/compose_safety\.allowed_directories is empty/);
  });

  it("admits files at or below an allowed directory, lexically normalized", () => {
    const policy = loadPolicy({ compose_safety: { allowed_directories: ["/srv/projects/"] } });
    expect(policy.composeSafety.allowedDirectories).toEqual(["/srv/projects"]);
    expect(decide(policy, request(["/srv/projects/app/compose.yml"])).allowed).toBe(true);
    expect(decide(policy, request(["/srv/projects"])).allowed).toBe(true);
    for (const outside of ["/srv/projects-evil/compose.yml", "/srv/projects/../etc/compose.yml", "/srv"]) {
      const d = decide(policy, request([outside]));
      expect(d.allowed, outside).toBe(false);
      expect(d.reasons[0]?.message).toMatch(/not under any entry of compose_safety\.allowed_directories/);
    }
  });

  it("refuses a relative path and reports every refused file", () => {
    const policy = loadPolicy({ compose_safety: { allowed_directories: ["/srv"] } });
    const d = decide(policy, request(["app/compose.yml", "/opt/x.yml", "/srv/ok.yml"]));
    expect(d.allowed).toBe(false);
    expect(d.reasons.map((r) => r.code)).toEqual(["path_not_allowed", "path_not_allowed"]);
    expect(d.reasons[0]?.message).toMatch(/not absolute/);
  });

  it("rejects a relative directory in the policy and suggests the key for a typo", () => {
    expect(() => loadPolicy({ compose_safety: { allowed_directories: ["projects"] } })).toThrow(
      /allowed_directories\[0\]/,
    );
    expect(() => loadPolicy({ compose_safety: { allowed_dirs: ["/srv"] } })).toThrow(
      /known keys in compose_safety are: allowed_directories/,
    );
  });
});
