/**
 * Image references are compared in every form a person might write them. `nginx`,
 * `nginx:latest`, `library/nginx:latest`, `docker.io/nginx:latest`, `docker.io/library/nginx:latest` and
 * `index.docker.io/library/nginx:latest` all name the same image, so a pattern written in any of these
 * forms matches a reference written in any other.
 *
 * Rules (documented in the README):
 * - a reference without tag or digest means `:latest` (that is what Docker pulls);
 * - a reference is also offered without its tag and digest, so a pattern without a tag (`nginx`,
 *   `myorg/*`) matches the repository at every tag; a pattern with a tag (`nginx:1.27`) matches only it;
 * - image IDs (`sha256:...`, bare 64-hex) and `<none>` placeholders are matched only as written.
 */
export function imageForms(reference: string): string[] {
  const cached = cache.get(reference);
  if (cached !== undefined) return cached;
  const forms = computeForms(reference);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(reference, forms);
  return forms;
}

// A small memo keeps decide() fast for the few images a server sees; it never changes any result.
const CACHE_LIMIT = 2048;
const cache = new Map<string, string[]>();

export interface ParsedImage {
  domain: string;
  path: string;
  tag: string | undefined;
  digest: string | undefined;
}

export function parseImageReference(reference: string): ParsedImage | undefined {
  if (reference === "" || /^(sha256:)?[0-9a-f]{12,64}$/.test(reference) || reference.includes("<none>")) {
    return undefined;
  }
  let rest = reference;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  let domain = "docker.io";
  let path = rest;
  const slash = rest.indexOf("/");
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (isRegistryHost(first)) {
      // Host names are case-insensitive: LOCALHOST:5000/x pulls from localhost:5000.
      domain = first.toLowerCase();
      path = rest.slice(slash + 1);
    }
  }
  if (DOCKER_HUB_HOSTS.has(domain)) domain = "docker.io";
  if (domain === "docker.io" && !path.includes("/")) path = `library/${path}`;
  if (path === "" || path.endsWith("/")) return undefined;
  return { domain, path, tag, digest };
}

/**
 * Whether the first component of a reference is a registry host, as Docker reads it: it has a dot or a
 * port, is localhost, or has an upper-case letter (a repository path never has one).
 */
function isRegistryHost(first: string): boolean {
  return (
    first.includes(".") ||
    first.includes(":") ||
    first.toLowerCase() === "localhost" ||
    first !== first.toLowerCase()
  );
}

/**
 * An image pattern in the form names are compared in: its registry host in lower case (a pattern
 * `LOCALHOST:5000/*` and a name `localhost:5000/x` name the same registry), and Docker Hub's other host
 * names written as `docker.io` (`index.docker.io/x`, `registry-1.docker.io/library/*`), since every name
 * is offered in its `docker.io/` forms. Nothing else is folded: `localhost:5000` and `127.0.0.1:5000` are
 * two registries for Docker, and for the lists.
 */
export function normalizeImagePattern(pattern: string): string {
  const slash = pattern.indexOf("/");
  if (slash < 0) return pattern;
  const first = pattern.slice(0, slash);
  if (!isRegistryHost(first)) return pattern;
  const host = first.toLowerCase();
  return (DOCKER_HUB_HOSTS.has(host) ? "docker.io" : host) + pattern.slice(slash);
}

/** Docker Hub's names: `index.docker.io` is the parser's legacy name, `registry-1.docker.io` where it pulls from. */
const DOCKER_HUB_HOSTS = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

function computeForms(reference: string): string[] {
  const parsed = parseImageReference(reference);
  if (parsed === undefined) return [reference];
  const { domain, path, digest } = parsed;
  const tag = parsed.tag ?? (digest === undefined ? "latest" : undefined);

  const repos: string[] = [];
  if (domain === "docker.io") {
    const short = path.startsWith("library/") ? path.slice("library/".length) : undefined;
    for (const prefix of ["", "docker.io/", "index.docker.io/"]) {
      if (short !== undefined) repos.push(prefix + short);
      repos.push(prefix + path);
    }
  } else {
    repos.push(`${domain}/${path}`);
  }

  const suffixes = [""];
  if (tag !== undefined) suffixes.push(`:${tag}`);
  if (digest !== undefined) {
    suffixes.push(`@${digest}`);
    if (parsed.tag !== undefined) suffixes.push(`:${parsed.tag}@${digest}`);
  }

  const forms = new Set<string>([reference]);
  for (const suffix of suffixes) for (const repo of repos) forms.add(repo + suffix);
  return [...forms];
}
