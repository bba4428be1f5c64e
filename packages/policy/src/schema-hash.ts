import { createHash } from "node:crypto";
import { canonicalJson } from "./canonical-json.js";
import type { JsonSchema } from "./schema.js";

/** The ajv options every policy schema is compiled with, precompiled or at run time. */
export const AJV_OPTIONS = { allErrors: true, strict: true, verbose: true } as const;

/**
 * Identifies a compiled validator (the schema and the options): the precompiled one is used only for
 * the schema and options it was generated from.
 */
export function schemaHash(schema: JsonSchema): string {
  return createHash("sha256")
    .update(canonicalJson({ options: AJV_OPTIONS, schema }))
    .digest("hex");
}
