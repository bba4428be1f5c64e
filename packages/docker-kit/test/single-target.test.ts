import { defineTool, type ResolvedResource, type ToolContext } from "@arktechnwa/docker-mcp-core";
import type { NetworkIdentity } from "@arktechnwa/docker-mcp-engine";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { dataOf, singleTarget, targetData } from "../src/index.js";

const one = singleTarget("network", "network", "Network name, ID prefix or full ID.");
const tool = defineTool({
  name: "test_network_inspect",
  title: "Inspect a network",
  description: "One network.",
  levels: ["read"],
  timeoutClass: "read",
  effect: "read",
  input: z.strictObject({ ...one.input, verbose: z.boolean().optional() }),
  output: z.object({ name: z.string() }),
  targetKinds: ["network"],
  targets: one.targets,
  render: (out) => out.name,
});

describe("the single-target shape", () => {
  it("puts the reference in the tool's input and hands it to the kernel as one target", () => {
    const args = tool.input.parse({ network: "prod-net", verbose: true });
    expect(tool.targets?.(args)).toEqual([{ kind: "network", ref: "prod-net" }]);
    expect(() => tool.input.parse({ network: "" })).toThrow();
    expect(() => tool.input.parse({})).toThrow();
    expect(tool.input.shape.network.description).toBe("Network name, ID prefix or full ID.");
  });

  it("gives the handler the resolved target's data, and refuses anything else", () => {
    const network = { id: "n".repeat(64), name: "prod-net" } as NetworkIdentity;
    const resolved: ResolvedResource = { kind: "network", names: ["prod-net"], data: network };
    const ctx = { targets: [resolved] } as unknown as ToolContext;
    expect(targetData<NetworkIdentity>(ctx, "network")).toBe(network);
    expect(() => targetData(ctx, "volume")).toThrow(/no volume target/);
    expect(() => dataOf(resolved, "volume")).toThrow(/internal/);
    expect(() => dataOf({ kind: "network", names: [] }, "network")).toThrow(/internal/);
  });
});
