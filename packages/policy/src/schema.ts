import {
  CREATE_SWITCHES,
  DEFAULT_BLOCKED_BIND_MOUNTS,
  DEFAULT_BLOCKED_COMMANDS,
  DEFAULT_MAX_OUTPUT,
  DEFAULT_TIMEOUT,
} from "./defaults.js";
import { DURATION_PATTERN } from "./duration.js";
import type { Vocabulary } from "./vocabulary.js";

/** A JSON Schema object (draft-07). Kept loose: it is data we generate and hand to ajv and editors. */
export type JsonSchema = { [key: string]: unknown };

const JSON_SCHEMA_DRAFT = "http://json-schema.org/draft-07/schema#";

const patternList = (description: string): JsonSchema => ({
  type: "array",
  description,
  items: { type: "string", minLength: 1 },
  default: [],
});

const pathList = (description: string, defaults: readonly string[]): JsonSchema => ({
  type: "array",
  description,
  items: { type: "string", pattern: "^/", description: "An absolute host path." },
  default: [...defaults],
});

/**
 * Generates the JSON Schema of a policy document for a vocabulary. Every object is closed
 * (`additionalProperties: false`) so a typo is an error rather than a silently ignored key.
 */
export function generatePolicySchema(vocabulary: Vocabulary): JsonSchema {
  const permissions: Record<string, JsonSchema> = {};
  for (const level of vocabulary.levels) {
    permissions[level.name] = { type: "boolean", description: level.description, default: level.default };
  }
  for (const kind of vocabulary.resourceKinds) {
    permissions[`whitelist_${kind.plural}`] = patternList(
      `${kind.description} When not empty, only ${kind.plural} matching one of these patterns are allowed. '*' matches any run of characters; everything else is literal.`,
    );
    permissions[`blacklist_${kind.plural}`] = patternList(
      `${kind.description} ${capitalize(kind.plural)} matching any of these patterns are always denied, whatever the whitelist says.`,
    );
  }

  const properties: Record<string, JsonSchema> = {
    $schema: { type: "string", description: "Where editors find this schema." },
    permissions: {
      type: "object",
      description: "Which permission levels are on, and which resources may be touched.",
      additionalProperties: false,
      properties: permissions,
    },
    confirm: {
      type: "array",
      description:
        "Tools that ask the user before they act (MCP elicitation), after the policy allowed the call. A client that cannot ask gets a denial; remove the tool from this list to run it without asking.",
      items: {
        type: "string",
        pattern: "^[A-Za-z0-9_.-]+$",
        description: "A tool name, e.g. 'docker_remove'.",
      },
      default: [],
    },
  };

  if (vocabulary.sections?.execSafety) {
    properties["exec_safety"] = {
      type: "object",
      description:
        "Checks on commands run through exec. The blocklist is a speed bump; the exec level and allowed_commands are the real control.",
      additionalProperties: false,
      properties: {
        blocked_commands: {
          type: "array",
          description:
            "Commands refused after normalization (quotes, paths, flag order, shell wrappers and every segment are seen through).",
          items: { type: "string", minLength: 1 },
          default: [...DEFAULT_BLOCKED_COMMANDS],
        },
        allowed_commands: {
          type: "array",
          description:
            "When not empty, every program in the command (wrappers and shells included) must be one of these. '*' is a wildcard.",
          items: {
            type: "string",
            pattern: "^\\S+$",
            description: "A program name such as 'ls' (no arguments).",
          },
          default: [],
        },
        max_output: {
          type: "integer",
          minimum: 1,
          description: "Maximum characters of command output returned to the assistant.",
          default: DEFAULT_MAX_OUTPUT,
        },
        timeout: {
          description:
            "How long a command may run: a number of seconds, or a string such as '30s', '2m', '500ms'.",
          anyOf: [
            { type: "string", pattern: DURATION_PATTERN },
            { type: "number", exclusiveMinimum: 0 },
          ],
          default: DEFAULT_TIMEOUT,
        },
      },
    };
  }

  if (vocabulary.sections?.createSafety) {
    const create: Record<string, JsonSchema> = {};
    for (const s of CREATE_SWITCHES)
      create[s.key] = { type: "boolean", description: s.description, default: false };
    create["allow_cap_add"] = {
      description:
        "Capabilities a new container may add: false (none), true (any), or a list such as ['NET_ADMIN'].",
      anyOf: [{ type: "boolean" }, { type: "array", items: { type: "string", pattern: "^[A-Za-z_]+$" } }],
      default: false,
    };
    create["allow_sysctls"] = {
      description:
        "Kernel parameters (sysctls) a new container may set: false (none), true (any), or a list of names, '*' a wildcard (e.g. ['net.core.somaxconn', 'net.ipv4.tcp_*']).",
      anyOf: [
        { type: "boolean" },
        { type: "array", items: { type: "string", pattern: "^[A-Za-z0-9_.*/-]+$" } },
      ],
      default: false,
    };
    create["allowed_runtimes"] = {
      type: "array",
      description:
        "OCI runtimes a new container may ask for besides Docker's default (runc), e.g. ['runsc']. Empty: only the default.",
      items: { type: "string", pattern: "^[A-Za-z0-9_.-]+$" },
      default: [],
    };
    create["allowed_volume_drivers"] = {
      type: "array",
      description:
        "Volume plugins (drivers other than local) whose driver options are trusted. A volume of another plugin with driver options is refused wherever it is created or mounted: what those options mount is the plugin's to say.",
      items: { type: "string", pattern: "^[A-Za-z0-9_.:/-]+$" },
      default: [],
    };
    create["allowed_bind_mounts"] = pathList(
      "When not empty, host paths a new container may bind must be one of these or lie below one.",
      [],
    );
    create["blocked_bind_mounts"] = pathList(
      "Host paths a new container may not bind: the path itself, anything below it, and any directory above it.",
      DEFAULT_BLOCKED_BIND_MOUNTS,
    );
    properties["create_safety"] = {
      type: "object",
      description:
        "Checks on how new containers are configured. Everything dangerous is off until switched on here.",
      additionalProperties: false,
      properties: create,
    };
  }

  if (vocabulary.sections?.buildSafety) {
    properties["build_safety"] = {
      type: "object",
      description:
        "Checks on image builds. A build reads every file of its context directory, so none is allowed until listed here.",
      additionalProperties: false,
      properties: {
        allowed_contexts: pathList(
          "Directories whose contents may be sent to the daemon as a build context: the context must be one of these or lie below one (after symlinks are resolved). Empty: every build is refused.",
          [],
        ),
      },
    };
  }

  if (vocabulary.sections?.composeSafety) {
    properties["compose_safety"] = {
      type: "object",
      description:
        "Checks on compose projects. Compose reads host files (env files, bind sources, secret files) relative to its compose file, so the file must lie in a directory listed here. Build contexts answer to build_safety.",
      additionalProperties: false,
      properties: {
        allowed_directories: pathList(
          "Directories whose compose files may be used, with everything below them. Empty (the default): no compose file may be used; compose projects can still be listed and their logs read.",
          [],
        ),
      },
    };
  }

  return {
    $schema: JSON_SCHEMA_DRAFT,
    $id: `urn:arktechnwa:mcp-policy:${vocabulary.name}`,
    title: vocabulary.title ?? `${vocabulary.name} policy`,
    description: "A policy document for @arktechnwa/mcp-policy. Unknown keys are errors.",
    type: "object",
    additionalProperties: false,
    properties,
  };
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
