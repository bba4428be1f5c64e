import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import {
  decide,
  defineVocabulary,
  dockerVocabulary,
  generatePolicySchema,
  loadPolicy,
  PolicyError,
  visible,
} from "../src/index.js";
import { systemdVocabulary } from "./systemd-vocabulary.js";

describe("the shipped schema file", () => {
  it("equals the schema generated from the Docker vocabulary (run `pnpm run schema` after a change)", () => {
    const committed = JSON.parse(readFileSync(new URL("../policy.schema.json", import.meta.url), "utf8"));
    expect(committed).toEqual(generatePolicySchema(dockerVocabulary));
  });

  it("compiles under ajv strict mode and closes every object", () => {
    const schema = generatePolicySchema(dockerVocabulary);
    expect(() => new Ajv({ strict: true }).compile(schema)).not.toThrow();
    const walk = (s: Record<string, unknown>) => {
      if (s["type"] === "object") expect(s["additionalProperties"]).toBe(false);
      for (const child of Object.values((s["properties"] ?? {}) as Record<string, Record<string, unknown>>))
        walk(child);
    };
    walk(schema);
  });

  it("documents every key", () => {
    const props = (
      generatePolicySchema(dockerVocabulary)["properties"] as Record<string, { properties?: object }>
    )["permissions"]?.properties as Record<string, { description?: string }>;
    for (const [key, s] of Object.entries(props)) expect(s.description, key).toBeTruthy();
    expect(Object.keys(props)).toEqual(
      expect.arrayContaining(["whitelist_volumes", "blacklist_networks", "whitelist_compose_projects"]),
    );
  });
});

describe("a second vocabulary (systemd)", () => {
  const schema = generatePolicySchema(systemdVocabulary);

  it("generates its own schema: its levels and lists, no Docker sections", () => {
    const sections = schema["properties"] as Record<string, { properties?: Record<string, unknown> }>;
    expect(Object.keys(sections).sort()).toEqual(["$schema", "confirm", "permissions"]);
    expect(Object.keys(sections["permissions"]?.properties ?? {})).toEqual([
      "read",
      "restart",
      "start_stop",
      "whitelist_units",
      "blacklist_units",
    ]);
    expect(() => new Ajv({ strict: true }).compile(schema)).not.toThrow();
  });

  it("runs the same engine", () => {
    const policy = loadPolicy(
      {
        permissions: { restart: true, whitelist_units: ["app-*.service"], blacklist_units: ["sshd.service"] },
      },
      { vocabulary: systemdVocabulary },
    );
    expect(policy.levels).toEqual({ read: true, restart: true, start_stop: false });
    const unit = (name: string) => [{ kind: "unit", names: [name] }];
    expect(
      decide(policy, { tool: "restart", levels: ["restart"], resources: unit("app-web.service") }).allowed,
    ).toBe(true);
    const off = decide(policy, { tool: "stop", levels: ["start_stop"], resources: unit("app-web.service") });
    expect(off.reasons[0]?.message).toContain("permissions.start_stop");
    const black = decide(policy, { tool: "restart", levels: ["restart"], resources: unit("sshd.service") });
    expect(black.reasons[0]?.code).toBe("blacklisted");
    expect(black.reasons[0]?.message).toContain("permissions.blacklist_units");
    const white = decide(policy, { tool: "restart", levels: ["restart"], resources: unit("cron.service") });
    expect(white.reasons[0]?.code).toBe("not_whitelisted");
    expect(decide(policy, { tool: "x", levels: ["exec"] }).reasons[0]?.code).toBe("unknown_level");
    expect(
      decide(policy, { tool: "x", levels: ["read"], resources: [{ kind: "container", names: ["a"] }] })
        .reasons[0]?.code,
    ).toBe("unknown_kind");
    expect(visible(policy, "unit", [{ names: ["app-a.service"] }, { names: ["sshd.service"] }])).toHaveLength(
      1,
    );
  });

  it("rejects Docker keys and suggests its own", () => {
    const issues = (() => {
      try {
        loadPolicy(
          { permissions: { lifecycle: true, restrat: true }, exec_safety: {} },
          { vocabulary: systemdVocabulary },
        );
      } catch (e) {
        return (e as PolicyError).issues;
      }
      return [];
    })();
    expect(issues.map((i) => i.path).sort()).toEqual([
      "exec_safety",
      "permissions.lifecycle",
      "permissions.restrat",
    ]);
    expect(issues.find((i) => i.path === "permissions.restrat")?.message).toContain("did you mean restart?");
  });

  it("still checks commands against the default blocklist", () => {
    const policy = loadPolicy({}, { vocabulary: systemdVocabulary });
    expect(decide(policy, { tool: "t", levels: ["read"], command: ["rm -rf /"] }).allowed).toBe(false);
  });
});

describe("defineVocabulary", () => {
  it.each([
    [{ name: "x", levels: [], resourceKinds: [] }, "at least one level"],
    [
      { name: "x", levels: [{ name: "Read", default: true, description: "" }], resourceKinds: [] },
      "snake_case",
    ],
    [
      {
        name: "x",
        levels: [{ name: "whitelist_units", default: false, description: "" }],
        resourceKinds: [{ name: "unit", plural: "units", description: "" }],
      },
      "clashes",
    ],
    [
      {
        name: "x",
        levels: [{ name: "read", default: true, description: "" }],
        resourceKinds: [{ name: "unit", plural: "units", description: "", imageKind: "image" }],
      },
      "imageKind",
    ],
  ])("refuses a broken vocabulary (%#)", (v, fragment) => {
    expect(() => defineVocabulary(v)).toThrow(fragment);
    expect(() => defineVocabulary(v)).not.toThrow(PolicyError);
  });

  it("freezes the vocabulary", () => {
    expect(Object.isFrozen(dockerVocabulary.levels[0])).toBe(true);
  });
});
