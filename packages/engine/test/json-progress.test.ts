import { describe, expect, it } from "vitest";
import { ProgressReader, parseProgressLine } from "../src/json-progress.js";
import { PullTracker } from "../src/pull-progress.js";

// Recorded from dockerd 20.10 pulling from a local registry (layer IDs shortened by the daemon).
const PULL = [
  '{"status":"Pulling from docker-mcp-test/app","id":"v1"}',
  '{"status":"Already exists","progressDetail":{},"id":"89fde1a3df65"}',
  '{"status":"Pulling fs layer","progressDetail":{},"id":"5f0c1d2e3a4b"}',
  '{"status":"Downloading","progressDetail":{"current":32768,"total":4195840},"progress":"[>    ]  32.77kB/4.196MB","id":"5f0c1d2e3a4b"}',
  '{"status":"Downloading","progressDetail":{"current":2097152,"total":4195840},"progress":"[===>  ]","id":"5f0c1d2e3a4b"}',
  '{"status":"Verifying Checksum","progressDetail":{},"id":"5f0c1d2e3a4b"}',
  '{"status":"Download complete","progressDetail":{},"id":"5f0c1d2e3a4b"}',
  '{"status":"Extracting","progressDetail":{"current":32768,"total":4195840},"id":"5f0c1d2e3a4b"}',
  '{"status":"Pull complete","progressDetail":{},"id":"5f0c1d2e3a4b"}',
  '{"status":"Digest: sha256:4a389a4078a08351bee2509dbd7b60ad2b7622ecf1c6a6d8c037e1dbdd87122d"}',
  '{"status":"Status: Downloaded newer image for 127.0.0.1:5000/docker-mcp-test/app:v1"}',
];

describe("progress stream", () => {
  it("reads JSON lines split anywhere across chunks, CRLF included", () => {
    const seen: unknown[] = [];
    const reader = new ProgressReader((m) => seen.push(m));
    const bytes = Buffer.from(`${PULL.join("\r\n")}\r\n`);
    for (let i = 0; i < bytes.length; i += 7) reader.push(bytes.subarray(i, i + 7));
    reader.end();
    expect(seen).toHaveLength(PULL.length);
    expect(seen[3]).toEqual({ status: "Downloading", id: "5f0c1d2e3a4b", current: 32768, total: 4195840 });
  });

  it("never throws on odd lines", () => {
    expect(parseProgressLine("not json")).toEqual({ text: "not json" });
    expect(parseProgressLine("[1,2]")).toEqual({ text: "[1,2]" });
    expect(parseProgressLine("   ")).toBeUndefined();
    expect(parseProgressLine('{"progressDetail":{"current":-1,"total":"x"}}')).toEqual({});
    expect(
      parseProgressLine('{"errorDetail":{"message":"manifest unknown"},"error":"manifest unknown"}'),
    ).toEqual({
      error: "manifest unknown",
    });
    expect(parseProgressLine('{"stream":"Step 1/2 : FROM scratch\\n"}')).toEqual({
      stream: "Step 1/2 : FROM scratch\n",
    });
    expect(parseProgressLine('{"aux":{"ID":"sha256:abc"}}')).toEqual({ aux: { ID: "sha256:abc" } });
  });

  it("tracks layers: bytes only grow, a finished layer counts whole, present layers count as done", () => {
    const tracker = new PullTracker();
    const events = PULL.map((line) => tracker.update(parseProgressLine(line) ?? {}));
    expect(events[0]).toBeUndefined();
    expect(events[4]).toMatchObject({
      downloaded: 2097152,
      expected: 4195840,
      layersDone: 1,
      layersKnown: 2,
    });
    // Extracting reports its own current/total: not download progress.
    expect(events[7]).toMatchObject({ downloaded: 4195840 });
    expect(events[8]).toMatchObject({ layersDone: 2, layersKnown: 2 });
    expect(tracker.digest).toBe("sha256:4a389a4078a08351bee2509dbd7b60ad2b7622ecf1c6a6d8c037e1dbdd87122d");
    expect(tracker.outcome).toBe("Downloaded newer image for 127.0.0.1:5000/docker-mcp-test/app:v1");
    expect(tracker.snapshot().map((l) => [l.id, l.status])).toEqual([
      ["89fde1a3df65", "Already exists"],
      ["5f0c1d2e3a4b", "Pull complete"],
    ]);
  });
});
