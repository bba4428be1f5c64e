import { describe, expect, it } from "vitest";
import { dockerfileImages, triggerImages } from "../src/dockerfile-images.js";

const refs = (text: string, args?: Record<string, string>) =>
  dockerfileImages(text, args).images.map((i) => i.reference);

describe("dockerfileImages", () => {
  it("finds FROM images and skips scratch and stage names", () => {
    const text = [
      "# syntax=docker/dockerfile:1",
      "FROM --platform=linux/amd64 golang:1.22 AS build",
      "RUN go build",
      "FROM scratch",
      "COPY --from=build /app /app",
      "FROM build AS again",
      "COPY --from=0 /x /x",
      "COPY --from=nginx:1.27 /etc/nginx /etc/nginx",
      "RUN --mount=type=bind,from=vault:1,target=/v true",
    ].join("\n");
    expect(refs(text)).toEqual(["golang:1.22", "nginx:1.27", "vault:1"]);
  });

  it("records a FROM's --platform, substituted where its variable has a value", () => {
    const text = [
      "ARG ARCH=arm64",
      "FROM --platform=linux/amd64 a:1",
      "FROM --platform=linux/${ARCH} b:1",
      "FROM --platform=$BUILDPLATFORM c:1",
      "FROM d:1",
    ].join("\n");
    expect(dockerfileImages(text).images.map((i) => [i.reference, i.platform])).toEqual([
      ["a:1", "linux/amd64"],
      ["b:1", "linux/arm64"],
      ["c:1", undefined],
      ["d:1", undefined],
    ]);
  });

  it("substitutes build args and ARG defaults, and reports what stays unknown", () => {
    const text = [
      "ARG BASE=busybox",
      "ARG TAG",
      "FROM ${BASE}:${TAG:-latest}",
      "FROM $REGISTRY/app",
      "ARG SRC",
      "COPY --from=${SRC} / /",
    ].join("\n");
    expect(refs(text)).toEqual(["busybox:latest"]);
    expect(refs(text, { BASE: "vault", TAG: "2" })).toEqual(["vault:2"]);
    const result = dockerfileImages(text, { REGISTRY: "x" });
    expect(result.unknown.map((u) => u.line)).toEqual([4, 6]);
    // A build arg only counts where an ARG declares it.
    expect(dockerfileImages("FROM $REGISTRY/app", { REGISTRY: "evil" }).unknown).toHaveLength(1);
  });

  it("joins continued lines, ignores comments and keeps line numbers", () => {
    const text = [
      "",
      "FROM \\",
      "  # a comment",
      "  alpine:3 \\",
      "  AS base",
      "COPY \\",
      "  --from=redis:7 / /",
    ].join("\n");
    expect(dockerfileImages(text).images).toEqual([
      { reference: "alpine:3", line: 2, instruction: "FROM" },
      { reference: "redis:7", line: 6, instruction: "COPY --from" },
    ]);
  });

  it("is case-insensitive on instructions", () => {
    expect(refs("from alpine:3 as a\ncopy --from=a / /")).toEqual(["alpine:3"]);
  });
});

// What the builder reads is what is judged: each of these makes the builder use vault:1 (or names an
// image this parser cannot read plainly); none may pass as "no image" or as another image.
describe("dockerfileImages: forms the builder rewrites", () => {
  const hidden: [string, string][] = [
    ["double quotes", 'FROM "vault:1"\nLABEL a=1'],
    ["single quotes", "FROM 'vault:1'\nLABEL a=1"],
    ["quotes in the middle", "FROM va'ul't:1"],
    ["a backslash escape", "FROM va\\ult:1"],
    ["an escape of the colon", "FROM vault\\:1"],
    ["a substitution this parser does not know", "ARG X=vault:1x\nFROM ${X%x}"],
    ["a pattern substitution", "ARG X=vault:1\nFROM ${X/a/a}"],
    ["an error substitution", "ARG X=vault:1\nFROM ${X:?unset}"],
    ["an ARG that names another ARG", "ARG A=vault:1\nARG B=$A\nFROM $B"],
    ["COPY --from in quotes", 'FROM scratch\nCOPY --from="vault:1" / /'],
    ["COPY --from with an escape", "FROM scratch\nCOPY --from=vau\\lt:1 / /"],
    ["RUN --mount from with quotes", "FROM busybox\nRUN --mount=type=bind,from='vault:1',target=/v true"],
    ["an upper-case path", "FROM Vault:1"],
  ];
  it.each(hidden)("judges vault:1 or refuses %s as unknown", (_name, text) => {
    const result = dockerfileImages(text);
    const plain = result.images.map((i) => i.reference);
    expect(plain.filter((r) => r !== "vault:1" && r !== "busybox")).toEqual([]);
    expect(plain.includes("vault:1") || result.unknown.length > 0).toBe(true);
  });

  const backtick: [string, string][] = [
    ["escape directive", "# escape=`\nFROM scratch\nWORKDIR /a\\\nFROM vault:1\nLABEL a=1"],
    ["upper-case directive with spaces", "#  ESCAPE = `\nFROM scratch\nLABEL a=b\\\nCOPY --from=vault:1 / /"],
    [
      "directive after another",
      "# syntax=docker/dockerfile:1\n# escape=`\nFROM scratch\nENV X=y\\\nFROM vault:1",
    ],
    ["directive after a blank line", "\n# escape=`\nFROM scratch\nWORKDIR /a\\\nFROM vault:1"],
    ["backtick continuation hiding nothing", "# escape=`\nFROM scratch\nRUN echo `\n  hi\nFROM vault:1"],
  ];
  it.each(backtick)("finds the image under an %s", (_name, text) => {
    expect(refs(text)).toContain("vault:1");
  });

  it("skips empty lines inside a continuation, as the builder does", () => {
    expect(refs("FROM busybox\nRUN echo \\\n\nfrom vault:1\nLABEL a=1")).toEqual(["busybox"]);
    // ... but an instruction on the next logical line is still found.
    expect(refs("FROM busybox \\\n\n  AS b\nCOPY --from=vault:1 / /")).toEqual(["busybox", "vault:1"]);
  });

  it("judges ONBUILD triggers of the Dockerfile, and those a base image carries", () => {
    expect(refs("FROM busybox\nONBUILD COPY --from=vault:1 / /")).toEqual(["busybox", "vault:1"]);
    expect(refs("FROM busybox\nonbuild RUN --mount=from=vault:1,target=/v true")).toEqual([
      "busybox",
      "vault:1",
    ]);
    expect(triggerImages(["COPY --from=vault:1 /s /s", "RUN true"]).images.map((i) => i.reference)).toEqual([
      "vault:1",
    ]);
    expect(triggerImages(["COPY --from=va\\ult:1 /s /s"]).unknown).toHaveLength(1);
  });

  it("does not take a name the builder refuses as a stage for a stage", () => {
    expect(refs("FROM busybox AS 127.0.0.1:5000/vault\nFROM 127.0.0.1:5000/vault")).toEqual([
      "busybox",
      "127.0.0.1:5000/vault",
    ]);
  });

  it("still reads image IDs and plain references", () => {
    const id = "a".repeat(64);
    expect(refs(`FROM sha256:${id}\nFROM ${id}\nFROM 127.0.0.1:5000/app@sha256:${"b".repeat(64)}`)).toEqual([
      `sha256:${id}`,
      id,
      `127.0.0.1:5000/app@sha256:${"b".repeat(64)}`,
    ]);
  });
});
