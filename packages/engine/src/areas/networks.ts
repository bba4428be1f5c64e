import type { ApiClient } from "../api-client.js";
import { statusRules } from "../daemon-errors.js";
import { EngineError } from "../errors.js";

/** A network as the policy and the tools see it. */
export interface NetworkIdentity {
  /** Full 64-hex ID. */
  id: string;
  name: string;
  driver: string;
  /** local | global | swarm */
  scope: string;
  internal: boolean;
  labels: Record<string, string>;
  /** RFC 3339, as the daemon reports it. */
  created: string;
}

/** Networks: what plugins may ask the daemon about networks. */
export interface NetworksArea {
  /**
   * A network by full ID, exact name or unique ID prefix (the daemon's own order), or NOT_FOUND /
   * AMBIGUOUS.
   */
  inspectNetwork(ref: string, signal: AbortSignal): Promise<NetworkIdentity>;
  listNetworks(signal: AbortSignal): Promise<NetworkIdentity[]>;
}

export function networksArea(api: ApiClient): NetworksArea {
  return {
    inspectNetwork: (ref, signal) => inspectNetwork(api, ref, signal),
    listNetworks: (signal) => listNetworks(api, signal),
  };
}

interface RawNetwork {
  Id: string;
  Name?: string;
  Driver?: string;
  Scope?: string;
  Internal?: boolean;
  Labels?: Record<string, string> | null;
  Created?: string;
}

function toIdentity(raw: RawNetwork): NetworkIdentity {
  return {
    id: raw.Id,
    name: raw.Name ?? "",
    driver: raw.Driver ?? "",
    scope: raw.Scope ?? "",
    internal: raw.Internal ?? false,
    labels: raw.Labels ?? {},
    created: raw.Created ?? "",
  };
}

export async function inspectNetwork(
  api: ApiClient,
  input: string,
  signal: AbortSignal,
): Promise<NetworkIdentity> {
  const ref = input.trim();
  const notFound = `No network named or with ID prefix '${input}'. List the networks to see which exist.`;
  // An empty reference would be the list endpoint; a slash another endpoint.
  if (ref === "" || /[/?#\s]/.test(ref))
    throw new EngineError("NOT_FOUND", notFound, { endpoint: api.endpoint });
  const raw = await api.json<RawNetwork>(
    { method: "GET", path: `/networks/${encodeURIComponent(ref)}`, what: `inspect network '${ref}'` },
    signal,
    statusRules(api.endpoint, [
      {
        message: /ambiguous/i,
        code: "AMBIGUOUS",
        text: () =>
          `'${ref}' is an ID prefix of more than one network; give more characters of the ID or its name.`,
      },
      { status: 404, code: "NOT_FOUND", text: () => notFound },
    ]),
  );
  return toIdentity(raw);
}

export async function listNetworks(api: ApiClient, signal: AbortSignal): Promise<NetworkIdentity[]> {
  const rows = await api.json<RawNetwork[]>(
    { method: "GET", path: "/networks", what: "list networks" },
    signal,
  );
  return (rows ?? []).map(toIdentity);
}
