import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type DecisionRequest, decide, loadPolicy, type Policy } from "../src/index.js";

interface Case {
  name: string;
  policy: string;
  request: DecisionRequest;
  allowed: boolean;
  codes: string[];
  includes?: string[];
}
const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/decide-cases.json", import.meta.url), "utf8"),
) as {
  policies: Record<string, unknown>;
  cases: Case[];
};
const policies = new Map<string, Policy>(
  Object.entries(fixture.policies).map(([name, doc]) => [name, loadPolicy(doc)]),
);

describe("decide() fixture cases", () => {
  it.each(fixture.cases)("$name", (c) => {
    const policy = policies.get(c.policy);
    if (policy === undefined) throw new Error(`fixture names unknown policy ${c.policy}`);
    const d = decide(policy, c.request);
    expect(d.reasons.map((r) => r.code)).toEqual(c.codes);
    expect(d.allowed).toBe(c.allowed);
    expect(d.revision).toBe(policy.revision);
    const text = d.reasons.map((r) => r.message).join("\n");
    for (const fragment of c.includes ?? []) expect(text).toContain(fragment);
  });

  it("gives the same answer whatever the order of list entries", () => {
    const doc = fixture.policies["issue"] as { permissions: Record<string, unknown> };
    const reversed = {
      permissions: Object.fromEntries(
        Object.entries(doc.permissions)
          .reverse()
          .map(([k, v]) => [k, Array.isArray(v) ? [...v].reverse() : v]),
      ),
    };
    const a = loadPolicy(doc);
    const b = loadPolicy(reversed);
    expect(b.revision).toBe(a.revision);
    for (const c of fixture.cases.filter((x) => x.policy === "issue")) {
      expect(decide(b, c.request)).toEqual(decide(a, c.request));
    }
  });

  it("gives the same answer whatever the order of resources and names", () => {
    const policy = policies.get("issue")!;
    const r1 = { kind: "container", names: ["/myapp-web", "/vault"] };
    const r2 = { kind: "container", names: ["/nginx"] };
    const forward = decide(policy, { tool: "t", levels: ["read"], resources: [r1, r2] });
    const backward = decide(policy, {
      tool: "t",
      levels: ["read"],
      resources: [r2, { ...r1, names: [...r1.names].reverse() }],
    });
    expect(forward.allowed).toBe(false);
    expect(backward.allowed).toBe(false);
    expect(backward.reasons.map((r) => r.code)).toEqual(forward.reasons.map((r) => r.code));
  });
});

describe("bypass", () => {
  const bypassed = loadPolicy(fixture.policies["issue"], { bypass: true });

  it("allows everything and says so", () => {
    for (const c of fixture.cases) {
      const d = decide(bypassed, c.request);
      expect(d.allowed).toBe(true);
      expect(d.reasons).toHaveLength(1);
      expect(d.reasons[0]?.code).toBe("bypass");
      expect(d.reasons[0]?.message).toContain("--bypass-permissions");
    }
  });

  it("still tells what would have been denied", () => {
    const d = decide(bypassed, {
      tool: "t",
      levels: ["read"],
      resources: [{ kind: "container", names: ["vault"] }],
    });
    expect(d.reasons[0]?.message).toContain("would have been denied");
    expect(d.reasons[0]?.message).toContain("[blacklisted]");
  });

  it("has its own revision", () => {
    expect(bypassed.revision).not.toBe(loadPolicy(fixture.policies["issue"]).revision);
  });
});

describe("malformed requests", () => {
  const policy = policies.get("issue")!;
  const odd: unknown[] = [
    null,
    undefined,
    42,
    "docker_ps",
    {},
    { tool: "t" },
    { tool: "t", levels: "read" },
    { tool: "t", levels: [1] },
    { tool: "t", levels: ["read"], resources: {} },
    { tool: "t", levels: ["read"], resources: [null] },
    { tool: "t", levels: ["read"], resources: [{ kind: "container" }] },
    { tool: "t", levels: ["read"], resources: [{ kind: "container", names: [null] }] },
    { tool: "t", levels: ["read"], command: "rm -rf /" },
    { tool: "t", levels: ["read"], create: "privileged" },
  ];
  it.each(odd.map((r) => [JSON.stringify(r) ?? "undefined", r]))("denies %s without throwing", (_, r) => {
    const d = decide(policy, r as DecisionRequest);
    expect(d.allowed).toBe(false);
    expect(d.reasons.length).toBeGreaterThan(0);
  });

  it("denies with internal_error on a policy it cannot read", () => {
    const d = decide({} as Policy, { tool: "t", levels: ["read"] });
    expect(d.allowed).toBe(false);
    expect(d.reasons[0]?.code).toBe("internal_error");
  });
});
