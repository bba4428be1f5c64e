import { describe, expect, it } from "vitest";
import { decide, loadPolicy, visible } from "../src/index.js";

// An image is all its names: a blacklist matching any tag, digest or ID of the image a container runs
// denies the container, however the container names its image.
const ID = `sha256:${"ab".repeat(32)}`;
const OTHER_ID = `sha256:${"cd".repeat(32)}`;
const policy = loadPolicy({
  permissions: { blacklist_images: ["evil/*", "docker.io/library/mysql", ID] },
});
const whitelisted = loadPolicy({
  permissions: { whitelist_images: ["good/*"], blacklist_images: ["good/debug"] },
});

type Row = [string, { image?: string; images?: string[] }, boolean];
const containerCases: Row[] = [
  ["no image names at all", {}, true],
  ["allowed image, no other names", { image: "good/app:1" }, true],
  ["allowed image, other allowed tags", { image: "good/app:1", images: ["good/app:1", "good/app:2"] }, true],
  ["blacklisted as created", { image: "evil/x:1" }, false],
  [
    "allowed as created, blacklisted second tag",
    { image: "good/app:1", images: ["good/app:1", "evil/x:1"] },
    false,
  ],
  [
    "allowed as created, blacklisted first tag",
    { image: "good/app:1", images: ["evil/x:1", "good/app:1"] },
    false,
  ],
  [
    "created from the bare ID, one tag of two blacklisted",
    { image: "a".repeat(64), images: ["good/app:1", "evil/x:1"] },
    false,
  ],
  ["created from a short ID", { image: "abababababab", images: ["good/app:1", "evil/y:latest"] }, false],
  ["blacklisted tag in its long form", { image: "good/app:1", images: ["docker.io/evil/x:2"] }, false],
  ["blacklisted tag in the index form", { image: "good/app:1", images: ["index.docker.io/evil/x:2"] }, false],
  ["blacklisted repository without a tag", { image: "good/app:1", images: ["mysql:8.4"] }, false],
  [
    "blacklisted repository via library form",
    { image: "good/app:1", images: ["library/mysql:latest"] },
    false,
  ],
  ["blacklisted digest", { image: "good/app:1", images: [`evil/x@sha256:${"0".repeat(64)}`] }, false],
  ["blacklisted image ID among the names", { image: "good/app:1", images: ["good/app:1", ID] }, false],
  ["another ID is not the blacklisted one", { image: "good/app:1", images: ["good/app:1", OTHER_ID] }, true],
  ["untagged image with only its ID", { image: "c".repeat(64), images: [OTHER_ID] }, true],
  ["empty names are skipped, the rest still judged", { image: "", images: ["", "evil/x:1"] }, false],
  [
    "a name that only looks like the pattern",
    { image: "good/app:1", images: ["evilx/y:1", "not-evil/x:1"] },
    true,
  ],
];

describe("blacklist_images holds on every name of a container's image", () => {
  it.each(containerCases)("%s", (_name, image, allowed) => {
    const resource = { kind: "container", names: ["web"], ...image };
    const d = decide(policy, { tool: "docker_logs", levels: ["read"], resources: [resource] });
    expect(d.allowed).toBe(allowed);
    if (!allowed) expect(d.reasons.map((r) => r.code)).toEqual(["image_blacklisted"]);
    // Listings judge rows the same way.
    expect(visible(policy, "container", [resource]).length).toBe(allowed ? 1 : 0);
  });

  it("refuses image names it cannot read (fail closed)", () => {
    for (const images of ["evil/x:1", [1, "good/app:1"], { 0: "evil/x:1" }, [null]]) {
      const resources = [{ kind: "container", names: ["web"], image: "good/app:1", images }];
      const d = decide(policy, { tool: "docker_logs", levels: ["read"], resources } as never);
      expect(d.allowed, JSON.stringify(images)).toBe(false);
      expect(d.reasons.map((r) => r.code)).toEqual(["invalid_request"]);
    }
  });
});

type ImageRow = [string, string[], boolean, string[]];
const imageCases: ImageRow[] = [
  ["one whitelisted tag", ["good/app:1", ID], true, []],
  ["whitelisted and unlisted tags: one vetted name vouches", ["other/app:1", "good/app:1", ID], true, []],
  ["only unlisted tags", ["other/app:1", ID], false, ["not_whitelisted"]],
  ["only its ID", [ID], false, ["not_whitelisted"]],
  ["a blacklisted tag beside a whitelisted one", ["good/app:1", "good/debug:latest"], false, ["blacklisted"]],
  ["the blacklisted tag in another form", ["good/app:1", "docker.io/good/debug"], false, ["blacklisted"]],
  ["no names at all", [], false, ["unnamed"]],
];

