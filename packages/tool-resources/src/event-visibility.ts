import { containerResource, type DockerDeps, imageNamesOf, summaryToResource } from "@arktechnwa/docker-kit";
import type { ResolvedResource, ToolContext } from "@arktechnwa/docker-mcp-core";
import type { DaemonEvent } from "@arktechnwa/docker-mcp-engine";
import { containerUsers } from "./container-users.js";

/**
 * What the policy judges of a daemon event: the container, image, network or volume it is about, by the
 * names the event carries (an image by every name it has now). Events of other kinds (daemon, plugin,
 * builder) name nothing the policy lists.
 */
export async function eventJudge(
  deps: DockerDeps,
  ctx: Pick<ToolContext, "visible" | "signal">,
): Promise<{
  resource: (event: DaemonEvent) => ResolvedResource | undefined;
  containerVisible: (id: string) => boolean;
}> {
  const [images, users] = await Promise.all([deps.engine.listImages(ctx.signal), containerUsers(deps, ctx)]);
  const namesOf = new Map<string, string[]>();
  for (const image of images) {
    const names = imageNamesOf(image);
    for (const name of names) namesOf.set(name, names);
  }
  // An event names the image as the container was created with it: a tag, or the image's ID or an ID
  // prefix. An ID is the image with all its names, as the resolvers see it.
  const byId = (ref: string) => {
    const bare = ref.replace(/^sha256:/, "");
    if (!/^[0-9a-f]+$/.test(bare)) return undefined;
    const hits = images.filter((i) => i.id.replace(/^sha256:/, "").startsWith(bare));
    return hits.length > 0 ? [ref, ...hits.flatMap((i) => imageNamesOf(i))] : undefined;
  };
  const imageNames = (ref: string | undefined) => (ref ? (namesOf.get(ref) ?? byId(ref) ?? [ref]) : []);
  // A container that still exists is judged as it is now (its image by every name, from the listing).
  const live = new Map(users.all.map((c) => [c.id, c]));
  const resource = (event: DaemonEvent): ResolvedResource | undefined => {
    const a = event.attributes;
    switch (event.type) {
      case "container": {
        const current = live.get(event.id);
        if (current) return summaryToResource(current);
        return containerResource({
          id: event.id,
          names: a.name ? [a.name] : [],
          image: a.image ?? "",
          images: imageNames(a.image),
          labels: a,
        });
      }
      case "image":
        return {
          kind: "image",
          id: event.id,
          names: [...new Set([...imageNames(event.id), ...imageNames(a.name)])],
        };
      case "network":
        return { kind: "network", id: event.id, names: a.name ? [a.name] : [] };
      case "volume":
        return { kind: "volume", names: [event.id] };
      default:
        return undefined;
    }
  };
  return { resource, containerVisible: users.isVisible };
}
