import type { IncomingMessage } from "node:http";
import type { ApiClient } from "./api-client.js";
import { LineSplitter } from "./line-splitter.js";
import type { ContainerIdentity, ImageIdentity } from "./types.js";

/** Entries kept per map at most: past it the map starts over (a bound, not an eviction policy). */
const MAX_ENTRIES = 2_000;
/** After the event stream failed to open or broke, the next attempt waits at least this long. */
const RETRY_MS = 5_000;
/**
 * The subscription asks for events from this far back: dockerd flushes the answer's headers before it
 * subscribes, and replays what it buffered since `since`, so nothing between the two is missed.
 */
const REPLAY_MS = 2_000;

export type LookupKind = "container" | "image";

/**
 * Lookups kept current by the daemon's own event stream, so a read can skip the round trips that name
 * its target (container by name or ID -> identity; image ID -> every name of the image; the image
 * listing). It may never let a stale answer widen what the policy allows, so it holds answers only
 * while it can prove it would hear of every change:
 * - nothing is kept unless the event stream is open (opened lazily on first use, headers received);
 *   when it ends or fails everything kept is dropped and lookups go to the daemon until it is open
 *   again;
 * - any event about a container drops every entry of that container (rename, die, destroy, ...); any
 *   image event drops every image entry (tag, untag, delete, pull, load, ...);
 * - an answer is kept only if no event of its kind arrived while it was being looked up (it may have
 *   been read before the change the event reports);
 * - containers are kept only by their exact name or full ID (what a new container cannot take over),
 *   never by an ID prefix (a new container can make a prefix ambiguous).
 * Every hit is a copy: callers cannot change what is kept.
 */
export class LookupCache {
  private stream: IncomingMessage | undefined;
  private opening = false;
  private up = false;
  private retryAt = 0;
  private closed = false;
  private readonly abort = new AbortController();
  /** Bumped by every event of the kind, and when the stream opens or ends. */
  private readonly seq: Record<LookupKind, number> = { container: 0, image: 0 };
  private readonly containers = new Map<string, ContainerIdentity>();
  private readonly images = new Map<string, ImageIdentity>();
  private imageList: ImageIdentity[] | undefined;
  /** Lookups answered from what is kept (for tests and the benchmark). */
  hits = 0;

  constructor(
    private readonly api: ApiClient,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether answers are being kept now; starts the event stream when it is not open. */
  get active(): boolean {
    if (!this.up) this.open();
    return this.up;
  }

  container(ref: string): ContainerIdentity | undefined {
    if (!this.active) return undefined;
    const hit = this.containers.get(ref);
    if (!hit) return undefined;
    this.hits++;
    return copyIdentity(hit);
  }

  image(id: string): ImageIdentity | undefined {
    if (!this.active) return undefined;
    const hit = this.images.get(id);
    if (!hit) return undefined;
    this.hits++;
    return copyImage(hit);
  }

  imageListing(): ImageIdentity[] | undefined {
    if (!this.active || !this.imageList) return undefined;
    this.hits++;
    return this.imageList.map(copyImage);
  }

  /** The counter to hand back to `keep*`: an event after it means the answer may be older than the change. */
  mark(kind: LookupKind): number {
    return this.up ? this.seq[kind] : -1;
  }

  keepContainer(ref: string, identity: ContainerIdentity, mark: number): void {
    if (!this.fresh("container", mark)) return;
    // Only by what names this container alone for as long as it exists.
    if (ref !== identity.id && !identity.names.includes(ref)) return;
    if (this.containers.size >= MAX_ENTRIES) this.containers.clear();
    this.containers.set(ref, copyIdentity(identity));
  }

  keepImage(id: string, image: ImageIdentity, mark: number): void {
    if (!this.fresh("image", mark) || id !== image.id) return;
    if (this.images.size >= MAX_ENTRIES) this.images.clear();
    this.images.set(id, copyImage(image));
  }

  keepImageListing(images: readonly ImageIdentity[], mark: number): void {
    if (!this.fresh("image", mark)) return;
    this.imageList = images.map(copyImage);
  }

  close(): void {
    this.closed = true;
    this.abort.abort();
    this.drop();
  }

  private fresh(kind: LookupKind, mark: number): boolean {
    return this.up && mark >= 0 && this.seq[kind] === mark;
  }

  private open(): void {
    if (this.opening || this.closed || this.now() < this.retryAt) return;
    this.opening = true;
    const since = (this.now() - REPLAY_MS) / 1000;
    this.api
      .stream(
        {
          method: "GET",
          path: "/events",
          query: {
            since: since.toFixed(3),
            filters: JSON.stringify({ type: ["container", "image"] }),
          },
          what: "follow the daemon's events",
        },
        this.abort.signal,
      )
      .then(
        (res) => {
          this.opening = false;
          if (this.closed) {
            res.destroy();
            return;
          }
          this.stream = res;
          // The stream must never keep the process alive (a CLI command ends when its work is done).
          res.socket?.unref();
          const splitter = new LineSplitter((line) => this.onEvent(line), 64 * 1024);
          res.on("data", (chunk: Buffer) => splitter.push(chunk));
          const ended = () => this.lost();
          res.once("end", ended);
          res.once("error", ended);
          res.once("close", ended);
          this.seq.container++;
          this.seq.image++;
          this.up = true;
        },
        () => {
          this.opening = false;
          this.retryAt = this.now() + RETRY_MS;
        },
      );
  }

  private onEvent(line: string): void {
    if (line.trim() === "") return;
    let event: { Type?: string; Actor?: { ID?: string }; id?: string };
    try {
      event = JSON.parse(line);
    } catch {
      // Something we cannot read may have changed anything.
      this.lost();
      return;
    }
    if (event.Type === "image") {
      this.seq.image++;
      this.images.clear();
      this.imageList = undefined;
      return;
    }
    if (event.Type === "container") {
      this.seq.container++;
      const id = event.Actor?.ID ?? event.id;
      if (!id) {
        this.containers.clear();
        return;
      }
      for (const [ref, identity] of this.containers) if (identity.id === id) this.containers.delete(ref);
      return;
    }
  }

  /** The stream ended or broke: nothing kept can be trusted, and lookups go to the daemon. */
  private lost(): void {
    if (!this.stream) return;
    this.stream.destroy();
    this.stream = undefined;
    this.drop();
    this.retryAt = this.now() + RETRY_MS;
  }

  private drop(): void {
    this.up = false;
    this.seq.container++;
    this.seq.image++;
    this.containers.clear();
    this.images.clear();
    this.imageList = undefined;
  }
}

function copyIdentity(identity: ContainerIdentity): ContainerIdentity {
  return {
    ...identity,
    names: [...identity.names],
    labels: { ...identity.labels },
    env: [...identity.env],
    argvs: identity.argvs.map((argv) => [...argv]),
  };
}

function copyImage<T extends ImageIdentity>(image: T): T {
  return { ...image, tags: [...image.tags], digests: [...image.digests] };
}
