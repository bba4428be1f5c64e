import { z } from "zod";

const duration = z
  .union([
    z.string().regex(/^\s*(\d+(\.\d+)?\s*(ms|s|m|h)\s*)+$|^\s*\d+(\.\d+)?\s*$/),
    z.number().nonnegative(),
  ])
  .describe('A duration: "30s", "2m", "500ms", or a number of seconds.');

/** The server's own sections of the config file; the policy sections are validated by the policy package. */
export const serverSections = {
  docker: z
    .strictObject({
      socket: z.string().min(1).optional().describe("Unix socket path (default /var/run/docker.sock)."),
      host: z
        .string()
        .regex(
          /^(unix|tcp|npipe|http|https):\/\//,
          "must start with unix://, tcp://, npipe://, http:// or https://",
        )
        .optional()
        .describe("unix:///path or tcp://host:port, like DOCKER_HOST."),
      tls: z
        .strictObject({
          ca: z.string().optional(),
          cert: z.string().optional(),
          key: z.string().optional(),
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
        .strictObject({
          read: duration.optional(),
          lifecycle: duration.optional(),
          exec: duration.optional(),
          compose: duration.optional(),
        })
        .optional(),
      circuit_breaker: z
        .strictObject({
          failures: z
            .number()
            .int()
            .min(1)
            .optional()
            .describe("Consecutive daemon failures that open the circuit (default 5)."),
          cooldown: duration.optional().describe("How long calls fail fast once open (default 30s)."),
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
        .describe("Let docker_diagnose ask a model for a synthesis (default false)."),
      model: z.string().min(1).optional(),
      api_key_env: z
        .string()
        .min(1)
        .optional()
        .describe("Environment variable holding the API key (default ANTHROPIC_API_KEY)."),
      base_url: z.string().url().optional(),
      max_tokens: z.number().int().min(1).max(64000).optional(),
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
