import { errorCode, type KernelWording } from "@arktechnwa/docker-mcp-core";

/** Engine error codes that say the daemon itself is not answering: they feed the circuit breaker. */
const DAEMON_DOWN_CODES = new Set(["UNREACHABLE", "TIMEOUT"]);

/** How the kernel's messages name the Docker daemon at `endpoint`, its config keys and tools. */
export function dockerWording(endpoint?: string): KernelWording {
  const at = endpoint ? ` at ${endpoint}` : "";
  return {
    product: "docker-mcp",
    isUnreachable: (error) => DAEMON_DOWN_CODES.has(errorCode(error) ?? ""),
    system: `The Docker daemon${at}`,
    checkReachable: "Check that dockerd is running and reachable.",
    readInterrupted: (manifest) =>
      `The daemon${at} may be overloaded or stuck; try again, narrow the request, or raise neverhang.${manifest.timeoutClass}_timeout (milliseconds).`,
    checkState: () => "Check the current state with docker_ps or docker_inspect before retrying.",
  };
}
