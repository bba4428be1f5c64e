import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configJsonSchema } from "../src/index.js";

type Schema = {
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  anyOf?: Schema[];
  items?: Schema;
};

/** Keys of `value` that a closed schema does not know, as dotted paths (what an editor would flag). */
function unknownKeys(value: unknown, schema: Schema | undefined, path = ""): string[] {
  if (!schema || value === null || typeof value !== "object") return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => unknownKeys(v, schema.items, `${path}[${i}]`));
  const objectSchema = schema.properties ? schema : schema.anyOf?.find((s) => s.properties);
  if (!objectSchema?.properties) return [];
  return Object.entries(value).flatMap(([key, v]) => {
    const at = path ? `${path}.${key}` : key;
    const sub = objectSchema.properties?.[key];
    if (!sub) return objectSchema.additionalProperties === false ? [at] : [];
    return unknownKeys(v, sub, at);
  });
}

describe("config.schema.json", () => {
  const schema = configJsonSchema() as Schema;

  it("is the generated schema (run `pnpm --filter @arktechnwa/docker-mcp run schema` after changing the config)", () => {
    const file = JSON.parse(readFileSync(new URL("../config.schema.json", import.meta.url), "utf8"));
    expect(file).toEqual(configJsonSchema());
  });

  it("knows every key of every JSON config example of the design document", () => {
    const dir = new URL("./fixtures/design-document/", import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
    expect(files.length).toBeGreaterThanOrEqual(7);
    for (const file of files) {
      const doc = JSON.parse(readFileSync(new URL(file, dir), "utf8"));
      expect({ file, unknown: unknownKeys(doc, schema) }).toEqual({ file, unknown: [] });
    }
  });

  it("flags a misspelt key in a policy section and in a server section", () => {
    expect(
      unknownKeys(
        { permissions: { lifecycel: true }, neverhang: { read_timeuot: 1 }, docker: { sokcet: "x" } },
        schema,
      ),
    ).toEqual(["permissions.lifecycel", "neverhang.read_timeuot", "docker.sokcet"]);
  });
});
