import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { ConnectionOptions } from "./types.js";

/** `$DOCKER_CONFIG`, else ~/.docker: where the docker CLI keeps config.json and its contexts. */
export function dockerConfigDir(env: NodeJS.ProcessEnv): string {
  return env["DOCKER_CONFIG"] || join(env["HOME"] || homedir(), ".docker");
}

/**
 * The context the docker CLI would use when DOCKER_HOST is not set: DOCKER_CONTEXT, else
 * `currentContext` of config.json; undefined for none or "default" (the default socket).
 */
export function currentContextName(env: NodeJS.ProcessEnv): string | undefined {
  const fromEnv = env["DOCKER_CONTEXT"]?.trim();
  if (fromEnv) return fromEnv === "default" ? undefined : fromEnv;
  const file = join(dockerConfigDir(env), "config.json");
  if (!existsSync(file)) return undefined;
  try {
    const current = (JSON.parse(readFileSync(file, "utf8")) as { currentContext?: unknown }).currentContext;
    return typeof current === "string" && current && current !== "default" ? current : undefined;
  } catch {
    // The CLI refuses a broken config.json too, but the images plugin reports it; here it means no context.
    return undefined;
  }
}

/**
 * A Docker context as the CLI stores it: `contexts/meta/<sha256(name)>/meta.json` with
 * `Endpoints.docker.{Host,SkipTLSVerify}`, and its TLS files under
 * `contexts/tls/<sha256(name)>/docker/{ca,cert,key}.pem`. Throws a message that says what to check.
 */
export function readDockerContext(name: string, env: NodeJS.ProcessEnv): ConnectionOptions {
  const dir = dockerConfigDir(env);
  const id = createHash("sha256").update(name).digest("hex");
  const metaFile = join(dir, "contexts", "meta", id, "meta.json");
  let meta: { Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } };
  try {
    meta = JSON.parse(readFileSync(metaFile, "utf8"));
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new Error(
      missing
        ? `Docker context "${name}" does not exist in ${dir} (docker context ls lists them; DOCKER_CONFIG chooses the directory)`
        : `Docker context "${name}" cannot be read (${metaFile}): ${(error as Error).message}`,
    );
  }
  const endpoint = meta.Endpoints?.docker;
  if (typeof endpoint?.Host !== "string" || !endpoint.Host) {
    throw new Error(`Docker context "${name}" has no docker endpoint host (${metaFile})`);
  }
  const tlsDir = join(dir, "contexts", "tls", id, "docker");
  const file = (base: string) => (existsSync(join(tlsDir, base)) ? join(tlsDir, base) : undefined);
  const ca = file("ca.pem");
  const cert = file("cert.pem");
  const key = file("key.pem");
  const options: ConnectionOptions = { host: endpoint.Host };
  if (ca || cert || key || endpoint.SkipTLSVerify === true) {
    options.tls = {
      ...(ca ? { ca } : {}),
      ...(cert ? { cert } : {}),
      ...(key ? { key } : {}),
      verify: endpoint.SkipTLSVerify !== true,
    };
  }
  return options;
}
