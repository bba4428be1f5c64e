import { EngineError } from "./errors.js";
import type { EngineErrorCode } from "./types.js";

const UNREACHABLE_HINTS: Record<string, string> = {
  ENOENT:
    "the socket does not exist: is dockerd running? Is DOCKER_HOST (or docker.socket) pointing at the right path?",
  ECONNREFUSED: "the connection was refused: is dockerd running and listening there? Check DOCKER_HOST.",
  EACCES:
    "permission denied on the socket: run as a user in the 'docker' group (or with access to the socket), or point DOCKER_HOST elsewhere.",
  EPERM: "operation not permitted on the socket: check its permissions and your user's groups.",
  ENOTFOUND: "the host name does not resolve: check DOCKER_HOST.",
  EAI_AGAIN: "the host name could not be resolved right now: check DNS and DOCKER_HOST.",
  EHOSTUNREACH: "the host is unreachable: check the network and DOCKER_HOST.",
  ENETUNREACH: "the network is unreachable: check the network and DOCKER_HOST.",
  ETIMEDOUT: "the connection timed out: check the network, firewalls and DOCKER_HOST.",
  ECONNRESET:
    "the daemon closed the connection: is it a Docker daemon, and does it expect TLS? Check DOCKER_HOST and DOCKER_TLS_VERIFY.",
  EPIPE: "the daemon closed the connection: check that the endpoint is a Docker daemon.",
  ESSH: "the ssh connection failed: check that `ssh HOST docker version` works (keys, ~/.ssh/config, docker on the remote PATH)",
  EPROTO: "the TLS handshake failed: check docker.tls / DOCKER_CERT_PATH and whether the daemon expects TLS.",
};

const TLS_CODE = /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED)/;

interface ErrorLike {
  code?: unknown;
  statusCode?: unknown;
  json?: unknown;
  message?: unknown;
  name?: unknown;
}

/** The daemon's own message from a docker-modem error ("No such container: x"). */
export function daemonMessage(error: unknown): string {
  const e = (error ?? {}) as ErrorLike;
  let json = e.json;
  if (Buffer.isBuffer(json)) {
    const text = json.toString("utf8");
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
  }
  if (json && typeof json === "object" && typeof (json as { message?: unknown }).message === "string") {
    return (json as { message: string }).message.trim();
  }
  if (typeof json === "string" && json.trim()) return json.trim();
  const message = typeof e.message === "string" ? e.message : String(error);
  // docker-modem formats "(HTTP code 404) no such container - No such container: x "
  const match = /^\(HTTP code \d+\)[^-]*- (.*)$/s.exec(message.trim());
  return (match?.[1] ?? message).trim();
}

export function statusOf(error: unknown): number | undefined {
  const status = (error as ErrorLike | undefined)?.statusCode;
  return typeof status === "number" ? status : undefined;
}

/** Maps socket-level failures to UNREACHABLE; returns undefined for anything else. */
export function connectionError(error: unknown, endpoint: string, what: string): EngineError | undefined {
  const code = (error as ErrorLike | undefined)?.code;
  if (typeof code !== "string") return undefined;
  const hint = UNREACHABLE_HINTS[code] ?? (TLS_CODE.test(code) ? UNREACHABLE_HINTS["EPROTO"] : undefined);
  if (!hint) return undefined;
  // ssh says itself what went wrong (host key, permission, command not found): keep its words.
  const said =
    code === "ESSH" && typeof (error as ErrorLike).message === "string"
      ? ` ${(error as ErrorLike).message}.`
      : "";
  return new EngineError(
    "UNREACHABLE",
    `Cannot reach Docker at ${endpoint} to ${what}: ${hint} (${code})${said}`,
    {
      cause: error,
      endpoint,
    },
  );
}

/**
 * One way a call turns a daemon answer into an engine error: the statuses it applies to (any when
 * omitted) and, optionally, a pattern the daemon's message must match (some daemons answer a wrong
 * state with 500). `text` gets the daemon's message and says what happened and what to do.
 */
export interface StatusRule {
  status?: number | readonly number[];
  message?: RegExp;
  code: EngineErrorCode;
  text: (daemonMessage: string) => string;
}

/** What any call means by 404, 304 and 409 unless it says better. */
function defaultRules(what: string): StatusRule[] {
  return [
    { status: 404, code: "NOT_FOUND", text: (m) => `Could not ${what}: ${m}.` },
    { status: [304, 409], code: "CONFLICT", text: (m) => `Could not ${what}: ${m}.` },
  ];
}

/**
 * The one place daemon statuses become engine errors: the first rule that fits wins. Calls pass their
 * own rules (with better messages) to `api.json`/`api.stream`; anything no rule fits falls through to
 * `mapDaemonError`.
 */
export function statusRules(
  endpoint: string,
  rules: readonly StatusRule[],
): (error: unknown) => EngineError | undefined {
  return (error) => matchRule(error, endpoint, rules);
}

function matchRule(error: unknown, endpoint: string, rules: readonly StatusRule[]): EngineError | undefined {
  const status = statusOf(error);
  const message = daemonMessage(error);
  for (const rule of rules) {
    const statuses = rule.status === undefined ? undefined : ([] as number[]).concat(rule.status);
    if (statuses && (status === undefined || !statuses.includes(status))) continue;
    if (rule.message && !rule.message.test(message)) continue;
    return new EngineError(rule.code, rule.text(message), {
      cause: error,
      ...(status !== undefined ? { statusCode: status } : {}),
      endpoint,
    });
  }
  return undefined;
}

/** Generic mapping of a failed daemon call; callers handle call-specific statuses first (statusRules). */
export function mapDaemonError(error: unknown, endpoint: string, what: string): EngineError {
  if (error instanceof EngineError) return error;
  const unreachable = connectionError(error, endpoint, what);
  if (unreachable) return unreachable;
  if (error instanceof SyntaxError) {
    // The daemon answered, with something that is not JSON: a daemon problem, not a lost connection
    // (UNREACHABLE would count against the daemon's reachability).
    return new EngineError(
      "DAEMON",
      `Docker sent a malformed answer when asked to ${what}: ${error.message}`,
      {
        cause: error,
        endpoint,
      },
    );
  }
  const status = statusOf(error);
  const message = daemonMessage(error);
  if (status === undefined) {
    return new EngineError(
      "UNREACHABLE",
      `Lost the connection to Docker at ${endpoint} while trying to ${what}: ${message}. Check that the daemon is healthy.`,
      { cause: error, endpoint },
    );
  }
  return (
    matchRule(error, endpoint, defaultRules(what)) ??
    new EngineError("DAEMON", `Docker refused to ${what} (HTTP ${status}): ${message}`, {
      cause: error,
      statusCode: status,
      endpoint,
    })
  );
}
