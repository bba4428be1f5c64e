import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { join } from "node:path";
import { ToolError } from "@arktechnwa/docker-mcp-core";

// node:child_process (for a credential helper) is loaded on first use: a server's start never needs it.
const load = createRequire(import.meta.url);
const nodeChildProcess = (): typeof import("node:child_process") => load("node:child_process");

/** What the daemon needs to log in to a registry (the X-Registry-Auth header's JSON). */
export interface RegistryCredential {
  username?: string;
  password?: string;
  identitytoken?: string;
  serveraddress: string;
}

/** The key Docker uses for Docker Hub in config files and credential helpers. */
export const DOCKER_HUB_KEY = "https://index.docker.io/v1/";

/** The Docker config directory: DOCKER_CONFIG, else ~/.docker (as the docker CLI does). */
export function dockerConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return env["DOCKER_CONFIG"] || join(homedir(), ".docker");
}

/**
 * The registry host of an image reference, as the docker CLI reads it: the first path component when
 * it has a dot or a port or is `localhost`, else Docker Hub (`docker.io`).
 */
export function registryOf(reference: string): string {
  const slash = reference.indexOf("/");
  if (slash === -1) return "docker.io";
  const first = reference.slice(0, slash);
  if (first.includes(".") || first.includes(":") || first === "localhost") {
    return first === "index.docker.io" || first === "registry-1.docker.io" ? "docker.io" : first;
  }
  return "docker.io";
}

/** The keys a config file or helper may file a registry's credentials under. */
function keysFor(registry: string): string[] {
  if (registry === "docker.io")
    return [DOCKER_HUB_KEY, "index.docker.io", "docker.io", "registry-1.docker.io"];
  return [
    registry,
    `https://${registry}`,
    `http://${registry}`,
    `https://${registry}/v1/`,
    `https://${registry}/v2/`,
  ];
}

interface DockerConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

export interface CredentialLookup {
  /** Default: dockerConfigDir(). */
  configDir?: string;
  signal?: AbortSignal;
  /** Runs `docker-credential-<helper> get` (injectable for tests). */
  runHelper?: (helper: string, serverUrl: string, signal?: AbortSignal) => Promise<string>;
}

/**
 * The user's credentials for a registry, from their Docker config: a credential helper
 * (`credHelpers[registry]`, else `credsStore`) first, then `auths`. Undefined when there are none (the
 * pull then goes anonymous). Never puts a credential in an error message.
 */
export async function lookupCredential(
  registry: string,
  options: CredentialLookup = {},
): Promise<RegistryCredential | undefined> {
  const dir = options.configDir ?? dockerConfigDir();
  const file = join(dir, "config.json");
  let config: DockerConfigFile;
  try {
    config = JSON.parse(await readFile(file, "utf8")) as DockerConfigFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new ToolError(
      "invalid_config",
      `The Docker config ${file} could not be read (${error instanceof SyntaxError ? "it is not valid JSON" : ((error as NodeJS.ErrnoException).code ?? "unreadable")}). Fix or remove it, or point DOCKER_CONFIG elsewhere.`,
    );
  }
  if (config === null || typeof config !== "object") return undefined;
  const keys = keysFor(registry);
  const serveraddress = registry === "docker.io" ? DOCKER_HUB_KEY : registry;

  const helper =
    keys.map((k) => config.credHelpers?.[k]).find((h) => typeof h === "string") ?? config.credsStore;
  if (typeof helper === "string" && /^[A-Za-z0-9_.-]+$/.test(helper)) {
    const run = options.runHelper ?? runCredentialHelper;
    for (const key of registry === "docker.io" ? [DOCKER_HUB_KEY] : [registry, `https://${registry}`]) {
      const out = await run(helper, key, options.signal).catch((error: unknown) => {
        if (error instanceof ToolError && error.code === "credentials_not_found") return undefined;
        throw error;
      });
      if (out === undefined) continue;
      const credential = fromHelper(out, serveraddress, helper);
      if (credential) return credential;
    }
  }

  const entry = keys.map((k) => config.auths?.[k]).find((e) => e && typeof e === "object");
  if (!entry) return undefined;
  if (typeof entry.identitytoken === "string" && entry.identitytoken) {
    return { identitytoken: entry.identitytoken, serveraddress };
  }
  if (typeof entry.auth === "string" && entry.auth) {
    const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon > 0)
      return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), serveraddress };
  }
  if (typeof entry.username === "string" && typeof entry.password === "string") {
    return { username: entry.username, password: entry.password, serveraddress };
  }
  return undefined;
}

function fromHelper(out: string, serveraddress: string, helper: string): RegistryCredential | undefined {
  let parsed: { Username?: unknown; Secret?: unknown };
  try {
    parsed = JSON.parse(out) as typeof parsed;
  } catch {
    throw new ToolError(
      "credential_helper_failed",
      `The credential helper docker-credential-${helper} answered with something that is not JSON. Check it with 'docker-credential-${helper} list'.`,
    );
  }
  const username = typeof parsed.Username === "string" ? parsed.Username : "";
  const secret = typeof parsed.Secret === "string" ? parsed.Secret : "";
  if (!secret) return undefined;
  // Helpers store identity tokens under the user name "<token>".
  if (username === "<token>") return { identitytoken: secret, serveraddress };
  return { username, password: secret, serveraddress };
}

/** `docker-credential-<helper> get`, the server URL on stdin, killed after 10 s or on abort. */
export function runCredentialHelper(
  helper: string,
  serverUrl: string,
  signal?: AbortSignal,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = nodeChildProcess().execFile(
      `docker-credential-${helper}`,
      ["get"],
      {
        timeout: 10_000,
        killSignal: "SIGKILL",
        maxBuffer: 1024 * 1024,
        encoding: "utf8",
        ...(signal ? { signal } : {}),
      },
      (error, stdout) => {
        if (!error) {
          resolve(stdout);
          return;
        }
        // The helper's own output may echo what it was given: it never reaches a message.
        if (/credentials not found/i.test(stdout)) {
          reject(new ToolError("credentials_not_found", "no credentials stored"));
          return;
        }
        const why =
          (error as NodeJS.ErrnoException).code === "ENOENT"
            ? "it is not installed (or not on the PATH)"
            : error.killed
              ? "it did not answer within 10 s"
              : `it failed (exit code ${String(error.code)})`;
        reject(
          new ToolError(
            "credential_helper_failed",
            `The Docker credential helper docker-credential-${helper} could not be used: ${why}. Fix it, or remove it from your Docker config (credsStore / credHelpers).`,
          ),
        );
      },
    );
    // A helper that exits without reading its stdin must not crash the server with EPIPE.
    child.stdin?.on("error", () => {});
    child.stdin?.end(serverUrl);
  });
}

/** Every string that would reveal the credential if it showed up in an answer or a log. */
export function credentialSecrets(credential: RegistryCredential | undefined): string[] {
  if (!credential) return [];
  const out: string[] = [];
  if (credential.password) {
    out.push(credential.password);
    if (credential.username)
      out.push(Buffer.from(`${credential.username}:${credential.password}`).toString("base64"));
  }
  if (credential.identitytoken) out.push(credential.identitytoken);
  return out;
}
