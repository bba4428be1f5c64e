#!/usr/bin/env node
// A start parses only this module and fast-initialize.ts before it answers the first `initialize` on
// stdio; the command line, the config, the engine and the MCP SDK load right after (see readFirstLine).
import { fastInitialize } from "./fast-initialize.js";
import type { StdioHandover } from "./stdio-transport.js";
import { SERVER_VERSION } from "./version.js";

// Nothing may crash the server: a stray rejection is logged to stderr, never thrown at the client.
process.on("unhandledRejection", (reason) => {
  process.stderr.write(
    `docker-mcp: unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}\n`,
  );
});

/** How long a start waits for the first line before it loads the rest anyway (a config error is reported then). */
const FIRST_LINE_WAIT_MS = 50;
/** A first line longer than this is not a plain initialize: the SDK server reads it. */
const FIRST_LINE_MAX_BYTES = 64 * 1024;

/** Only the stdio server answers early: flags of anything else (--http, --help, a subcommand) do not. */
function servesStdio(argv: string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--bypass-permissions" || arg === "--show-all-tools" || arg.startsWith("--config=")) continue;
    if (arg === "--config" && i + 1 < argv.length) {
      i++;
      continue;
    }
    return false;
  }
  return true;
}

/**
 * Reads stdin until its first line; when that is a plain `initialize` request, answers it at once
 * (fast-initialize.ts). Resolves with what was read, stdin paused, for the SDK server to read first.
 */
function readFirstLine(): Promise<StdioHandover> {
  return new Promise((resolve) => {
    const stdin = process.stdin;
    let read = Buffer.alloc(0);
    let ended = false;
    const finish = (answeredId?: string | number) => {
      clearTimeout(timer);
      stdin.off("data", onData);
      stdin.off("end", onEnd);
      stdin.pause();
      resolve({
        replay: read,
        ...(answeredId !== undefined ? { answeredId } : {}),
        ...(ended ? { ended } : {}),
      });
    };
    const onData = (chunk: Buffer) => {
      read = Buffer.concat([read, chunk]);
      const end = read.indexOf(0x0a);
      if (end === -1) {
        if (read.length > FIRST_LINE_MAX_BYTES) finish();
        return;
      }
      let message: unknown;
      try {
        message = JSON.parse(read.subarray(0, end).toString("utf8"));
      } catch {
        finish();
        return;
      }
      const fast = fastInitialize(message, { name: "docker-mcp", version: SERVER_VERSION });
      if (fast) process.stdout.write(fast.line);
      finish(fast?.id);
    };
    const onEnd = () => {
      ended = true;
      finish();
    };
    const timer = setTimeout(finish, FIRST_LINE_WAIT_MS);
    stdin.on("data", onData);
    stdin.on("end", onEnd);
  });
}

const argv = process.argv.slice(2);
const handover = servesStdio(argv) ? await readFirstLine() : undefined;
const { main } = await import("./cli.js");
const code = await main(argv, process.stderr, process.stdout, handover);
if (code !== undefined) {
  process.exitCode = code;
  // A start that read stdin and then refused (a config error) must not wait on it.
  if (handover) process.stdin.destroy();
}
