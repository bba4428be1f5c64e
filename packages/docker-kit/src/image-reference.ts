/**
 * An image reference split the way the registry API wants it: `repository` plus a tag or a digest.
 * Without either, the tag is `latest` (what `docker pull` does; an empty tag would pull every tag).
 */
export interface ParsedReference {
  /** `127.0.0.1:5000/app`, `nginx`, `ghcr.io/org/app`. */
  repository: string;
  tag?: string;
  digest?: string;
  /** repository:tag or repository@digest, as given plus the default tag. */
  full: string;
}

// Docker's reference grammar, simplified: lower-case path components separated by / with an optional
// registry host[:port] in front, then :tag and/or @digest.
const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const HOST =
  "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?";
const PATH = `${COMPONENT}(?:/${COMPONENT})*`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}";
const REFERENCE = new RegExp(`^((?:${HOST}/)?${PATH})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const HOST_ONLY = new RegExp(`^${HOST}$`);

/** The reference parsed, or undefined when it is not a valid image name (IDs are not names). */
export function parseReference(text: string): ParsedReference | undefined {
  if (text.length > 255 || /^(sha256:)?[0-9a-f]{64}$/.test(text)) return undefined;
  const match = REFERENCE.exec(text);
  if (!match) return undefined;
  const repository = match[1] as string;
  // As Docker reads it: the first component is a registry host only with a dot, a port or as
  // localhost; otherwise it is part of the (lower-case) path.
  const slash = repository.indexOf("/");
  const first = slash === -1 ? "" : repository.slice(0, slash);
  const isHost = first !== "" && (first.includes(".") || first.includes(":") || first === "localhost");
  if (isHost ? !HOST_ONLY.test(first) : !new RegExp(`^${PATH}$`).test(repository)) return undefined;
  const tag = match[2];
  const digest = match[3];
  if (digest) return { repository, ...(tag ? { tag } : {}), digest, full: `${repository}@${digest}` };
  return { repository, tag: tag ?? "latest", full: `${repository}:${tag ?? "latest"}` };
}

/** What a zod refinement says about a bad reference. */
export const REFERENCE_HINT =
  "must be an image name such as 'nginx:1.27', 'myorg/app' or '127.0.0.1:5000/app@sha256:...' (lower-case name, optional registry, tag or digest)";
