import { cutMaskedChars, type Redactor } from "@arktechnwa/mcp-mask";
import { closest, type Decision } from "@arktechnwa/mcp-policy";
import type { z } from "zod";
import { denialText } from "./authorize.js";
import { ToolError } from "./errors.js";
import type { AnyObjectSchema, ResolvedResource, ToolManifest } from "./plugin.js";
import { sanitizeText } from "./sanitize.js";

export interface CallResult {
  isError: boolean;
  /** The short text rendering for the model (redacted, sanitized, capped). */
  text: string;
  /**
   * JSON matching the tool's output schema (redacted, sanitized): always when isError is false, and
   * with isError when the tool answered but acted on nothing (its `failed` hook).
   */
  structured?: Record<string, unknown>;
  /** A stable code for errors: denied, invalid_input, not_found, deadline_exceeded, ... */
  code?: string;
}

export interface AnswerCaps {
  /** The text answer is cut at this many characters. */
  maxTextChars: number;
  /** A structured answer whose JSON is larger than this is refused. */
  maxStructuredChars: number;
}

/**
 * Turns a handler's output into the answer: checked against the output schema, sanitized, redacted
 * (after learning the secrets it carries), refused when too large, and rendered to capped text.
 */
export function shapeAnswer(
  manifest: ToolManifest,
  output: unknown,
  redactor: Redactor,
  caps: AnswerCaps,
  product: string,
): { text: string; structured: Record<string, unknown> } {
  const name = manifest.name;
  const checked = manifest.output.safeParse(output);
  if (!checked.success) {
    throw new ToolError(
      "internal_error",
      `${name} produced an answer that does not match its output schema (${formatIssues(checked.error.issues)}). This is a bug in ${product}; please report it.`,
    );
  }
  redactor.learn(checked.data);
  // Sanitized and masked in one walk (one copy of the answer, not two).
  const full = redactor.value(checked.data, { clean: sanitizeText }) as Record<string, unknown>;
  let structured = full;
  if (manifest.textOnly?.length) {
    structured = { ...full };
    for (const key of manifest.textOnly) delete structured[key];
  }
  const size = JSON.stringify(structured).length;
  if (size > caps.maxStructuredChars) {
    throw new ToolError(
      "too_large",
      `${name}'s answer is ${Math.round(size / 1000)} kB, more than the ${Math.round(caps.maxStructuredChars / 1000)} kB a call may return. Narrow the request (a section, a tail, a grep, a filter or a limit) and call again.`,
    );
  }
  // Text that carries fields the structured content leaves out is capped as the structured content is.
  const maxText =
    structured === full ? caps.maxTextChars : Math.max(caps.maxTextChars, caps.maxStructuredChars);
  const text = capText(redactor.text(sanitizeText(manifest.render(full))), maxText);
  return { text, structured };
}

export function failure(code: string, text: string): CallResult {
  return { isError: true, code, text };
}

export function denial(decision: Decision, resolved: ResolvedResource[] = []): CallResult {
  const text = `Denied by policy: ${denialText(decision, resolved)}`;
  return failure(decision.reasons[0]?.code ?? "denied", text);
}

export function formatIssues(issues: readonly z.core.$ZodIssue[], schema?: AnyObjectSchema): string {
  return issues
    .map((issue) => {
      const path = issue.path.map(String).join(".");
      if (issue.code === "unrecognized_keys" && schema && issue.path.length === 0) {
        const known = Object.keys(schema.shape);
        return issue.keys
          .map((key) => {
            const guess = closest(key, known);
            return `unknown argument "${key}"${guess ? ` (did you mean "${guess}"?)` : ` (known: ${known.join(", ")})`}`;
          })
          .join("; ");
      }
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join("; ");
}

/** Cuts text that is already masked (so no secret can be cut in half), never inside a mask. */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  const kept = cutMaskedChars(text, max);
  return `${kept}\n[... ${text.length - kept.length} more characters cut; narrow the request (tail, grep, filters) to see them]`;
}
