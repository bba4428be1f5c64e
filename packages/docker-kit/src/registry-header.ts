import type { RegistryCredential } from "./registry-auth.js";

/** X-Registry-Auth: base64url of the credential's JSON (what the daemon decodes). */
export function authHeader(credential: RegistryCredential): string {
  return Buffer.from(JSON.stringify(credential)).toString("base64url");
}

/** X-Registry-Config for builds: base64 of `{ registry: credential }` for every registry a build may pull from. */
export function configHeader(credentials: Map<string, RegistryCredential>): string | undefined {
  if (credentials.size === 0) return undefined;
  return Buffer.from(JSON.stringify(Object.fromEntries(credentials))).toString("base64");
}
