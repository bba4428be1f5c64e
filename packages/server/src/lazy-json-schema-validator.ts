import type {
  JsonSchemaType,
  JsonSchemaValidator,
  jsonSchemaValidator,
} from "@modelcontextprotocol/sdk/validation/types.js";

/**
 * The SDK server's JSON Schema validator (it checks a client's answer to `elicitInput`), with ajv
 * loaded by `load()` instead of at start: ajv is ~15 ms of a start, and `initialize` does not need it.
 * The server loads it right after its initialize answer; before that, `getValidator` throws.
 */
export class LazyJsonSchemaValidator implements jsonSchemaValidator {
  private inner: jsonSchemaValidator | undefined;
  private loading: Promise<void> | undefined;

  load(): Promise<void> {
    this.loading ??= import("@modelcontextprotocol/sdk/validation/ajv").then(({ AjvJsonSchemaValidator }) => {
      this.inner = new AjvJsonSchemaValidator();
    });
    return this.loading;
  }

  getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
    if (!this.inner) throw new Error("the JSON Schema validator is still loading (await load() first)");
    return this.inner.getValidator<T>(schema);
  }
}
