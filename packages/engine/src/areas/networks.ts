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
export interface NetworksArea extends NetworkActions {
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
    ...networkActions(api),
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

/** A container attached to a network, as the network's inspect document lists it. */
export interface NetworkEndpoint {
  /** Full container ID. */
  id: string;
  name: string;
  ipv4: string;
  ipv6: string;
  mac: string;
}

export interface NetworkIpamConfig {
  subnet?: string;
  gateway?: string;
  ipRange?: string;
}

/** The inspect document of a network, normalized: identity, addressing and who is attached. */
export interface NetworkDetails extends NetworkIdentity {
  attachable: boolean;
  ingress: boolean;
  enableIPv6: boolean;
  ipam: { driver: string; config: NetworkIpamConfig[] };
  options: Record<string, string>;
  /** Running containers attached to it (the daemon lists only those with an endpoint). */
  containers: NetworkEndpoint[];
}

export interface CreateNetworkSpec {
  name: string;
  /** bridge (default), macvlan, ipvlan, overlay, ... */
  driver?: string;
  internal?: boolean;
  attachable?: boolean;
  enableIPv6?: boolean;
  /** CIDR, e.g. 10.210.3.0/24; the daemon picks one when absent. */
  subnet?: string;
  gateway?: string;
  ipRange?: string;
  labels?: Record<string, string>;
}

export interface ConnectOptions {
  aliases?: string[];
  ipv4?: string;
}

/** Network actions: create, remove, connect and disconnect (level `networks`). */
export interface NetworkActions {
  /** The full inspect document of a network (by full ID). */
  networkDetails(id: string, signal: AbortSignal): Promise<NetworkDetails>;
  /** CONFLICT when the name is taken; INVALID when the daemon refuses the settings. */
  createNetwork(spec: CreateNetworkSpec, signal: AbortSignal): Promise<{ id: string; warning?: string }>;
  /** CONFLICT while containers are attached; INVALID for the predefined networks. */
  removeNetwork(id: string, signal: AbortSignal): Promise<void>;
  /** CONFLICT when the container is attached already. */
  connectNetwork(id: string, container: string, options: ConnectOptions, signal: AbortSignal): Promise<void>;
  /** CONFLICT when the container is not attached. */
  disconnectNetwork(id: string, container: string, force: boolean, signal: AbortSignal): Promise<void>;
}

export function networkActions(api: ApiClient): NetworkActions {
  return {
    networkDetails: (id, signal) => networkDetails(api, id, signal),
    createNetwork: (spec, signal) => createNetwork(api, spec, signal),
    removeNetwork: (id, signal) => removeNetwork(api, id, signal),
    connectNetwork: (id, container, options, signal) => connectNetwork(api, id, container, options, signal),
    disconnectNetwork: (id, container, force, signal) => disconnectNetwork(api, id, container, force, signal),
  };
}

interface RawNetworkDetails extends RawNetwork {
  Attachable?: boolean;
  Ingress?: boolean;
  EnableIPv6?: boolean;
  IPAM?: { Driver?: string; Config?: { Subnet?: string; Gateway?: string; IPRange?: string }[] | null };
  Options?: Record<string, string> | null;
  Containers?: Record<
    string,
    { Name?: string; IPv4Address?: string; IPv6Address?: string; MacAddress?: string }
  > | null;
}

/** A reference placed in a URL path: never empty, never another endpoint. */
function pathRef(api: ApiClient, ref: string, what: string): string {
  if (ref === "" || /[/?#\s]/.test(ref)) {
    throw new EngineError("NOT_FOUND", `No ${what} '${ref}'.`, { endpoint: api.endpoint });
  }
  return encodeURIComponent(ref);
}

async function networkDetails(api: ApiClient, id: string, signal: AbortSignal): Promise<NetworkDetails> {
  const raw = await api.json<RawNetworkDetails>(
    { method: "GET", path: `/networks/${pathRef(api, id, "network")}`, what: `inspect network '${id}'` },
    signal,
    statusRules(api.endpoint, [
      {
        status: 404,
        code: "NOT_FOUND",
        text: () => `The network '${id}' no longer exists. List the networks to see which exist.`,
      },
    ]),
  );
  return {
    ...toIdentity(raw),
    attachable: raw.Attachable ?? false,
    ingress: raw.Ingress ?? false,
    enableIPv6: raw.EnableIPv6 ?? false,
    ipam: {
      driver: raw.IPAM?.Driver ?? "",
      config: (raw.IPAM?.Config ?? []).map((c) => ({
        ...(c.Subnet ? { subnet: c.Subnet } : {}),
        ...(c.Gateway ? { gateway: c.Gateway } : {}),
        ...(c.IPRange ? { ipRange: c.IPRange } : {}),
      })),
    },
    options: raw.Options ?? {},
    containers: Object.entries(raw.Containers ?? {})
      // Load balancer endpoints of swarm networks are not containers.
      .filter(([cid]) => /^[0-9a-f]{64}$/.test(cid))
      .map(([cid, c]) => ({
        id: cid,
        name: c.Name ?? "",
        ipv4: c.IPv4Address ?? "",
        ipv6: c.IPv6Address ?? "",
        mac: c.MacAddress ?? "",
      })),
  };
}

async function createNetwork(
  api: ApiClient,
  spec: CreateNetworkSpec,
  signal: AbortSignal,
): Promise<{ id: string; warning?: string }> {
  const ipam =
    spec.subnet || spec.gateway || spec.ipRange
      ? {
          Driver: "default",
          Config: [
            {
              ...(spec.subnet ? { Subnet: spec.subnet } : {}),
              ...(spec.gateway ? { Gateway: spec.gateway } : {}),
              ...(spec.ipRange ? { IPRange: spec.ipRange } : {}),
            },
          ],
        }
      : undefined;
  const answer = await api.json<{ Id: string; Warning?: string }>(
    {
      method: "POST",
      path: "/networks/create",
      body: {
        Name: spec.name,
        // Without it, older daemons create a second network of the same name.
        CheckDuplicate: true,
        Driver: spec.driver ?? "bridge",
        Internal: spec.internal ?? false,
        Attachable: spec.attachable ?? false,
        EnableIPv6: spec.enableIPv6 ?? false,
        Labels: spec.labels ?? {},
        ...(ipam ? { IPAM: ipam } : {}),
      },
      what: `create network '${spec.name}'`,
    },
    signal,
    statusRules(api.endpoint, [
      {
        status: 409,
        code: "CONFLICT",
        text: () => `A network named '${spec.name}' already exists. Choose another name.`,
      },
      {
        message: /overlap|pool|subnet|gateway|invalid|not supported|plugin/i,
        status: [400, 403, 404, 500],
        code: "INVALID",
        text: (m) =>
          `The daemon refused the network's settings: ${m}. Change them (or let Docker choose the subnet).`,
      },
    ]),
  );
  return { id: answer.Id, ...(answer.Warning ? { warning: answer.Warning } : {}) };
}

async function removeNetwork(api: ApiClient, id: string, signal: AbortSignal): Promise<void> {
  await api.json(
    { method: "DELETE", path: `/networks/${pathRef(api, id, "network")}`, what: `remove network '${id}'` },
    signal,
    statusRules(api.endpoint, [
      {
        message: /active endpoints|in use/i,
        code: "CONFLICT",
        text: () => "containers are still attached to it: disconnect or stop them first",
      },
      {
        message: /pre-?defined/i,
        code: "INVALID",
        text: () => "it is one of Docker's predefined networks (bridge, host, none), which cannot be removed",
      },
      { status: 404, code: "NOT_FOUND", text: () => `the network no longer exists` },
    ]),
  );
}

async function connectNetwork(
  api: ApiClient,
  id: string,
  container: string,
  options: ConnectOptions,
  signal: AbortSignal,
): Promise<void> {
  const endpoint =
    options.aliases?.length || options.ipv4
      ? {
          EndpointConfig: {
            ...(options.aliases?.length ? { Aliases: options.aliases } : {}),
            ...(options.ipv4 ? { IPAMConfig: { IPv4Address: options.ipv4 } } : {}),
          },
        }
      : {};
  await api.json(
    {
      method: "POST",
      path: `/networks/${pathRef(api, id, "network")}/connect`,
      body: { Container: container, ...endpoint },
      what: "connect the container to the network",
    },
    signal,
    statusRules(api.endpoint, [
      {
        message: /already exists|already attached|already connected/i,
        code: "CONFLICT",
        text: () => "the container is already connected to this network",
      },
      {
        message: /host|none|container sharing|cannot be connected|not supported|user specified IP|invalid/i,
        status: [400, 403, 500],
        code: "INVALID",
        text: (m) => `the daemon refused: ${m}`,
      },
      { status: 404, code: "NOT_FOUND", text: (m) => `not found: ${m}` },
    ]),
  );
}

async function disconnectNetwork(
  api: ApiClient,
  id: string,
  container: string,
  force: boolean,
  signal: AbortSignal,
): Promise<void> {
  await api.json(
    {
      method: "POST",
      path: `/networks/${pathRef(api, id, "network")}/disconnect`,
      body: { Container: container, Force: force },
      what: "disconnect the container from the network",
    },
    signal,
    statusRules(api.endpoint, [
      {
        message: /not connected/i,
        code: "CONFLICT",
        text: () => "the container is not connected to this network",
      },
      { status: 404, code: "NOT_FOUND", text: (m) => `not found: ${m}` },
    ]),
  );
}
