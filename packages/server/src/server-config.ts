import { z } from "zod";
import { TIMEOUT_CLASS_NAMES, type TimeoutClassName } from "./timeout-classes.js";

/**
 * A duration: a number of milliseconds (the design document writes `"read_timeout": 30000`), or a
 * string with units ("30s", "2m", "500ms", "1m30s"). A bare number under 1000 is refused: it is
 * almost always seconds written as milliseconds, and a 30 ms deadline would fail every call.
 */
const duration = z
  .union([
    z
      .string()
      .regex(/^\s*(\d+(\.\d+)?\s*(ms|s|m|h)\s*)+$/, 'write a duration such as "30s", "2m" or "500ms"'),
    z.number().refine((n) => Number.isFinite(n) && n >= 1000, {
      message:
        'a number is milliseconds here; write at least 1000, or a string with its unit such as "30s" or "500ms"',
    }),
  ])
  .describe('Milliseconds (30000), or a string with a unit: "30s", "2m", "500ms".');

/** `neverhang.<class>_timeout`: the design document's spelling of `neverhang.timeouts.<class>`. */
const flatTimeouts = Object.fromEntries(
  TIMEOUT_CLASS_NAMES.map((name) => [
    `${name}_timeout`,
    duration.optional().describe(`Same as neverhang.timeouts.${name}.`),
  ]),
) as Record<`${TimeoutClassName}_timeout`, z.ZodOptional<typeof duration>>;

const filePath = z.string().min(1);

const tlsFiles = z.strictObject({
  ca: filePath.optional().describe("CA certificate (PEM) that signed the daemon's certificate."),
  cert: filePath.optional().describe("Client certificate (PEM)."),
  key: filePath.optional().describe("Client key (PEM)."),
  verify: z.boolean().optional(),
});

/** One named Docker host: where it is (one of socket, host, context) and its policy overrides. */
const hostEntry = z
  .strictObject({
    socket: z.string().min(1).optional().describe("Unix socket path."),
    host: z
      .string()
      .regex(
        /^(unix|tcp|ssh|http|https):\/\//,
        "must start with unix://, tcp://, ssh://, http:// or https://",
      )
      .optional()
      .describe(
        "unix:///path, tcp://host:port (with tls) or ssh://user@host (OpenSSH, ~/.ssh/config honored).",
      ),
    context: z
      .string()
      .min(1)
      .optional()
      .describe(
        "A Docker context by name, read from the Docker config directory ($DOCKER_CONFIG or ~/.docker).",
      ),
    tls: tlsFiles.optional(),
    api_version: z
      .string()
      .regex(/^\d+\.\d+$/, 'must look like "1.41"')
      .optional(),
    ssh_command: z
      .string()
      .min(1)
      .optional()
      .describe("For ssh:// hosts: the ssh program (default ssh on the PATH)."),
    default: z.boolean().optional().describe("Calls without a host go here (default: the first host)."),
    policy: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        "Policy keys (permissions, exec_safety, ...) merged onto the base policy for this host only: objects merge key by key, lists and values replace. Validated like the base policy.",
      ),
  })
  .refine((h) => [h.socket, h.host, h.context].filter((v) => v !== undefined).length <= 1, {
    message: "give one of socket, host or context",
  });

/** The server's own sections of the config file; the policy sections are validated by the policy package. */
export const serverSections = {
  hosts: z
    .record(
      z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "a host name is letters, digits, _ . - (at most 64)"),
      hostEntry,
    )
    .optional()
    .describe(
      "Named Docker hosts; with more than one every tool takes a host parameter. Without it: one host from docker, DOCKER_HOST, DOCKER_CONTEXT or the current Docker context.",
    ),
  docker: z
    .strictObject({
      socket: z.string().min(1).optional().describe("Unix socket path (default /var/run/docker.sock)."),
      host: z
        .string()
        .regex(
          /^(unix|tcp|ssh|npipe|http|https):\/\//,
          "must start with unix://, tcp://, ssh://, npipe://, http:// or https://",
        )
        .nullable()
        .optional()
        .describe(
          "unix:///path, tcp://host:port or ssh://user@host, like DOCKER_HOST; null means the socket.",
        ),
      tls: z
        .strictObject({
          ca: filePath.optional().describe("CA certificate (PEM) that signed the daemon's certificate."),
          cert: filePath.optional().describe("Client certificate (PEM)."),
          key: filePath.optional().describe("Client key (PEM)."),
          verify: z.boolean().optional(),
        })
        .optional(),
      api_version: z
        .string()
        .regex(/^\d+\.\d+$/, 'must look like "1.41"')
        .optional()
        .describe("Pin the Engine API version (default: negotiated)."),
    })
    .optional(),
  neverhang: z
    .strictObject({
      timeouts: z
        .strictObject(
          Object.fromEntries(TIMEOUT_CLASS_NAMES.map((name) => [name, duration.optional()])) as Record<
            TimeoutClassName,
            z.ZodOptional<typeof duration>
          >,
        )
        .optional(),
      ...flatTimeouts,
      circuit_breaker: z
        .strictObject({
          failures: z
            .number()
            .int()
            .min(1)
            .optional()
            .describe("Daemon failures within the window that open the circuit (default 3)."),
          window: duration.optional().describe("The window those failures must fall in (default 60000)."),
          cooldown: duration
            .optional()
            .describe(
              "How long calls fail fast once open, unless a probe finds the daemon back (default 300000).",
            ),
          probe_interval: duration
            .optional()
            .describe("While open, GET /_ping this often; an answer closes the circuit (default 5000)."),
          enabled: z.boolean().optional(),
        })
        .optional(),
    })
    .optional(),
  fallback: z
    .strictObject({
      enabled: z
        .boolean()
        .optional()
        .describe(
          "Let the analysis tools ask the Anthropic API when the client offers no MCP sampling (default false).",
        ),
      model: z.string().min(1).optional(),
      api_key_env: z
        .string()
        .min(1)
        .optional()
        .describe("Environment variable holding the API key (default DOCKER_MCP_FALLBACK_KEY)."),
      base_url: z
        .string()
        .url()
        .optional()
        .describe("API address (default: ANTHROPIC_BASE_URL, else the SDK's own)."),
      max_tokens: z.number().int().min(1).max(64000).optional(),
      max_log_lines: z
        .number()
        .int()
        .min(1)
        .max(10000)
        .optional()
        .describe("Log lines a model may see at most (default 200), after masking."),
      timeout: duration.optional(),
    })
    .optional(),
  audit: z
    .strictObject({
      file: z
        .string()
        .min(1)
        .optional()
        .describe("Append one JSON line per decision here (default: stderr)."),
      enabled: z.boolean().optional(),
    })
    .optional(),
  tools: z
    .strictObject({
      show_all: z
        .boolean()
        .optional()
        .describe("List every tool, also those whose level is off (calls are still denied)."),
    })
    .optional(),
};

export const SERVER_SECTION_NAMES = Object.keys(serverSections);

export type ServerSections = {
  [K in keyof typeof serverSections]: z.output<(typeof serverSections)[K]>;
};
