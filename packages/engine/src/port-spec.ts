import { EngineError } from "./errors.js";

/** One container port and, when published, where on the host. */
export interface PortMapping {
  containerPort: number;
  protocol: "tcp" | "udp" | "sctp";
  /** Present when published (`-p`); "" host port means "any free port". */
  hostPort?: string;
  hostIp?: string;
}

function invalid(spec: string, why: string): EngineError {
  return new EngineError(
    "INVALID",
    `Invalid port '${spec}': ${why}. Use CONTAINER[/PROTO], HOST:CONTAINER[/PROTO] or IP:HOST:CONTAINER[/PROTO] (e.g. 8080:80/tcp, 127.0.0.1:8080:80).`,
  );
}

function parseRange(spec: string, text: string, what: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) throw invalid(spec, `${what} '${text}' is not a port number or range`);
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  if (start < 1 || end > 65535 || end < start)
    throw invalid(spec, `${what} '${text}' is outside 1-65535 or reversed`);
  return [start, end];
}

/**
 * Parses a `docker run -p` port spec into mappings. A bare container port ("80") is published on a
 * random host port, like `-p 80`. Ranges map pairwise ("8080-8081:80-81"); a host range with one
 * container port lets Docker pick a free host port from the range. Throws EngineError INVALID.
 */
export function parsePortSpec(spec: string): PortMapping[] {
  const text = spec.trim();
  let rest = text;
  let protocol: PortMapping["protocol"] = "tcp";
  const slash = rest.lastIndexOf("/");
  if (slash !== -1) {
    const proto = rest.slice(slash + 1).toLowerCase();
    if (proto !== "tcp" && proto !== "udp" && proto !== "sctp")
      throw invalid(spec, `unknown protocol '${proto}'`);
    protocol = proto;
    rest = rest.slice(0, slash);
  }
  let hostIp: string | undefined;
  const v6 = /^\[([0-9a-fA-F:.]+)\]:(.*)$/.exec(rest);
  if (v6) {
    hostIp = v6[1];
    rest = v6[2] ?? "";
  }
  const parts = rest.split(":");
  let hostText: string | undefined;
  let containerText: string;
  if (hostIp !== undefined) {
    if (parts.length !== 2) throw invalid(spec, "expected [IP]:HOST:CONTAINER");
    [hostText, containerText] = [parts[0] ?? "", parts[1] ?? ""];
  } else if (parts.length === 1) {
    containerText = parts[0] ?? "";
    hostText = "";
  } else if (parts.length === 2) {
    [hostText, containerText] = [parts[0] ?? "", parts[1] ?? ""];
  } else if (parts.length === 3) {
    hostIp = parts[0] ?? "";
    if (!/^[0-9.]+$/.test(hostIp))
      throw invalid(spec, `'${hostIp}' is not an IPv4 address (write IPv6 as [::1])`);
    [hostText, containerText] = [parts[1] ?? "", parts[2] ?? ""];
  } else {
    throw invalid(spec, "too many ':'");
  }
  const [cStart, cEnd] = parseRange(spec, containerText, "container port");
  const count = cEnd - cStart + 1;
  const base = (port: number): PortMapping => ({
    containerPort: port,
    protocol,
    ...(hostIp ? { hostIp } : {}),
  });
  if (hostText === "") {
    return Array.from({ length: count }, (_, i) => ({ ...base(cStart + i), hostPort: "" }));
  }
  const [hStart, hEnd] = parseRange(spec, hostText, "host port");
  if (hEnd - hStart + 1 === count) {
    return Array.from({ length: count }, (_, i) => ({ ...base(cStart + i), hostPort: String(hStart + i) }));
  }
  if (count === 1) return [{ ...base(cStart), hostPort: `${hStart}-${hEnd}` }];
  throw invalid(spec, "host and container ranges differ in size");
}

/** Docker's ExposedPorts and HostConfig.PortBindings for a list of port specs. */
export function portBindings(specs: string[]): {
  exposedPorts: Record<string, Record<string, never>>;
  portBindings: Record<string, { HostIp: string; HostPort: string }[]>;
} {
  const exposedPorts: Record<string, Record<string, never>> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const spec of specs) {
    for (const m of parsePortSpec(spec)) {
      const key = `${m.containerPort}/${m.protocol}`;
      exposedPorts[key] = {};
      if (m.hostPort !== undefined) {
        const list = bindings[key] ?? [];
        list.push({ HostIp: m.hostIp ?? "", HostPort: m.hostPort });
        bindings[key] = list;
      }
    }
  }
  return { exposedPorts, portBindings: bindings };
}
