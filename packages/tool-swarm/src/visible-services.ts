import type { DockerDeps } from "@arktechnwa/docker-kit";
import { type ResolvedResource, type ToolContext, ToolError } from "@arktechnwa/docker-mcp-core";
import type { ServiceSummary } from "@arktechnwa/docker-mcp-engine";

/**
 * A service is judged by the image it runs: the policy has no service kind, and a service running a
 * blacklisted image is hidden (and refused) like a container running it.
 */
export function serviceAsImage(service: ServiceSummary): ResolvedResource {
  return { kind: "image", names: service.image ? [service.image] : [] };
}

export async function visibleServices(
  deps: DockerDeps,
  ctx: ToolContext,
): Promise<{ visible: ServiceSummary[]; hidden: number }> {
  const services = await deps.engine.listServices(ctx.signal);
  return ctx.visible(services, serviceAsImage);
}

/** One service by name, ID or ID prefix, refused when the policy hides its image. */
export async function allowedService(
  deps: DockerDeps,
  ctx: ToolContext,
  ref: string,
): Promise<ServiceSummary> {
  const service = await deps.engine.inspectService(ref, ctx.signal);
  const decision = ctx.authorize({
    subject: `service ${service.name}`,
    resources: [serviceAsImage(service)],
  });
  if (!decision.allowed) {
    throw new ToolError(
      "denied",
      `Service ${service.name} runs ${service.image}, which the policy does not let you see: ${decision.reasons.map((r) => r.message).join(" ")}`,
    );
  }
  return service;
}
