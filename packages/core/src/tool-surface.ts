import { z } from "zod";
import { deriveAnnotations, type ToolAnnotations } from "./annotations.js";
import type { ToolManifest } from "./plugin.js";

type JsonObjectSchema = { type: "object"; [key: string]: unknown };

/** What a model sees of a tool (the `tools/list` entry): JSON Schemas from the zod schemas, derived annotations. */
export interface ToolSurface {
  name: string;
  title: string;
  description: string;
  inputSchema: JsonObjectSchema;
  outputSchema: JsonObjectSchema;
  annotations: ToolAnnotations;
}

export function toolSurface(tool: ToolManifest): ToolSurface {
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: jsonSchema(tool.input, "input"),
    outputSchema: jsonSchema(
      tool.textOnly?.length
        ? (tool.output as z.ZodObject).omit(
            Object.fromEntries(tool.textOnly.map((key) => [key, true])) as Record<string, true> &
              Record<number, never>,
          )
        : tool.output,
      "output",
    ),
    annotations: deriveAnnotations(tool),
  };
}

function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonObjectSchema {
  // draft-7, as MCP clients expect; the $schema key is noise in tools/list.
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    target: "draft-7",
    io,
    unrepresentable: "any",
  }) as Record<string, unknown>;
  return rest as JsonObjectSchema;
}
