import type { TargetRef } from "@arktechnwa/docker-mcp-core";
import { z } from "zod";
import { PROJECT_NAME } from "./compose-project.js";

export const projectInput = z
  .string()
  .regex(PROJECT_NAME, "lower case letters, digits, - and _, starting with a letter or digit")
  .describe("Compose project name (com.docker.compose.project), e.g. 'shop'.");

export const fileInput = z
  .string()
  .min(1)
  .describe(
    "Absolute path of the compose file; it must lie under a directory of compose_safety.allowed_directories. Without project, the project is named after the file's directory, as compose does.",
  );

export const servicesInput = z
  .array(z.string().regex(/^[a-zA-Z0-9._-]+$/, "a service name"))
  .min(1)
  .optional()
  .describe("Only these services (default: all).");

/** The project name the caller gave is judged by the project lists before anything runs. */
export function projectTargets(args: { project?: string | undefined }): TargetRef[] {
  return args.project ? [{ kind: "compose_project", ref: args.project, resolve: false }] : [];
}

/** What every compose tool declares about its targets. */
export const projectTargetKinds = {
  targetKinds: [] as string[],
  bareKinds: ["compose_project"] as string[],
  targets: projectTargets,
};
