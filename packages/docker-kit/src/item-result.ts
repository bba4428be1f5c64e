import { z } from "zod";

/** What happened to one target of an action on several. The one schema every plugin answers with. */
export const ITEM_STATUSES = [
  "done",
  "unchanged",
  "denied",
  "not_found",
  "failed",
  "unknown",
  "skipped",
] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

/**
 * The per-target result schema, with the reference under the tool's own field name (`container`,
 * `image`, `network`, ...): `{ <field>, id?, name?, status, message }`.
 */
export function itemResultSchema<F extends string>(field: F, noun: string = field) {
  return z.object({
    [field]: z.string().describe("The reference as given."),
    id: z.string().optional().describe(`Short ID, when the ${noun} was found.`),
    name: z.string().optional(),
    status: z.enum(ITEM_STATUSES),
    message: z.string(),
  } as { [K in F]: z.ZodString } & {
    id: z.ZodOptional<z.ZodString>;
    name: z.ZodOptional<z.ZodString>;
    status: z.ZodEnum<{ [S in ItemStatus]: S }>;
    message: z.ZodString;
  });
}

/** One target's result; `F` is the field holding the reference as given. */
export type ItemResult<F extends string> = { [K in F]: string } & {
  id?: string;
  name?: string;
  status: ItemStatus;
  message: string;
};

export const ICON: Record<ItemStatus, string> = {
  done: "✅",
  unchanged: "➖",
  denied: "⛔",
  not_found: "❔",
  failed: "❌",
  unknown: "❓",
  skipped: "⏭️",
};

/** One reference or several: `"web"` or `["web", "api"]` (at most 100). */
export function refsSchema(describe: string) {
  return z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(100)]).describe(describe);
}

/** The references of a `refsSchema` value, each once, in the caller's order. */
export function refList(refs: string | string[]): string[] {
  return [...new Set(Array.isArray(refs) ? refs : [refs])];
}

/** The summary line, then one line per target: icon, name (or the reference), message. */
export function renderItems<F extends string>(summary: string, items: ItemResult<F>[], field: F): string {
  return [summary, ...items.map((i) => `${ICON[i.status]} ${i.name ?? i[field]}: ${i.message}`)].join("\n");
}

/** Statuses that mean nothing was done to that target. */
const NOTHING_DONE: ReadonlySet<ItemStatus> = new Set(["denied", "not_found", "failed", "skipped"]);

/**
 * Whether an action on several targets acted on none of them (each denied, not found, failed or not
 * attempted). Give it as the manifest's `failed` hook, `failed: (out) => actedOnNothing(out.results)`,
 * so such a call is `isError: true` while a partial success is not.
 */
export function actedOnNothing(items: readonly { status: ItemStatus }[]): boolean {
  return items.length > 0 && items.every((item) => NOTHING_DONE.has(item.status));
}

/** "2 stopped, 1 denied by policy (of 3)". */
export function summarizeItems(verb: string, items: readonly { status: ItemStatus }[]): string {
  const count = (status: ItemStatus) => items.filter((i) => i.status === status).length;
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
