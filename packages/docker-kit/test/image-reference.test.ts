import { describe, expect, it } from "vitest";
import { parseReference } from "../src/image-reference.js";

describe("parseReference", () => {
  it.each([
    ["nginx", "nginx", "latest", undefined],
    ["nginx:1.27", "nginx", "1.27", undefined],
    ["myorg/app", "myorg/app", "latest", undefined],
    ["127.0.0.1:5000/docker-mcp-test/app-x1:v1", "127.0.0.1:5000/docker-mcp-test/app-x1", "v1", undefined],
    ["localhost:5000/a_b/c.d", "localhost:5000/a_b/c.d", "latest", undefined],
    [`app@sha256:${"a".repeat(64)}`, "app", undefined, `sha256:${"a".repeat(64)}`],
  ])("%s", (text, repository, tag, digest) => {
    const parsed = parseReference(text);
    expect(parsed?.repository).toBe(repository);
    expect(parsed?.tag).toBe(tag);
    expect(parsed?.digest).toBe(digest);
  });

  it.each([
    "",
    "UPPER/case",
    "a b",
    "-x",
    "x:",
    `sha256:${"a".repeat(64)}`,
    "a".repeat(64),
    "x:tag:more",
    "/x",
  ])("refuses %j", (text) => expect(parseReference(text)).toBeUndefined());
});
