import type { ResolvedResource, TargetRef, ToolContext } from "@arktechnwa/docker-mcp-core";
import { z } from "zod";

/**
 * The shape of a tool that acts on exactly one resource: an input field holding its reference and the
 * `targets` that hand it to the kernel, which resolves it (fail closed) and decides on it before the
 * handler runs. Spread `input` into the tool's input schema and use `targets` as the manifest's:
 *
 *   const one = singleTarget("network", "network", "Network name, ID prefix or full ID.");
 *   input: z.strictObject({ ...one.input, verbose: z.boolean().optional() }),
 *   targets: one.targets,
 *   // handler: const network = targetData<NetworkIdentity>(ctx, "network");
 */
export function singleTarget<F extends string>(kind: string, field: F, describe: string) {
  return {
    input: { [field]: z.string().min(1).describe(describe) } as { [K in F]: z.ZodString },
    targets: (args: { [K in F]: string }): TargetRef[] => [{ kind, ref: args[field] }],
  };
}

/** The one target the kernel resolved and the policy allowed (of the given kind). */
export function theTarget(ctx: Pick<ToolContext, "targets">, kind: string): ResolvedResource {
  const target = ctx.targets.find((t) => t.kind === kind);
  if (!target) throw new Error(`internal: no ${kind} target was resolved by the kernel`);
  return target;
}

/** The engine's identity of a resolved target (what its resolver put in `data`). */
export function dataOf<T>(resource: ResolvedResource | undefined, kind: string): T {
  if (!resource?.data || resource.kind !== kind) {
    throw new Error(`internal: a ${kind} target was not resolved by the kernel`);
  }
  return resource.data as T;
}

/** Shorthand: the data of the one target of `kind`. */
export function targetData<T>(ctx: Pick<ToolContext, "targets">, kind: string): T {
  return dataOf<T>(theTarget(ctx, kind), kind);
}
