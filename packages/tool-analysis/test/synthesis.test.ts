import type { CallModel, ModelRequest } from "@arktechnwa/docker-mcp-core";
import { describe, expect, it } from "vitest";
import { findFacts } from "../src/find-facts.js";
import { lowerOnly } from "../src/findings.js";
import {
  modelPrompt,
  parseModelAnswer,
  rulesSynthesis,
  SynthesisCache,
  synthesize,
} from "../src/synthesis.js";
import { inspectDoc } from "./inspect-fixture.js";

const facts = findFacts({
  inspect: inspectDoc({ exitCode: 137, oomKilled: true, memory: 64 * 1024 * 1024 }),
  logs: Array.from({ length: 300 }, (_, i) => `line ${i}`),
  now: Date.now(),
});
const rules = rulesSynthesis(facts);

function port(answer: (req: ModelRequest) => Promise<string>, calls: ModelRequest[] = []): CallModel {
  return {
    source: "anthropic",
    maxLogLines: 200,
    maxTokens: 500,
    complete: async (req) => {
      calls.push(req);
      return { text: await answer(req), model: "m" };
    },
  };
}

const base = () => ({
  rules,
  prompt: "facts",
  cache: new SynthesisCache(),
  signal: new AbortController().signal,
  deadline: Date.now() + 30_000,
  aiTimeoutMs: 5_000,
});

describe("rules synthesis", () => {
  it("explains an OOM kill with high confidence", () => {
    expect(rules).toMatchObject({ confidence: "high", source: "rules" });
    expect(rules.analysis).toContain("64 MiB");
  });
});

describe("modelPrompt", () => {
  it("holds the facts and at most max_log_lines lines, newest kept", () => {
    const prompt = JSON.parse(
      modelPrompt(
        facts,
        facts.findings.length ? Array.from({ length: 300 }, (_, i) => `line ${i}`) : [],
        200,
      ),
    );
    expect(prompt.log_lines).toHaveLength(200);
    expect(prompt.log_lines[0]).toBe("line 100");
    expect(prompt.log_note).toContain("the last 200 of the 300");
    expect(prompt.findings[0].class).toBe("oom_killed");
    expect(prompt.rules_confidence).toBe("high");
  });
});

describe("parseModelAnswer", () => {
  it.each([
    ['{"analysis":"a","suggested_fix":"b","confidence":"low"}', true],
    ['Sure!\n```json\n{"analysis":"a","suggested_fix":"b","confidence":"medium"}\n```', true],
    ["no json here", "held no JSON object"],
    ['{"analysis": "a", "suggested_fix": }', "not valid JSON"],
    ['{"analysis":"a","suggested_fix":"b","confidence":"certain"}', "did not have the fields"],
    ['{"analysis":"","suggested_fix":"b","confidence":"low"}', "did not have the fields"],
  ])("%s", (text, expected) => {
    const parsed = parseModelAnswer(text);
    if (expected === true) expect(typeof parsed).toBe("object");
    else expect(parsed).toContain(expected);
  });
});

describe("synthesize", () => {
  it("never raises confidence", () => {
    expect(lowerOnly("medium", "high")).toBe("medium");
    expect(lowerOnly("high", "low")).toBe("low");
  });

  it("takes a valid answer and caches it by the masked input", async () => {
    const calls: ModelRequest[] = [];
    const options = {
      ...base(),
      model: port(async () => '{"analysis":"x","suggested_fix":"y","confidence":"high"}', calls),
    };
    const first = await synthesize(options);
    expect(first).toEqual({
      analysis: "x",
      suggested_fix: "y",
      confidence: "high",
      source: "anthropic",
      model: "m",
    });
    await synthesize(options);
    expect(calls).toHaveLength(1);
    await synthesize({ ...options, prompt: "other facts" });
    expect(calls).toHaveLength(2);
  });

  it("a cache entry expires after its TTL", async () => {
    let now = 0;
    const cache = new SynthesisCache(1000, 10, () => now);
    cache.set("k", rules);
    expect(cache.get("k")).toBe(rules);
    now = 1001;
    expect(cache.get("k")).toBeUndefined();
  });

  it("falls back when the model ignores its deadline", async () => {
    const started = Date.now();
    const out = await synthesize({ ...base(), aiTimeoutMs: 600, model: port(() => new Promise(() => {})) });
    expect(out.source).toBe("rules");
    expect(out.note).toMatch(/did not answer within 0\.6 s/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("keeps time for the answer: no AI call when the tool's deadline is too close", async () => {
    const calls: ModelRequest[] = [];
    const out = await synthesize({
      ...base(),
      deadline: Date.now() + 1000,
      model: port(async () => "{}", calls),
    });
    expect(out.note).toMatch(/too little time/);
    expect(calls).toHaveLength(0);
  });

  it("the AI call's own deadline sits inside the tool's", async () => {
    let budget = 0;
    await synthesize({
      ...base(),
      deadline: Date.now() + 4000,
      aiTimeoutMs: 20_000,
      model: port(
        (req) =>
          new Promise((_, reject) => {
            const t = Date.now();
            req.signal.addEventListener("abort", () => {
              budget = Date.now() - t;
              reject(new Error("aborted"));
            });
          }),
      ),
    });
    expect(budget).toBeGreaterThan(1500);
    expect(budget).toBeLessThan(3500);
  });

  it("no model: rules with the reason", async () => {
    const out = await synthesize({ ...base(), model: { source: "none", reason: "nothing configured" } });
    expect(out).toMatchObject({ source: "rules", note: "AI not used: nothing configured." });
  });
});
