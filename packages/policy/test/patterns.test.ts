import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decide, loadPolicy, matchPattern, visible } from "../src/index.js";

const fixture = JSON.parse(readFileSync(new URL("./fixtures/patterns.json", import.meta.url), "utf8")) as {
  names: { pattern: string; name: string; match: boolean }[];
  containers: { pattern: string; names: string[]; match: boolean }[];
  images: { pattern: string; image: string; match: boolean }[];
};

describe("wildcard patterns", () => {
  it.each(fixture.names)('"$pattern" vs "$name" -> $match', ({ pattern, name, match }) => {
    expect(matchPattern(pattern, name)).toBe(match);
  });

  it.each(fixture.names.filter((c) => c.name !== ""))(
    'volume blacklist "$pattern" vs "$name" -> denied=$match',
    ({ pattern, name, match }) => {
      const policy = loadPolicy({ permissions: { blacklist_volumes: [pattern] } });
      const d = decide(policy, {
        tool: "t",
        levels: ["read"],
        resources: [{ kind: "volume", names: [name] }],
      });
      expect(d.allowed).toBe(!match);
    },
  );
});

describe("container names", () => {
  it.each(fixture.containers)('"$pattern" vs $names -> $match', ({ pattern, names, match }) => {
    const black = loadPolicy({ permissions: { blacklist_containers: [pattern] } });
    const white = loadPolicy({ permissions: { whitelist_containers: [pattern] } });
    const request = { tool: "t", levels: ["read"], resources: [{ kind: "container", names }] };
    expect(decide(black, request).allowed).toBe(!match);
    expect(decide(white, request).allowed).toBe(match);
  });
});

describe("image references, long and short forms", () => {
  it.each(fixture.images)('"$pattern" vs "$image" -> $match', ({ pattern, image, match }) => {
    const white = loadPolicy({ permissions: { images: true, whitelist_images: [pattern] } });
    const black = loadPolicy({ permissions: { blacklist_images: [pattern] } });
    const pull = { tool: "docker_pull", levels: ["images"], resources: [{ kind: "image", names: [image] }] };
    expect(decide(white, pull).allowed).toBe(match);
    // A container running the image is denied exactly when the image is blacklisted.
    const ps = { tool: "t", levels: ["read"], resources: [{ kind: "container", names: ["/c"], image }] };
    expect(decide(black, ps).allowed).toBe(!match);
  });

  it("matches an image by any of its tags", () => {
    const policy = loadPolicy({ permissions: { blacklist_images: ["secret/*"] } });
    const d = decide(policy, {
      tool: "t",
      levels: ["read"],
      resources: [{ kind: "image", names: ["public/app:1", "secret/app:1"] }],
    });
    expect(d.allowed).toBe(false);
  });
});

describe("visible()", () => {
  const policy = loadPolicy({
    permissions: {
      whitelist_containers: ["app-*", "vault"],
      blacklist_containers: ["vault", "*-db"],
      blacklist_images: ["postgres"],
    },
  });
  const listing = [
    { names: ["/app-web"], id: "a1", image: "nginx:1.27" },
    { names: ["/app-db"], id: "a2", image: "mysql:8" },
    { names: ["/vault"], id: "a3", image: "vault:1" },
    { names: ["/app-pg"], id: "a4", image: "postgres:16" },
    { names: ["/other"], id: "a5", image: "nginx:1.27" },
    { names: [], id: "a6" },
  ];

  it("keeps only what the policy lets the caller see, in order, as the same objects", () => {
    const seen = visible(policy, "container", listing);
    expect(seen.map((r) => r.id)).toEqual(["a1"]);
    expect(seen[0]).toBe(listing[0]);
  });

  it("shows everything under bypass and nothing of an unknown kind", () => {
    expect(visible(loadPolicy({}, { bypass: true }), "container", listing)).toHaveLength(listing.length);
    expect(visible(policy, "pod", listing)).toEqual([]);
  });

  it("shows everything when the kind has no lists", () => {
    expect(visible(loadPolicy({}), "container", listing)).toHaveLength(listing.length);
  });
});
