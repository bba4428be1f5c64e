import {
  containerResource,
  type DockerDeps,
  displayName,
  ICON,
  ITEM_STATUSES,
  imageNamesOf,
  imageResource,
  listVisibleNetworks,
  networkResource,
  shortId,
  summarizeItems,
  volumeResource,
} from "@arktechnwa/docker-kit";
import {
  defineTool,
  errorCode,
  errorMessage,
  formatBytes,
  type ResolvedResource,
  type ToolHandler,
} from "@arktechnwa/docker-mcp-core";
import { z } from "zod";
import { containerUsers } from "../container-users.js";
import { ownSize, visibleUsage } from "../disk-usage.js";

/** Stop starting removals this long before the deadline, to answer with what was done. */
const ANSWER_MARGIN_MS = 2_000;
const PREDEFINED_NETWORKS = new Set(["bridge", "host", "none"]);
const STOPPED = new Set(["exited", "created", "dead"]);
const KINDS = ["container", "network", "volume", "image"] as const;
type Kind = (typeof KINDS)[number];

const input = z.strictObject({
  volumes: z
    .boolean()
    .optional()
    .describe("Also remove unused volumes (anonymous ones only, unless all=true). Default false."),
  all: z
    .boolean()
    .optional()
    .describe(
      "Remove every unused image (not only untagged ones), every unused build cache record, and with volumes=true named unused volumes too. Default false.",
    ),
  dry_run: z.boolean().optional().describe("Only say what would be removed and how much it would free."),
});

const item = z.object({
  kind: z.enum(KINDS),
  resource: z.string().describe("Its name (or short ID when it has none)."),
  id: z.string().optional(),
  status: z.enum(ITEM_STATUSES),
  message: z.string(),
  size: z.string(),
  size_bytes: z.number().int(),
});

const output = z.object({
  dry_run: z.boolean(),
  results: z.array(item).describe("Every resource the prune removed, would remove, or tried and kept."),
  build_cache: z.object({
    status: z.enum(ITEM_STATUSES),
    message: z.string(),
    freed: z.string(),
    freed_bytes: z.number().int(),
  }),
  freed: z.string().describe("What the removals freed (for a dry run: what they would free)."),
  freed_bytes: z.number().int(),
  summary: z.string(),
});

export const systemPruneTool = defineTool({
  name: "docker_system_prune",
  title: "Prune unused resources",
  description:
    "Remove stopped containers, networks no container uses, untagged images no container uses (all=true: " +
    "every unused image) and the build cache; with volumes=true also unused anonymous volumes (all=true: " +
    "named ones too). Only resources the policy lets you see are touched, each removed on its own and " +
    "reported with its size; dry_run=true only lists them. Nothing in use is removed.",
  levels: ["system"],
  timeoutClass: "lifecycle",
  effect: "destructive",
  input,
  output,
  render: (o) =>
    [
      o.summary,
      ...o.results.map(
        (r) => `${o.dry_run ? "•" : ICON[r.status]} ${r.kind} ${r.resource} ${r.size}: ${r.message}`,
      ),
      `${o.dry_run ? "•" : ICON[o.build_cache.status]} build cache: ${o.build_cache.message}`,
    ].join("\n"),
});

interface Candidate {
  kind: Kind;
  name: string;
  id?: string;
  size: number;
  resource: ResolvedResource;
  remove: (signal: AbortSignal) => Promise<unknown>;
}

