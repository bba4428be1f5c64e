import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { SCHEMA_HASH, validate } from "../src/generated/docker-policy-validator.js";
import { dockerVocabulary, generatePolicySchema } from "../src/index.js";
import { AJV_OPTIONS, schemaHash } from "../src/schema-hash.js";
import { validatorSource } from "../src/validator-source.js";

const fixture = JSON.parse(readFileSync(new URL("./fixtures/load-errors.json", import.meta.url), "utf8")) as {
  cases: { name: string; document: unknown }[];
};
const REGENERATE =
  "pnpm --filter @arktechnwa/mcp-policy run build && pnpm --filter @arktechnwa/mcp-policy run validator";

describe("the precompiled Docker policy validator", () => {
  const schema = generatePolicySchema(dockerVocabulary);

  it("is the standalone code of today's schema (regenerate it when the vocabulary changes)", () => {
    const committed = readFileSync(
      new URL("../src/generated/docker-policy-validator.ts", import.meta.url),
      "utf8",
    );
    expect(SCHEMA_HASH, `out of date: run ${REGENERATE}`).toBe(schemaHash(schema));
    expect(committed === validatorSource(schema), `out of date: run ${REGENERATE}`).toBe(true);
  });

  it("judges documents as the schema compiled at run time does, with the same errors", () => {
    const compiled = new Ajv(AJV_OPTIONS).compile(schema);
    const documents = [
      {},
      { permissions: { read: true, lifecycle: true }, exec_safety: { timeout: "30s" } },
      ...fixture.cases.map((c) => c.document),
    ];
    let refused = 0;
    for (const document of documents) {
      const ok = validate(document);
      expect(ok, JSON.stringify(document)).toBe(compiled(document));
      expect(validate.errors ?? null).toEqual(compiled.errors ?? null);
      if (!ok) refused++;
    }
    // The fixture's documents are bad ones: most of them fail the schema itself.
    expect(refused).toBeGreaterThan(documents.length / 2);
  });
});
