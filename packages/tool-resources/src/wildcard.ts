/** Substring match, or a whole-name wildcard match when the filter contains `*` (as docker_ps filters). */
export function wildcard(filter: string): (name: string) => boolean {
  if (!filter.includes("*")) return (name) => name.includes(filter);
  const source = filter
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  const re = new RegExp(`^${source}$`);
  return (name) => re.test(name);
}
