import type { CliIo } from "../cli.js";
import { configJsonSchema } from "../config-schema.js";

/** `docker-mcp config schema`: the JSON Schema of the whole config file, for editors and CI checks. */
export async function config(argv: string[], io: CliIo): Promise<number> {
  if (argv.length !== 1 || argv[0] !== "schema") {
    io.stderr.write(
      'docker-mcp: usage: docker-mcp config schema > config.schema.json (then "$schema": "./config.schema.json" in your config)\n',
    );
    return 2;
  }
  io.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  return 0;
}
