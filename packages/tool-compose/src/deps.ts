import type { RegistryDeps } from "@arktechnwa/docker-kit";
import type { DockerEngine } from "@arktechnwa/docker-mcp-engine";
import type { ProcessRegistry } from "@arktechnwa/docker-mcp-process";
import { ComposeRunner, type DockerConnection } from "./compose-cli.js";

/** What the compose tools need from the server. */
export interface ComposeDeps extends RegistryDeps {
  engine: DockerEngine;
  /** The server's own daemon connection, handed to the CLI (default: the engine's endpoint). */
  connection?: DockerConnection;
  /** Where spawned CLIs are tracked (default: the shared registry). */
  processes?: ProcessRegistry;
  /** A ready runner (tests bring one with a shim CLI); else one is made from the above. */
  compose?: ComposeRunner;
}

const runners = new WeakMap<object, ComposeRunner>();

/** One runner per server, so the CLI is detected once. */
export function runnerFor(deps: ComposeDeps): ComposeRunner {
  if (deps.compose) return deps.compose;
  let runner = runners.get(deps);
  if (!runner) {
    runner = new ComposeRunner({
      connection: deps.connection ?? { host: deps.engine.endpoint },
      ...(deps.processes ? { registry: deps.processes } : {}),
    });
    runners.set(deps, runner);
  }
  return runner;
}
