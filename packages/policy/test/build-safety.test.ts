import { describe, expect, it } from "vitest";
import { decide, loadPolicy, PolicyError, toAuditRecord } from "../src/index.js";

const request = (context: string) => ({
  tool: "docker_build",
  levels: ["images"],
  resources: [{ kind: "image", names: ["myorg/app:1"] }],
  build: { context },
});

describe("build_safety", () => {
  it("refuses every build by default, naming the key to set", () => {
    const policy = loadPolicy({ permissions: { images: true } });
    expect(policy.buildSafety.allowedContexts).toEqual([]);
    const d = decide(policy, request("/srv/app"));
    expect(d.allowed).toBe(false);
    expect(d.reasons.map((r) => r.code)).toEqual(["build_unsafe"]);
    expect(d.reasons[0]?.message).toContain("build_safety.allowed_contexts");
  });

  it.each([
    ["/srv/builds", true],
    ["/srv/builds/", true],
    ["/srv/builds/app", true],
    ["/srv/builds/./app/../app", true],
    ["/srv/builds/../etc", false],
    ["/srv/buildsx", false],
    ["/srv", false],
    ["/", false],
    ["relative/dir", false],
    ["", false],
  ])("context %s allowed under /srv/builds: %s", (context, allowed) => {
    const policy = loadPolicy({
      permissions: { images: true },
      build_safety: { allowed_contexts: ["/srv/builds/"] },
    });
    const d = decide(policy, request(context));
    expect(d.allowed).toBe(allowed);
    if (!allowed) expect(d.reasons.map((r) => r.code)).toEqual(["build_unsafe"]);
  });

  it("judges the image lists and the context together, reporting both", () => {
    const policy = loadPolicy({
      permissions: { images: true, blacklist_images: ["myorg/*"] },
      build_safety: { allowed_contexts: ["/srv/builds"] },
    });
    const d = decide(policy, request("/home/me"));
    expect(d.reasons.map((r) => r.code).sort()).toEqual(["blacklisted", "build_unsafe"]);
  });

  it("is validated like every other section", () => {
    expect(() => loadPolicy({ build_safety: { allowed_contexts: ["srv"] } })).toThrow(PolicyError);
    try {
      loadPolicy({ build_safety: { allowed_context: ["/srv"] } });
      expect.unreachable();
    } catch (error) {
      expect((error as PolicyError).message).toContain("did you mean allowed_contexts");
    }
  });

  it("changes the revision when the allowed directories change, not when they are reordered", () => {
    const a = loadPolicy({ build_safety: { allowed_contexts: ["/a", "/b"] } });
    const b = loadPolicy({ build_safety: { allowed_contexts: ["/b/", "/a"] } });
    const c = loadPolicy({ build_safety: { allowed_contexts: ["/a"] } });
    expect(a.revision).toBe(b.revision);
    expect(a.revision).not.toBe(c.revision);
  });

  it("refuses builds under a vocabulary without the section", async () => {
    const { systemdVocabulary } = await import("./systemd-vocabulary.js");
    const policy = loadPolicy({}, { vocabulary: systemdVocabulary });
    const d = decide(policy, { tool: "t", levels: ["read"], build: { context: "/srv" } });
    expect(d.reasons.map((r) => r.code)).toContain("build_unsafe");
  });

  it("puts the build spec in the audit record", () => {
    const policy = loadPolicy({ permissions: { images: true } });
    const d = decide(policy, request("/srv/app"));
    expect(toAuditRecord(request("/srv/app"), d, 0).build).toEqual({ context: "/srv/app" });
  });
});