export function systemPruneHandler(deps: DockerDeps): ToolHandler<typeof input, typeof output> {
  return async (args, ctx) => {
    const all = args.all ?? false;
    const dryRun = args.dry_run ?? false;
    const engine = deps.engine;
    // Not the daemon's prune: it would remove what the policy hides. Every candidate is a resource the
    // caller may see and nothing uses, removed on its own and never forced, so whatever starts using it
    // meanwhile keeps it (the daemon refuses, and the answer says "kept").
    const [usage, users, networks] = await Promise.all([
      engine.diskUsage(ctx.signal),
      containerUsers(deps, ctx),
      listVisibleNetworks(deps, ctx),
    ]);
    const seen = visibleUsage(usage, ctx);
    const candidates: Candidate[] = [];

    const imageNames = new Map(usage.images.map((i) => [i.id, imageNamesOf(i)]));
    const goners = new Set<string>();
    for (const c of seen.containers) {
      if (!STOPPED.has(c.state)) continue;
      goners.add(c.id);
      const names = imageNames.get(c.imageId);
      candidates.push({
        kind: "container",
        name: displayName(c),
        id: c.id,
        size: c.sizeRw,
        resource: containerResource({ ...c, ...(names ? { images: names } : {}) }),
        remove: (signal) => engine.removeContainer(c.id, {}, signal),
      });
    }
    // What the containers that stay (hidden ones included) still use.
    const staying = users.all.filter((c) => !goners.has(c.id));
    const usedNetworks = new Set(staying.flatMap((c) => (c.networks ?? []).map((n) => n.id)));
    const usedVolumes = new Set(
      staying.flatMap((c) =>
        (c.mounts ?? []).filter((m) => m.type === "volume" && m.name).map((m) => m.name as string),
      ),
    );
    const usedImages = new Set(staying.map((c) => c.imageId));

    for (const n of networks.visible) {
      if (n.scope !== "local" || PREDEFINED_NETWORKS.has(n.name) || usedNetworks.has(n.id)) continue;
      candidates.push({
        kind: "network",
        name: n.name,
        id: n.id,
        size: 0,
        resource: networkResource(n),
        remove: (signal) => engine.removeNetwork(n.id, signal),
      });
    }
    if (args.volumes) {
      for (const v of seen.volumes) {
        const anonymous = /^[0-9a-f]{64}$/.test(v.name);
        if (v.driver !== "local" || usedVolumes.has(v.name) || (!anonymous && !all)) continue;
        candidates.push({
          kind: "volume",
          name: v.name,
          size: Math.max(0, v.size),
          resource: volumeResource({
            name: v.name,
            driver: v.driver,
            labels: v.labels,
            options: {},
            mountpoint: "",
            scope: "",
            created: "",
          }),
          remove: (signal) => engine.removeVolume(v.name, false, signal),
        });
      }
    }
    for (const i of seen.images) {
      if (usedImages.has(i.id) || (i.tags.length > 0 && !all)) continue;
      candidates.push({
        kind: "image",
        name: i.tags[0] ?? shortId(i.id),
        id: i.id,
        size: ownSize(i),
        resource: imageResource(i),
        // By tag, one at a time and never forced: an image with several tags cannot go by ID without
        // force, and force would also take an image a container created meanwhile uses.
        remove: async (signal) => {
          for (const ref of i.tags.length > 0 ? i.tags : [i.id]) await engine.removeImage(ref, {}, signal);
        },
      });
    }
    const cacheReclaimable = usage.buildCache
      .filter((b) => !b.inUse && (all || !b.shared))
      .reduce((sum, b) => sum + b.size, 0);

    const row = (
      c: Candidate,
      status: z.input<typeof item>["status"],
      message: string,
    ): z.input<typeof item> => ({
      kind: c.kind,
      resource: c.name,
      ...(c.id ? { id: shortId(c.id) } : {}),
      status,
      message,
      size: formatBytes(c.size),
      size_bytes: c.size,
    });
    const hiddenNote =
      seen.hidden.containers + seen.hidden.images + seen.hidden.volumes + networks.hidden > 0
        ? "; resources the policy hides were not considered"
        : "";

    if (dryRun) {
      const results = candidates.map((c) => row(c, "skipped", "would be removed (dry run)"));
      const freed = candidates.reduce((sum, c) => sum + c.size, 0) + cacheReclaimable;
      return {
        dry_run: true,
        results,
        build_cache: {
          status: "skipped",
          message: `up to ${formatBytes(cacheReclaimable)} would be freed (dry run)`,
          freed: formatBytes(cacheReclaimable),
          freed_bytes: cacheReclaimable,
        },
        freed: formatBytes(freed),
        freed_bytes: freed,
        summary: `Would remove ${count(candidates)}, freeing up to ${formatBytes(freed)}${hiddenNote}`,
      };
    }

    const outOfTime = new AbortController();
    const timer = setTimeout(
      () => outOfTime.abort(),
      Math.max(0, ctx.deadline - Date.now() - ANSWER_MARGIN_MS),
    );
    const signal = AbortSignal.any([ctx.signal, outOfTime.signal]);
    const results: z.input<typeof item>[] = [];
    let freed = 0;
    try {
      for (const c of candidates) {
        if (signal.aborted) {
          results.push(row(c, "skipped", "not attempted: the call ran out of time; call again"));
          continue;
        }
        // Judged (and audited) one by one, as if the caller had named it.
        const decision = ctx.authorize({ subject: `prune ${c.kind} ${c.name}`, resources: [c.resource] });
        if (!decision.allowed) {
          results.push(row(c, "denied", decision.reasons[0]?.message ?? "denied by policy"));
          continue;
        }
        try {
          await c.remove(signal);
          freed += c.size;
          results.push(row(c, "done", "removed"));
        } catch (error) {
          if (ctx.signal.aborted) throw error;
          if (outOfTime.signal.aborted) {
            results.push(
              row(
                c,
                "unknown",
                "outcome unknown: the call ran out of time while removing it; check before retrying",
              ),
            );
          } else if (errorCode(error) === "NOT_FOUND") {
            results.push(row(c, "unchanged", "already gone"));
          } else if (errorCode(error) === "CONFLICT") {
            results.push(row(c, "failed", "in use (or depended on) now; kept"));
          } else {
            results.push(row(c, "failed", errorMessage(error)));
          }
        }
      }
      let buildCache: z.input<typeof output>["build_cache"];
      if (signal.aborted) {
        buildCache = {
          status: "skipped",
          message: "not attempted: the call ran out of time",
          freed: "0B",
          freed_bytes: 0,
        };
      } else {
        try {
          const pruned = await engine.pruneBuildCache(all, signal);
          freed += pruned.spaceReclaimed;
          buildCache = {
            status: pruned.removed > 0 ? "done" : "unchanged",
            message: pruned.removed > 0 ? `${pruned.removed} records removed` : "nothing to remove",
            freed: formatBytes(pruned.spaceReclaimed),
            freed_bytes: pruned.spaceReclaimed,
          };
        } catch (error) {
          if (ctx.signal.aborted) throw error;
          buildCache = {
            status: outOfTime.signal.aborted ? "unknown" : "failed",
            message: outOfTime.signal.aborted
              ? "outcome unknown: the call ran out of time"
              : errorMessage(error),
            freed: "0B",
            freed_bytes: 0,
          };
        }
      }
      return {
        dry_run: false,
        results,
        build_cache: buildCache,
        freed: formatBytes(freed),
        freed_bytes: freed,
        summary:
          (results.length === 0
            ? `Nothing to remove; build cache: ${buildCache.message}`
            : `${summarizeItems("removed", results)}: ${count(candidates.filter((_, i) => results[i]?.status === "done"))}`) +
          `; ${formatBytes(freed)} freed${hiddenNote}`,
      };
    } finally {
      clearTimeout(timer);
    }
  };
}

/** "2 containers, 1 network" (or "nothing"). */
function count(candidates: Candidate[]): string {
  const parts = KINDS.map((kind) => {
    const n = candidates.filter((c) => c.kind === kind).length;
    return n ? `${n} ${kind}${n === 1 ? "" : "s"}` : "";
  }).filter(Boolean);
  return parts.length ? parts.join(", ") : "nothing";
}