describe("an image resource is all its names", () => {
  it.each(imageCases)("%s", (_name, names, allowed, codes) => {
    const d = decide(whitelisted, {
      tool: "docker_image_rm",
      levels: ["images"],
      resources: [{ kind: "image", names, id: ID }],
    });
    expect(d.reasons.filter((r) => r.code !== "level_off").map((r) => r.code)).toEqual(codes);
    if (allowed) expect(d.reasons.some((r) => r.code === "level_off")).toBe(true);
  });

  it("the blacklisted ID denies the image however it is tagged", () => {
    const d = decide(policy, {
      tool: "docker_image_rm",
      levels: ["read"],
      resources: [{ kind: "image", names: ["good/app:1", ID], id: ID }],
    });
    expect(d.reasons.map((r) => r.code)).toEqual(["blacklisted"]);
  });
});

// A registry host is a case-insensitive DNS name: Docker pulls LOCALHOST:5000/vault from the registry
// at localhost:5000 and lists it under that spelling. Every spelling is the same image for the lists.
describe("registry hosts match in any case", () => {
  const lists = loadPolicy({
    permissions: {
      blacklist_images: ["localhost:5000/vault*", "Registry.Example.com/secret:*", "*.INTERNAL/*"],
    },
  });
  const spellings: [string, boolean][] = [
    ["localhost:5000/vault:1", false],
    ["LOCALHOST:5000/vault:1", false],
    ["Localhost:5000/vault-2:latest", false],
    ["LocalHost:5000/vault@sha256:" + "a".repeat(64), false],
    ["registry.example.com/secret:1", false],
    ["REGISTRY.EXAMPLE.COM/secret:1", false],
    ["registry.example.COM/secret:2", false],
    ["git.internal/x:1", false],
    ["GIT.Internal/x:1", false],
    ["localhost:5001/vault:1", true],
    ["registry.example.com/public:1", true],
    ["vault:1", true],
  ];
  it.each(spellings)("%s (allowed: %s)", (name, allowed) => {
    const d = decide(lists, {
      tool: "docker_image_inspect",
      levels: ["read"],
      resources: [{ kind: "image", names: [name] }],
    });
    expect(d.allowed).toBe(allowed);
  });

  it("admits through a whitelist in any case, and a tag stays case-sensitive", () => {
    const white = loadPolicy({ permissions: { whitelist_images: ["LOCALHOST:5000/app:V1"] } });
    const judge = (name: string) =>
      decide(white, {
        tool: "docker_image_inspect",
        levels: ["read"],
        resources: [{ kind: "image", names: [name] }],
      }).allowed;
    expect(judge("localhost:5000/app:V1")).toBe(true);
    expect(judge("localhost:5000/app:v1")).toBe(false);
  });
});

// One image by every spelling Docker reads as the same name, and by its content: a blacklisted tag holds
// for an image that carries it whatever name the call used (a digest, another spelling of the registry).
describe("a blacklisted tag holds for its image under every spelling and by digest", () => {
  const DIGEST = `sha256:${"1".repeat(64)}`;
  const spellings = [
    "vault:1",
    "library/vault:1",
    "docker.io/vault:1",
    "docker.io/library/vault:1",
    "index.docker.io/library/vault:1",
    "registry-1.docker.io/library/vault:1",
    "Docker.IO/library/vault:1",
  ];
  // The image as the resolver gives it: pulled by digest, it also carries the tag it has on this daemon.
  const asResolved = (tagged: string) => [`docker.io/library/vault@${DIGEST}`, tagged];
  for (const pattern of spellings) {
    for (const tagged of spellings) {
      it(`blacklist "${pattern}" vs an image named by digest that carries "${tagged}"`, () => {
        const p = loadPolicy({ permissions: { blacklist_images: [pattern] } });
        const d = decide(p, {
          tool: "docker_pull",
          levels: ["read"],
          resources: [{ kind: "image", names: asResolved(tagged) }],
        });
        expect(d.allowed).toBe(false);
        expect(d.reasons[0]?.code).toBe("blacklisted");
      });
    }
  }
  it("without the tag on the daemon, the digest alone is another name: blacklist the repository", () => {
    const byTag = loadPolicy({ permissions: { blacklist_images: ["vault:1"] } });
    const byRepo = loadPolicy({ permissions: { blacklist_images: ["vault"] } });
    const image = { kind: "image", names: [`vault@${DIGEST}`] };
    expect(decide(byTag, { tool: "t", levels: ["read"], resources: [image] }).allowed).toBe(true);
    expect(decide(byRepo, { tool: "t", levels: ["read"], resources: [image] }).allowed).toBe(false);
  });
  it("two spellings of one registry that Docker keeps apart stay apart", () => {
    const p = loadPolicy({ permissions: { blacklist_images: ["localhost:5000/vault"] } });
    const judge = (name: string) =>
      decide(p, { tool: "t", levels: ["read"], resources: [{ kind: "image", names: [name] }] }).allowed;
    expect(judge("localhost:5000/vault:1")).toBe(false);
    expect(judge("LOCALHOST:5000/vault:1")).toBe(false);
    expect(judge("127.0.0.1:5000/vault:1")).toBe(true);
    expect(judge("localhost/vault:1")).toBe(true);
    expect(judge("[::1]:5000/vault:1")).toBe(true);
  });
});
