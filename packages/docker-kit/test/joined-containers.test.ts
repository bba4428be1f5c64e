import { type DockerEngine, EngineError } from "@arktechnwa/docker-mcp-engine";
import { describe, expect, it } from "vitest";
import { inheritedFacts } from "../src/joined-containers.js";

// A daemon that fails one inspect on demand: a fault a real daemon does not show when asked.
function engineOf(
  containers: Record<string, Record<string, unknown>>,
  failing: Record<string, EngineError> = {},
): DockerEngine {
  return {
    inspectContainer: async (ref: string) => {
      const failure = failing[ref];
      if (failure) throw failure;
      const found = containers[ref];
      if (!found) throw new EngineError("NOT_FOUND", `No such container: ${ref}`, { statusCode: 404 });
      return found;
    },
  } as unknown as DockerEngine;
}

const signal = new AbortController().signal;
const joins = (mode: string) => ({ HostConfig: { NetworkMode: mode } });

describe("inheritedFacts", () => {
  it("follows container: joins to the host's network", async () => {
    const engine = engineOf({ a: joins("container:b"), b: joins("host") });
    expect(await inheritedFacts(engine, [{ ref: "a", via: "network" }], signal)).toEqual({
      networkMode: "host",
    });
  });

  it("adds nothing for a container that is not there (Docker refuses to join it)", async () => {
    const engine = engineOf({ a: joins("container:gone") });
    expect(await inheritedFacts(engine, [{ ref: "a", via: "network" }], signal)).toEqual({});
  });

  it("fails when a container of the chain cannot be read, instead of judging the join harmless", async () => {
    const down = new EngineError("DAEMON", "the daemon answered 500", { statusCode: 500 });
    const engine = engineOf({ a: joins("container:b"), b: joins("host") }, { b: down });
    await expect(inheritedFacts(engine, [{ ref: "a", via: "network" }], signal)).rejects.toBe(down);
    const holder = engineOf({}, { holder: down });
    await expect(inheritedFacts(holder, [{ ref: "holder", via: "volumes" }], signal)).rejects.toBe(down);
  });
});
