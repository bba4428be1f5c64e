import { describe, expect, it } from "vitest";
import { decide, dockerVocabulary, loadPolicy, PolicyError } from "../src/index.js";

describe("first working version", () => {
  it("loads the default policy and allows a read", () => {
    const policy = loadPolicy({});
    expect(policy.vocabulary).toBe(dockerVocabulary);
    expect(policy.execSafety.timeoutMs).toBe(30_000);
    const d = decide(policy, { tool: "docker_ps", levels: ["read"] });
    expect(d.allowed).toBe(true);
    expect(d.revision).toBe(policy.revision);
  });

  it("names the typo", () => {
    try {
      loadPolicy({ permissions: { lifecycel: true } });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PolicyError);
      expect((e as PolicyError).issues[0]?.message).toBe(
        "permissions.lifecycel is not a known key; did you mean lifecycle?",
      );
    }
  });
});
