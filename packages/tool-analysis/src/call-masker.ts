import { Redactor, type ToolContext } from "@arktechnwa/docker-mcp-core";

/**
 * The call's masker: everything sent to a model goes through it first. Uses the kernel's `ctx.redact`
 * (the call's one masking table) when the kernel offers it, else a table of the targets' secrets plus
 * the environment given here.
 */
export function callMasker(ctx: ToolContext, env: readonly string[] = []): (text: string) => string {
  const own = (ctx as unknown as { redact?: (value: string) => string }).redact;
  if (typeof own === "function") return (text) => own.call(ctx, text);
  const redactor = new Redactor();
  for (const target of ctx.targets) redactor.add(target.secrets ?? []);
  redactor.addEnv(env);
  return (text) => redactor.text(text);
}
