import { z } from "zod";
import { splitShellWords } from "./shell-words.js";

/**
 * A command as the caller may give it: a string split into words like a shell would (no shell runs),
 * or an argv array. A string that needs a shell to mean anything is refused with the way to do it.
 */
export const commandInput = z.union([
  z
    .string()
    .min(1)
    .superRefine((line, ctx) => {
      try {
        if (splitShellWords(line).length === 0)
          ctx.addIssue({ code: "custom", message: "The command is empty." });
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
      }
    }),
  z.array(z.string()).min(1).max(1000),
]);

export function toArgv(command: string | string[]): string[] {
  return Array.isArray(command) ? command : splitShellWords(command);
}

/** Extra environment: `{ KEY: "value" }` or `["KEY=value"]`. */
export const envInput = z
  .union([
    z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()),
    z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*=/, "must be KEY=VALUE")),
  ])
  .describe("Extra environment: { KEY: value } or ['KEY=value'].");

/**
 * Variables that decide which program runs or what a shell runs first. Set for one exec, they would
 * run something other than the command the policy judged (e.g. PATH=/tmp makes "ls" any file).
 */
const PROGRAM_CHANGING = /^(PATH|LD_[A-Z_]+|BASH_ENV|ENV|IFS|SHELLOPTS|BASHOPTS|PS4)$/;

/** envInput for exec: refuses the variables that change which program runs. */
export const execEnvInput = envInput.superRefine((env, ctx) => {
  const keys = Array.isArray(env) ? env.map((e) => e.slice(0, e.indexOf("="))) : Object.keys(env);
  const refused = keys.filter((key) => PROGRAM_CHANGING.test(key));
  if (refused.length > 0) {
    ctx.addIssue({
      code: "custom",
      message: `${refused.join(", ")} cannot be set for an exec: ${refused.length === 1 ? "it changes" : "they change"} which program runs, so the command the policy checked would not be the one that runs.`,
    });
  }
});

export function toEnvEntries(env: z.output<typeof envInput>): string[] {
  return Array.isArray(env) ? env : Object.entries(env).map(([k, v]) => `${k}=${v}`);
}
