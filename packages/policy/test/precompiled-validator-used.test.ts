import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { dockerVocabulary, loadPolicy, PolicyError } from "../src/index.js";
import { systemdVocabulary } from "./systemd-vocabulary.js";

// Every schema ajv compiles in this process is counted (the policy loads the same ajv module): the
// Docker vocabulary's must never be one of them.
const compiled: string[] = [];
const { Ajv } = createRequire(import.meta.url)("ajv") as typeof import("ajv");
const compile = Ajv.prototype.compile;
Ajv.prototype.compile = function (this: InstanceType<typeof Ajv>, schema: object, ...rest: unknown[]) {
  compiled.push(String((schema as { $id?: string }).$id));
  return (compile as (...args: unknown[]) => ReturnType<typeof compile>).call(this, schema, ...rest);
} as typeof compile;

describe("loadPolicy's validator", () => {
  it("is the precompiled one for the Docker vocabulary: a start compiles no schema", () => {
    const policy = loadPolicy({ permissions: { lifecycle: true } }, { vocabulary: dockerVocabulary });
    expect(policy.levels["lifecycle"]).toBe(true);
    expect(() => loadPolicy({ permissions: { lifecycel: true } })).toThrow(PolicyError);
    expect(compiled).toEqual([]);
  });

  it("is compiled at run time for any other vocabulary", () => {
    const policy = loadPolicy({ permissions: { restart: true } }, { vocabulary: systemdVocabulary });
    expect(policy.levels["restart"]).toBe(true);
    expect(compiled).toHaveLength(1);
  });
});
