import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ToolError } from "@arktechnwa/docker-mcp-core";
import type { ComposeCli } from "./compose-cli.js";
import type { ComposeModel } from "./compose-model.js";
import { FILES_LABEL, type ProjectTarget } from "./compose-project.js";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * The arguments and stdin that make the CLI run exactly the model docker-mcp judged: `-f -` reads it
 * from stdin (JSON, which compose reads as YAML), `--project-directory` keeps the project's directory,
 * and no compose file, `env_file` or `extends` is read again, so a file changed after the check
 * changes nothing. The project's `.env` is replaced by an empty file (`--env-file`, v1.25+ and v2):
 * its variables are already substituted in the model, and its COMPOSE_* settings were not judged. The resolved model has its variables substituted and its own `$` written as
 * `$$`; a lone `$` left in it would be substituted a second time, so such a model is refused.
 */
export function judgedModelInput(
  cli: ComposeCli,
  target: ProjectTarget,
  model: ComposeModel,
): { args: string[]; stdin: string } {
  const raw = structuredClone(model.raw);
  const lone = loneDollar(raw);
  if (lone !== undefined) {
    throw new ToolError(
      "compose_failed",
      `The resolved model of project ${target.project} has a '$' that compose would read as a variable again (${lone}). docker-mcp runs compose only on the model it judged and cannot pass this one on unchanged; write a literal '$' as '$$' in the compose file.`,
    );
  }
  const services = isObj(raw["services"]) ? raw["services"] : {};
  for (const service of Object.values(services)) {
    if (!isObj(service)) continue;
    const labels = service["labels"];
    const files = target.files.join(",");
    if (Array.isArray(labels)) labels.push(`${FILES_LABEL}=${files}`);
    else service["labels"] = { ...(isObj(labels) ? labels : {}), [FILES_LABEL]: files };
  }
  const args = ["-f", "-", "--project-directory", target.workingDir, "-p", target.project];
  if (cli.features.envFile) args.push("--env-file", emptyEnvFile());
  args.push(...(cli.features.ansiNever ? ["--ansi", "never"] : ["--no-ansi"]));
  return { args, stdin: JSON.stringify(raw) };
}

/** Where a string of the model holds a `$` not written as `$$`, or undefined. */
function loneDollar(value: unknown, path = ""): string | undefined {
  if (typeof value === "string") {
    for (const run of value.match(/\$+/g) ?? []) if (run.length % 2 === 1) return path || "(top)";
    return undefined;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = loneDollar(item, `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (isObj(value)) {
    for (const [key, item] of Object.entries(value)) {
      const found = loneDollar(key, path) ?? loneDollar(item, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return undefined;
}

let emptyFile: string | undefined;

/** One empty file for `--env-file` (compose v1 refuses /dev/null as "not a file"), removed at exit. */
function emptyEnvFile(): string {
  if (emptyFile) return emptyFile;
  const dir = mkdtempSync(join(tmpdir(), "docker-mcp-env-"));
  const file = join(dir, "empty.env");
  writeFileSync(file, "");
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  emptyFile = file;
  return file;
}
