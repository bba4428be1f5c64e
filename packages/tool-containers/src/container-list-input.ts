import { z } from "zod";

/** One reference or several: `"web"` or `["web", "api"]`. */
export const containerRefs = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1).max(100)])
  .describe("Container name, ID prefix or full ID, or a list of them.");

export function refList(refs: string | string[]): string[] {
  return [...new Set(Array.isArray(refs) ? refs : [refs])];
}

/** Per-container outcome of an action on several containers. */
export const itemResult = z.object({
  container: z.string().describe("The reference as given."),
  id: z.string().optional().describe("Short ID, when the container was found."),
  name: z.string().optional(),
  status: z.enum(["done", "unchanged", "denied", "not_found", "failed", "unknown", "skipped"]),
  message: z.string(),
});

export type ItemResult = z.output<typeof itemResult>;

export const ICON: Record<ItemResult["status"], string> = {
  done: "✅",
  unchanged: "➖",
  denied: "⛔",
  not_found: "❔",
  failed: "❌",
  unknown: "❓",
  skipped: "⏭️",
};

export function renderItems(summary: string, items: ItemResult[]): string {
  return [summary, ...items.map((i) => `${ICON[i.status]} ${i.name ?? i.container}: ${i.message}`)].join(
    "\n",
  );
}

export function summarizeItems(verb: string, items: ItemResult[]): string {
  const count = (status: ItemResult["status"]) => items.filter((i) => i.status === status).length;
  const parts = [`${count("done")} ${verb}`];
  for (const [status, label] of [
    ["unchanged", "unchanged"],
    ["denied", "denied by policy"],
    ["not_found", "not found"],
    ["failed", "failed"],
    ["unknown", "with unknown outcome"],
    ["skipped", "not attempted (out of time)"],
  ] as const) {
    if (count(status) > 0) parts.push(`${count(status)} ${label}`);
  }
  return `${parts.join(", ")} (of ${items.length})`;
}
