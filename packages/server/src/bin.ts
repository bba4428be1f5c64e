#!/usr/bin/env node
import { main } from "./cli.js";

// Nothing may crash the server: a stray rejection is logged to stderr, never thrown at the client.
process.on("unhandledRejection", (reason) => {
  process.stderr.write(
    `docker-mcp: unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}\n`,
  );
});

const code = await main(process.argv.slice(2));
if (code !== undefined) process.exitCode = code;
