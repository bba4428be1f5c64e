import { loadPolicy } from "@arktechnwa/mcp-policy";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type CallModel, createKernel, defineTool, KERNEL_API_VERSION, type Plugin } from "../src/index.js";

// The kernel knows no model: it hands each call the one the server chose for that call, or says none.

const askTool = defineTool({
  name: "t_ask",
  title: "Ask",
  description: "ask the call's model",
  levels: ["read"],
  timeoutClass: "read",
  effect: "read",
  input: z.strictObject({}),
  output: z.object({ source: z.string(), answer: z.string() }),
  render: (o) => `${o.source}: ${o.answer}`,
});

const plugin: Plugin = {
  manifest: { name: "ask", apiVersion: KERNEL_API_VERSION, tools: [askTool] },
  handlers: {
    t_ask: () => async (_input, ctx) => {
      const model = ctx.model;
      if (model.source === "none") return { source: "none", answer: model.reason };
      const reply = await model.complete({
        system: "s",
        prompt: "p",
        maxTokens: model.maxTokens,
        signal: ctx.signal,
      });
      return { source: model.source, answer: reply.text };
    },
  },
};

const policy = loadPolicy({});
const kernel = createKernel({
  plugins: [plugin],
  deps: {},
  policy,
  levels: policy.vocabulary.levels.map((l) => l.name),
  exec: { maxOutputBytes: 1000, timeoutMs: 1000 },
  timeouts: { read: 5000 },
  breaker: false,
});

describe("ctx.model", () => {
  it("is the model the call was given, with the call's signal", async () => {
    let signal: AbortSignal | undefined;
    const model: CallModel = {
      source: "sampling",
      maxLogLines: 10,
      maxTokens: 50,
      complete: async (request) => {
        signal = request.signal;
        return { text: `tokens ${request.maxTokens}` };
      },
    };
    const result = await kernel.call("t_ask", {}, { model });
    expect(result.structured).toEqual({ source: "sampling", answer: "tokens 50" });
    expect(signal?.aborted).toBe(false);
  });

  it("says there is none when the server gave none", async () => {
    const result = await kernel.call("t_ask", {});
    expect(result.structured).toMatchObject({
      source: "none",
      answer: expect.stringContaining("without a model"),
    });
  });
});
