import { type CallResult, capText } from "./answer.js";
import { EVERY_HOST } from "./host-names.js";
import type { ToolSurface } from "./tool-surface.js";

type Schema = Record<string, unknown> & {
  properties?: Record<string, unknown>;
  required?: string[];
};

/**
 * The output schema of a listing tool that may span hosts: each row may carry its `host`, `hosts`
 * holds one entry per host (the host's own other fields, or why it did not answer), and only the rows
 * stay required (a spanning answer has no single summary of its own).
 */
export function spanningOutputSchema(output: Schema, rows: string): Schema {
  const properties = output.properties ?? {};
  const rowsSchema = properties[rows] as Schema & { items?: Schema };
  const items = rowsSchema?.items;
  if (items?.["type"] !== "object" || !items.properties) {
    // load-plugins checked it is an array of objects; a schema generator that refers ($ref) is not handled.
    throw new Error(`listRows "${rows}": the rows' JSON Schema is not an inline object schema`);
  }
  const perHost: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(properties)) {
    if (key !== rows && key !== "host") perHost[key] = value;
  }
  return {
    ...output,
    properties: {
      ...properties,
      [rows]: {
        ...rowsSchema,
        items: {
          ...items,
          properties: {
            ...items.properties,
            host: { type: "string", description: 'With host "*": the host this row comes from.' },
          },
        },
      },
      hosts: {
        type: "array",
        description:
          "With host \"*\": one entry per host, in the configured order: ok with that host's own other fields (its summary, counts), or not ok with the code and message of why it did not answer (down, circuit open, denied by its policy). Each host's policy decided its own rows.",
        items: {
          type: "object",
          properties: {
            host: { type: "string" },
            ok: { type: "boolean" },
            code: { type: "string", description: "Why the host did not answer (when not ok)." },
            error: { type: "string", description: "The host's error message (when not ok)." },
            ...perHost,
          },
          required: ["host", "ok"],
          additionalProperties: false,
        },
      },
    },
    required: (output.required ?? []).filter((key) => key === rows),
  };
}

/**
 * One answer from every host's answer to the same listing call: the rows of the hosts that answered,
 * each tagged with its host, and per host its other fields or its error. The call fails only when no
 * host answered. Each part was already checked, masked and capped by its host's own call.
 */
export function mergeHostAnswers(
  rows: string,
  answers: readonly { host: string; result: CallResult }[],
  caps: { maxTextChars: number; maxStructuredChars: number },
): CallResult {
  const merged: Record<string, unknown>[] = [];
  const hosts: Record<string, unknown>[] = [];
  const lines: string[] = [];
  let answered = 0;
  for (const { host, result } of answers) {
    if (!result.isError && result.structured) {
      answered++;
      const { [rows]: own, host: _ignored, ...rest } = result.structured;
      for (const row of (own ?? []) as Record<string, unknown>[]) merged.push({ ...row, host });
      hosts.push({ host, ok: true, ...rest });
      lines.push(`[host ${host}] ${result.text}`);
    } else {
      const code = result.code ?? "error";
      hosts.push({ host, ok: false, code, error: result.text });
      lines.push(`[host ${host}] did not answer (${code}): ${result.text}`);
    }
  }
  const failed = answers.length - answered;
  const head = `Every host (${answers.length}): ${answered} answered${failed ? `, ${failed} did not` : ""}; ${merged.length} row${merged.length === 1 ? "" : "s"} in all.`;
  const structured: Record<string, unknown> = { [rows]: merged, hosts, host: EVERY_HOST };
  const text = capText([head, ...lines].join("\n"), caps.maxTextChars);
  const size = JSON.stringify(structured).length;
  if (size > caps.maxStructuredChars) {
    return {
      isError: true,
      code: "too_large",
      text: `The answer of every host together is ${Math.round(size / 1000)} kB, more than the ${Math.round(caps.maxStructuredChars / 1000)} kB a call may return. Ask one host at a time, or narrow the request (a filter or a limit, which applies per host).`,
    };
  }
  if (answered === 0) {
    const codes = new Set(answers.map((a) => a.result.code ?? "error"));
    return {
      isError: true,
      code: codes.size === 1 ? ([...codes][0] as string) : "failed",
      text,
      structured,
    };
  }
  return { isError: false, text, structured };
}

/** The host parameter and answer field of a tool on several hosts; a listing tool may also ask every host. */
export function withHostParameter(
  surface: ToolSurface,
  hosts: string[],
  rows: string | undefined,
): ToolSurface {
  const hostProperty = {
    type: "string",
    enum: rows ? [...hosts, EVERY_HOST] : hosts,
    description: rows
      ? `The Docker host to call (default "${hosts[0]}"); "${EVERY_HOST}" lists from every host at once, each row tagged with its host and each host's failure reported on its own (limits apply per host).`
      : `The Docker host to call (default "${hosts[0]}").`,
  };
  const input = surface.inputSchema as Schema;
  const output = (rows ? spanningOutputSchema(surface.outputSchema, rows) : surface.outputSchema) as Schema;
  return {
    ...surface,
    inputSchema: { ...surface.inputSchema, properties: { ...input.properties, host: hostProperty } },
    outputSchema: {
      ...output,
      type: "object",
      properties: {
        ...output.properties,
        host: {
          type: "string",
          description: rows
            ? `The host that answered, or "${EVERY_HOST}" when every host was asked.`
            : "The host that answered.",
        },
      },
    },
  };
}
