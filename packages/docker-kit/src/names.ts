/** Compose labels every container it runs with its project: project lists apply to those containers. */
export const COMPOSE_PROJECT_LABEL = "com.docker.compose.project";

/** The label docker-mcp puts on what it creates (containers, networks, volumes), so a user can find it. */
export const CREATED_BY_LABEL = "dev.arktechnwa.docker-mcp.created-by";

/**
 * A container's own names: legacy links add aliases like "web/db" to the linked container, which
 * are not its names and must not widen what a whitelist admits.
 */
export function ownNames(names: readonly string[]): string[] {
  return names.filter((name) => !name.includes("/"));
}

/** The 12-character form of a container, image or network ID ("sha256:" dropped). */
export function shortId(id: string): string {
  return id.replace(/^sha256:/, "").slice(0, 12);
}

/** What to call a resource in answers: its first own name, else its short ID. */
export function displayName(resource: { names: readonly string[]; id?: string }): string {
  return ownNames(resource.names)[0] ?? (resource.id ? shortId(resource.id) : "(unnamed)");
}
