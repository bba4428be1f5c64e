import { defineTool, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import { isSecretKey, MASK } from "@arktechnwa/mcp-mask";
import { z } from "zod";
import { loadModel, locateProject } from "../compose-project.js";
import type { ComposeDeps } from "../deps.js";
import { fileInput, projectInput, projectTargetKinds, servicesInput } from "../project-input.js";
import { selectKnownServices } from "../project-plan.js";

const input = z.strictObject({
  project: projectInput.optional(),
  file: fileInput.optional(),
  services: servicesInput.describe("Only these services (and what they depend on); default: all."),
});

const output = z.object({
  project: z.string(),
  compose: z.string(),
  files: z.array(z.string()),
  services: z.array(z.string()),
  model: z
    .record(z.string(), z.unknown())
    .describe("The resolved model, as compose config prints it, secrets masked."),
});

export const composeConfigTool = defineTool({
  name: "docker_compose_config",
  title: "Show a compose project's resolved model",
  description:
    "The resolved compose model (compose config): variables from .env and the environment interpolated, paths made " +
    "absolute. Values of secret-looking variables (passwords, tokens, keys) are masked.",
  levels: ["read"],
  timeoutClass: "compose",
  effect: "read",
  input,
  output,
  ...projectTargetKinds,
  render: (out) =>
    `${out.project} (${out.compose}; ${out.files.join(", ")})\n${JSON.stringify(out.model, null, 2)}`,
});

/**
 * Masks the model's secrets in place: every secret-looking key's value, and every environment value of
 * a secret-looking variable (in `KEY=value` list form too). The kernel masks those values wherever
 * else they appear.
 */
export function maskModel(value: unknown, secrets: Set<string>): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => {
      if (typeof item === "string") {
        const m = /^([A-Za-z_][A-Za-z0-9_.-]*)=(.*)$/s.exec(item);
        if (m?.[1] && m[2] && isSecretKey(m[1])) {
          secrets.add(m[2]);
          return `${m[1]}=${MASK}`;
        }
        return item;
      }
      return maskModel(item, secrets);
    });
  }
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => {
        if ((typeof item === "string" || typeof item === "number") && isSecretKey(key)) {
          if (String(item).length > 0) secrets.add(String(item));
          return [key, MASK];
        }
        return [key, maskModel(item, secrets)];
      }),
    );
  }
  return value;
}

export function composeConfigHandler(deps: ComposeDeps): ToolHandler<typeof input, typeof output> {
  return async (args, ctx) => {
    const target = await locateProject(deps, ctx, args);
    const { model, cli } = await loadModel(deps, ctx, target);
    const selected = selectKnownServices(model, args.services, target.project);
    const raw = { ...model.raw };
    if (args.services && raw["services"] && typeof raw["services"] === "object") {
      raw["services"] = Object.fromEntries(
        Object.entries(raw["services"] as Record<string, unknown>).filter(([name]) =>
          selected.includes(name),
        ),
      );
    }
    const secrets = new Set<string>();
    const masked = maskModel(raw, secrets) as Record<string, unknown>;
    ctx.addSecrets(secrets);
    return {
      project: target.project,
      compose: cli.describe,
      files: target.files,
      services: selected,
      model: masked,
    };
  };
}
