import type { ProgressMessage } from "./json-progress.js";

/** What is known of one layer of a pull. */
export interface LayerState {
  /** Short layer ID as the daemon names it. */
  id: string;
  /** The daemon's last word on it: "Waiting", "Downloading", "Extracting", "Pull complete", "Already exists", ... */
  status: string;
  /** Bytes downloaded so far (the whole layer once downloaded). */
  downloaded: number;
  /** Compressed size, once the daemon said it. */
  size?: number;
}

/** A change worth telling the client: one layer's new state, with the pull's totals. */
export interface PullProgressEvent {
  layer: LayerState;
  /** Bytes downloaded over every layer so far. */
  downloaded: number;
  /** Sum of the sizes known so far (grows as layers start downloading). */
  expected: number;
  /** Layers done (pulled or already present) and known in all. */
  layersDone: number;
  layersKnown: number;
}

const DONE = new Set(["Pull complete", "Already exists", "Download complete"]);
const FINAL = new Set(["Pull complete", "Already exists"]);

/**
 * Folds the daemon's pull messages into per-layer states. A layer's byte count only grows (the
 * "Extracting" step reports its own current/total, which is not download progress), and a layer
 * that finished downloading counts its whole size.
 */
export class PullTracker {
  private readonly layers = new Map<string, LayerState>();
  /** "Digest: sha256:..." */
  digest: string | undefined;
  /** "Status: Downloaded newer image for x" / "Status: Image is up to date for x". */
  outcome: string | undefined;

  /** Returns the event to relay for a message about a layer, or undefined. */
  update(message: ProgressMessage): PullProgressEvent | undefined {
    const status = message.status;
    if (status === undefined) return undefined;
    if (status.startsWith("Digest: ")) {
      this.digest = status.slice("Digest: ".length).trim();
      return undefined;
    }
    if (status.startsWith("Status: ")) {
      this.outcome = status.slice("Status: ".length).trim();
      return undefined;
    }
    const id = message.id;
    // Messages about the tag itself ("Pulling from library/x", id = tag) name no layer.
    if (id === undefined || status.startsWith("Pulling from ") || !/^[0-9a-f]{12,64}$/.test(id)) {
      return undefined;
    }
    const layer = this.layers.get(id) ?? { id, status, downloaded: 0 };
    layer.status = status;
    if (status === "Downloading") {
      if (message.total !== undefined) layer.size = message.total;
      if (message.current !== undefined) layer.downloaded = Math.max(layer.downloaded, message.current);
    } else if (DONE.has(status) && layer.size !== undefined) {
      layer.downloaded = layer.size;
    }
    this.layers.set(id, layer);
    return { layer: { ...layer }, ...this.totals() };
  }

  /** Every layer seen, in the order the daemon named them. */
  snapshot(): LayerState[] {
    return [...this.layers.values()].map((l) => ({ ...l }));
  }

  totals(): Omit<PullProgressEvent, "layer"> {
    let downloaded = 0;
    let expected = 0;
    let layersDone = 0;
    for (const layer of this.layers.values()) {
      downloaded += layer.downloaded;
      expected += layer.size ?? 0;
      if (FINAL.has(layer.status)) layersDone++;
    }
    return { downloaded, expected, layersDone, layersKnown: this.layers.size };
  }
}
