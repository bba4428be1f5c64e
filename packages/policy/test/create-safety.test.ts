import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type CreateRequest, decide, loadPolicy } from "../src/index.js";

const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/create-cases.json", import.meta.url), "utf8"),
) as {
  cases: {
    name: string;
    safety?: Record<string, unknown>;
    create: CreateRequest;
    allowed: boolean;
    includes?: string[];
    count?: number;
  }[];
};

describe("create_safety", () => {
  it.each(fixture.cases)("$name", ({ safety, create, allowed, includes, count }) => {
    const policy = loadPolicy({
      permissions: { create: true },
      ...(safety ? { create_safety: safety } : {}),
    });
    const d = decide(policy, {
      tool: "docker_create",
      levels: ["create"],
      resources: [{ kind: "image", names: ["nginx:1.27"] }],
      create,
    });
    expect(d.allowed).toBe(allowed);
    if (!allowed) expect(new Set(d.reasons.map((r) => r.code))).toEqual(new Set(["create_unsafe"]));
    if (count !== undefined) expect(d.reasons).toHaveLength(count);
    const text = d.reasons.map((r) => r.message).join("\n");
    for (const fragment of includes ?? []) expect(text).toContain(fragment);
  });

  it("applies its safe defaults even when the vocabulary has no create_safety section", async () => {
    const { systemdVocabulary } = await import("./systemd-vocabulary.js");
    const policy = loadPolicy({}, { vocabulary: systemdVocabulary });
    const d = decide(policy, { tool: "t", levels: ["read"], create: { privileged: true } });
    expect(d.allowed).toBe(false);
  });
});
