import { describe, expect, it, vi } from "vitest";
import { dockerVocabulary, loadPolicy, PolicyError } from "../src/index.js";
import { systemdVocabulary } from "./systemd-vocabulary.js";

// Every schema compiled at run time is counted: the Docker vocabulary's must never be one of them.
const compiled = vi.hoisted(() => ({ ids: [] as string[] }));
vi.mock("ajv", async (importOriginal) => {
  const actual = await importOriginal<typeof import("ajv")>();
  const compile = actual.Ajv.prototype.compile;
  actual.Ajv.prototype.compile = function (
    this: InstanceType<typeof actual.Ajv>,
    schema: object,
    ...rest: unknown[]
  ) {
    compiled.ids.push(String((schema as { $id?: string }).$id));
    return (compile as (...args: unknown[]) => ReturnType<typeof compile>).call(this, schema, ...rest);
  } as typeof compile;
  return { ...actual };
});

describe("loadPolicy's validator", () => {
  it("is the precompiled one for the Docker vocabulary: a start compiles no schema", () => {
    const policy = loadPolicy({ permissions: { lifecycle: true } }, { vocabulary: dockerVocabulary });
    expect(policy.levels["lifecycle"]).toBe(true);
    expect(() => loadPolicy({ permissions: { lifecycel: true } })).toThrow(PolicyError);
    expect(compiled.ids).toEqual([]);
  });

  it("is compiled at run time for any other vocabulary", () => {
    const policy = loadPolicy({ permissions: { restart: true } }, { vocabulary: systemdVocabulary });
    expect(policy.levels["restart"]).toBe(true);
    expect(compiled.ids).toHaveLength(1);
  });
});
