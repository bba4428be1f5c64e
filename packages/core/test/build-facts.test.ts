import { loadPolicy } from "@arktechnwa/mcp-policy";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createKernel, defineTool, KERNEL_API_VERSION, type Plugin, ToolError } from "../src/index.js";

const built: string[] = [];

const buildTool = defineTool({
  name: "t_build",
  title: "Build",
  description: "build",
  levels: ["images"],
  timeoutClass: "lifecycle",
  effect: "write",
  input: z.strictObject({ context: z.string() }),
  output: z.object({ context: z.string() }),
  build: (a) => {
    if (a.context === "/missing")
      throw new ToolError("invalid_input", "The context /missing does not exist.");
    return { context: a.context };
  },
  render: (o) => o.context,
});

const plugin: Plugin<unknown> = {
  manifest: { name: "builder", apiVersion: KERNEL_API_VERSION, tools: [buildTool] },
  handlers: {
    t_build: () => async (input: { context: string }) => {
      built.push(input.context);
      return { context: input.context };
    },
  },
};

const kernelFor = (document: unknown) => {
  const policy = loadPolicy(document);
  return createKernel({
    plugins: [plugin],
    deps: {},
    policy,
    levels: policy.vocabulary.levels.map((l) => l.name),
    exec: { maxOutputBytes: 1000, timeoutMs: 1000 },
    timeouts: { lifecycle: 60_000 },
    breaker: false,
  });
};

describe("build facts", () => {
  it("are judged by build_safety before the handler runs", async () => {
    const closed = kernelFor({ permissions: { images: true } });
    const denied = await closed.call("t_build", { context: "/srv/app" });
    expect(denied).toMatchObject({ isError: true, code: "build_unsafe" });
    expect(denied.text).toContain("build_safety.allowed_contexts");
    expect(built).toEqual([]);

    const open = kernelFor({ permissions: { images: true }, build_safety: { allowed_contexts: ["/srv"] } });
    expect(await open.call("t_build", { context: "/srv/app" })).toMatchObject({ isError: false });
    expect(await open.call("t_build", { context: "/home/app" })).toMatchObject({ code: "build_unsafe" });
    expect(built).toEqual(["/srv/app"]);
  });

  it("may refuse the call with a clear error of their own", async () => {
    const open = kernelFor({ permissions: { images: true }, build_safety: { allowed_contexts: ["/"] } });
    const result = await open.call("t_build", { context: "/missing" });
    expect(result).toMatchObject({ isError: true, code: "invalid_input" });
    expect(result.text).toContain("does not exist");
  });
});
