import { describe, expect, it } from "vitest";
import { dockerfileImages } from "../src/dockerfile-images.js";

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
