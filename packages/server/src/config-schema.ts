import { dockerVocabulary, generatePolicySchema, type JsonSchema } from "@arktechnwa/mcp-policy";
import { z } from "zod";
import { serverSections } from "./server-config.js";

/**
 * The JSON Schema of the whole config file, for editors (`"$schema"` in the file): the policy's sections
 * and the server's in one closed object, so a misspelt key is flagged wherever it is.
 */
export function configJsonSchema(): JsonSchema {
  const policy = generatePolicySchema(dockerVocabulary);
  const server = z.toJSONSchema(z.strictObject(serverSections), { io: "input", target: "draft-7" }) as {
    properties?: Record<string, JsonSchema>;
  };
  // A host's policy overrides are policy keys: the same schema, every key optional.
  const hostEntry = (
    server.properties?.hosts as { additionalProperties?: { properties?: Record<string, JsonSchema> } }
  )?.additionalProperties;
  if (hostEntry?.properties?.policy) {
    const {
      $schema: _s,
      $id: _i,
      title: _t,
      required: _r,
      ...policyBody
    } = policy as Record<string, unknown>;
    hostEntry.properties.policy = {
      ...policyBody,
      description: hostEntry.properties.policy.description,
    } as JsonSchema;
  }
  return {
    ...policy,
    $id: "urn:arktechnwa:docker-mcp:config",
    title: "docker-mcp configuration",
    description:
      "The docker-mcp config file: the policy (permissions, exec_safety, create_safety, ...) and the server's own sections (hosts, docker, neverhang, fallback, audit, tools). Unknown keys are errors. Durations in neverhang and fallback are milliseconds, or strings with a unit.",
    properties: { ...(policy.properties as Record<string, JsonSchema>), ...server.properties },
  };
}
