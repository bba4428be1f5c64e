import { decide } from "@arktechnwa/mcp-policy";
import { describe, expect, it } from "vitest";
import { ConfigError, resolveConfig } from "../src/index.js";

function issues(doc: unknown): string {
  try {
    resolveConfig(doc, "/etc/docker-mcp.json", false);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error("expected a ConfigError");
}

describe("hosts in the config", () => {
  const doc = {
    permissions: { read: true, lifecycle: true, blacklist_containers: ["vault"] },
    hosts: {
      laptop: { socket: "/var/run/docker.sock" },
      prod: {
        host: "ssh://deploy@prod",
        default: true,
        policy: { permissions: { lifecycle: false, blacklist_containers: ["vault", "db-*"] } },
      },
      staging: { context: "staging" },
    },
  };

  it("puts the default host first and merges each host's overrides onto the base policy", () => {
    const c = resolveConfig(doc, "/etc/docker-mcp.json", false);
    expect(c.hosts.map((h) => h.name)).toEqual(["prod", "laptop", "staging"]);
    const prod = c.hosts[0]?.policy;
    const laptop = c.hosts[1]?.policy;
    if (!prod || !laptop) throw new Error("hosts missing");
    // prod: read-only, and a list written on the host replaces the base list.
    expect(decide(prod, { tool: "docker_stop", levels: ["lifecycle"] }).allowed).toBe(false);
    expect(decide(prod, { tool: "docker_ps", levels: ["read"] }).allowed).toBe(true);
    const db = {
      tool: "docker_inspect",
      levels: ["read"],
      resources: [{ kind: "container", names: ["db-main"] }],
    };
    expect(decide(prod, db).allowed).toBe(false);
    expect(decide(laptop, db).allowed).toBe(true);
    expect(decide(laptop, { tool: "docker_stop", levels: ["lifecycle"] }).allowed).toBe(true);
    expect(c.hosts[2]).toMatchObject({ name: "staging", context: "staging" });
    expect(c.hosts[0]).toMatchObject({ host: "ssh://deploy@prod" });
  });

  it("validates a host's overrides with the policy's own schema, naming the host", () => {
    expect(
      issues({ hosts: { prod: { host: "tcp://h:2376", policy: { permissions: { raed: true } } } } }),
    ).toMatch(/hosts\.prod\.policy\.permissions/);
  });

  it("refuses two places for one host, two defaults, a bad name and an unknown scheme", () => {
    expect(issues({ hosts: { a: { socket: "/s", context: "c" } } })).toMatch(
      /one of socket, host or context/,
    );
    expect(
      issues({ hosts: { a: { socket: "/s", default: true }, b: { socket: "/t", default: true } } }),
    ).toMatch(/only one host may be the default/);
    expect(issues({ hosts: { "a b": { socket: "/s" } } })).toMatch(/host name/);
    expect(issues({ hosts: { a: { host: "ftp://x" } } })).toMatch(
      /must start with unix:\/\/, tcp:\/\/, ssh:\/\//,
    );
  });

  it("without hosts there are none named: one host from docker and the environment", () => {
    expect(resolveConfig({}, undefined, false).hosts).toEqual([]);
  });
});

describe("docker.host", () => {
  it("takes ssh:// like DOCKER_HOST", () => {
    expect(resolveConfig({ docker: { host: "ssh://me@box" } }, undefined, false).docker.host).toBe(
      "ssh://me@box",
    );
  });
});
