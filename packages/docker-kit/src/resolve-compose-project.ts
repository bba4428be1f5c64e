import type { ResourceResolver } from "@arktechnwa/docker-mcp-core";
import { EngineError } from "@arktechnwa/docker-mcp-engine";
import type { DockerDeps } from "./deps.js";
import { COMPOSE_PROJECT_LABEL } from "./names.js";

/** Compose's own rule for project names (lowercase letters, digits, "-" and "_", starting alnum). */
const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/** What a handler gets as the data of a resolved compose project. */
export interface ComposeProject {
  name: string;
  /** Full IDs of the project's containers, stopped ones included. */
  containerIds: string[];
}

/**
 * A compose project exists while a container carries `com.docker.compose.project=<name>`: the project
 * resolves to its name; otherwise NOT_FOUND. A tool naming a project about to be created declares that
 * target `resolve: false`.
 */
export function composeProjectResolver(deps: DockerDeps): ResourceResolver {
  return async (ref, signal) => {
    const name = ref.trim();
    const notFound = () =>
      new EngineError(
        "NOT_FOUND",
        `No compose project '${ref}': no container carries the label ${COMPOSE_PROJECT_LABEL}=${ref}.`,
        { endpoint: deps.engine.endpoint },
      );
    if (!PROJECT_NAME.test(name)) throw notFound();
    const containers = await deps.engine.listContainers(
      { all: true, filters: { label: [`${COMPOSE_PROJECT_LABEL}=${name}`] } },
      signal,
    );
    // The daemon's label filter is exact; checked again so nothing else is ever taken for the project.
    const members = containers.filter((c) => c.labels[COMPOSE_PROJECT_LABEL] === name);
    if (members.length === 0) throw notFound();
    const data: ComposeProject = { name, containerIds: members.map((c) => c.id) };
    return { kind: "compose_project", names: [name], data };
  };
}
