import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProcessRegistry } from "@arktechnwa/docker-mcp-process";
import { type CreateRequest, decide, loadPolicy } from "@arktechnwa/mcp-policy";
import { afterAll, describe, expect, it } from "vitest";
import {
  detectCompose,
  featuresOf,
  normalizeProjectName,
  parseComposeConfig,
  parseComposeVersion,
  planProject,
  progressMessage,
  selectServices,
} from "../src/index.js";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

describe("compose versions", () => {
  it.each([
    ["1.29.2", [1, 29, 2]],
    ["v2.29.7", [2, 29, 7]],
    ["2.40.3-desktop.1", [2, 40, 3]],
    ["5.0.1\n", [5, 0, 1]],
    ["docker-compose version 1.25.0, build unknown", [1, 25, 0]],
  ])("reads %j", (text, [major, minor, patch]) => {
    expect(parseComposeVersion(text)).toMatchObject({ major, minor, patch });
  });

  it("finds no version in other output", () => {
    expect(parseComposeVersion("docker: 'compose' is not a docker command.")).toBeUndefined();
  });

  it("chooses behavior by version, not by binary name", () => {
    const v = (t: string) =>
      featuresOf(parseComposeVersion(t) as NonNullable<ReturnType<typeof parseComposeVersion>>);
    expect(v("1.29.2")).toMatchObject({
      separator: "_",
      psJson: "none",
      configJson: false,
      upWait: false,
      ansiNever: true,
    });
    expect(v("1.27.4").ansiNever).toBe(false);
    expect(v("1.29.2").envFile).toBe(true);
    expect(v("1.24.1").envFile).toBe(false);
    expect(v("2.0.1")).toMatchObject({
      separator: "-",
      psJson: "array",
      upWait: false,
      downWithoutFile: true,
    });
    expect(v("2.1.1").upWait).toBe(true);
    expect(v("2.20.3")).toMatchObject({
      psJson: "array",
      progressFlag: true,
      progressJson: false,
      configJson: false,
    });
    expect(v("2.21.0").psJson).toBe("lines");
    expect(v("2.26.0").configJson).toBe(true);
    expect(v("2.29.0")).toMatchObject({ progressJson: true, waitTimeout: true });
    expect(v("5.0.0")).toMatchObject({
      separator: "-",
      psJson: "lines",
      configJson: true,
      progressJson: true,
    });
  });
});

describe("detecting the CLI", () => {
  const dir = mkdtempSync(join(tmpdir(), "docker-mcp-compose-shim-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const shim = (name: string, script: string) => {
    const path = join(dir, name);
    writeFileSync(path, `#!/bin/sh\n${script}\n`);
    chmodSync(path, 0o755);
    return path;
  };
  const registry = new ProcessRegistry();
  const signal = new AbortController().signal;

  it("prefers the docker CLI plugin and keeps its version", async () => {
    const docker = shim(
      "docker-v2",
      `[ "$1 $2 $3" = "compose version --short" ] && echo 2.29.7 && exit 0; exit 1`,
    );
    const cli = await detectCompose([[docker, "compose"], ["docker-compose"]], process.env, signal, registry);
    expect(cli.command).toEqual([docker, "compose"]);
    expect(cli.version.text).toBe("2.29.7");
    expect(cli.features.configJson).toBe(true);
    expect(cli.describe).toBe(`${docker} compose 2.29.7`);
  });

  it("falls back to a standalone docker-compose, judged by its version (v2 here)", async () => {
    const docker = shim("docker-none", `echo "docker: 'compose' is not a docker command." >&2; exit 1`);
    const standalone = shim("docker-compose-v2", `[ "$1 $2" = "version --short" ] && echo v2.20.2`);
    const cli = await detectCompose([[docker, "compose"], [standalone]], process.env, signal, registry);
    expect(cli.command).toEqual([standalone]);
    expect(cli.features).toMatchObject({ separator: "-", psJson: "array", configJson: false });
  });

  it("finds the real docker-compose v1 of this machine", async () => {
    const cli = await detectCompose(
      [["docker-mcp-no-docker", "compose"], ["docker-compose"]],
      process.env,
      signal,
      registry,
    );
    expect(cli.version.major).toBe(1);
    expect(cli.features.separator).toBe("_");
  });

  it("says what was tried and what to install when neither answers", async () => {
    const docker = shim("docker-broken", `echo "unknown command" >&2; exit 2`);
    const error = await detectCompose(
      [[docker, "compose"], ["docker-mcp-no-compose"]],
      process.env,
      signal,
      registry,
    ).then(
      () => new Error("detected") as Error & { code?: string },
      (e: unknown) => e as Error & { code?: string },
    );
    expect(error.code).toBe("compose_unavailable");
    expect(error.message).toMatch(/did not answer with a version \(unknown command\)/);
    expect(error.message).toMatch(/`docker-mcp-no-compose` is not installed/);
    expect(error.message).toMatch(/docker-compose-plugin/);
  });
});

describe("the resolved model, v2 JSON and v1 YAML", () => {
  it("plans a v2 project: generated names with '-', replicas, volumes, networks, file secrets, binds", () => {
    const model = parseComposeConfig(fixture("v2-config.json"), "json");
    expect(model.name).toBe("shop");
    const { selected, unknown } = selectServices(model, ["web"]);
    expect(unknown).toEqual([]);
    expect(selected).toEqual(["db", "web"]); // web depends on db
    const cli = featuresOf(
      parseComposeVersion("2.29.7") as NonNullable<ReturnType<typeof parseComposeVersion>>,
    );
    const plan = planProject(model, "shop", cli, selected);
    const web = plan.plans.find((p) => p.service === "web");
    const db = plan.plans.find((p) => p.service === "db");
    expect(web?.containerNames).toEqual(["shop-web-1", "shop-web-2"]);
    expect(web?.image).toBe("shop-web");
    expect(web?.buildContext).toBe("/srv/shop/web");
    expect(web?.create.mounts?.map((m) => [m.type, m.source, m.target])).toEqual([
      ["bind", "/var/run/docker.sock", "/var/run/docker.sock"],
      ["bind", "/srv/shop/secrets/api_key.txt", "/run/secrets/api_key"],
    ]);
    expect(web?.create.capAdd).toEqual(["NET_ADMIN"]);
    expect(web?.networks.sort()).toEqual(["shop_backend", "shop_default"]);
    expect(db?.volumes).toEqual(["shop_pgdata"]);
    expect(db?.containerNames).toEqual(["shop-db-1"]);
    expect(model.services.find((s) => s.name === "db")?.environment["POSTGRES_PASSWORD"]).toBe(
      "s3cr3t-from-dotenv",
    );
  });

  it("plans a v1 project recorded from docker-compose 1.29.2: '_' names, scale, host network, short volume strings", () => {
    const model = parseComposeConfig(fixture("v1-config.yaml"), "yaml");
    expect(model.name).toBeUndefined();
    const v1 = featuresOf(
      parseComposeVersion("1.29.2") as NonNullable<ReturnType<typeof parseComposeVersion>>,
    );
    const plan = planProject(model, "legacy", v1, selectServices(model, undefined).selected);
    const db = plan.plans.find((p) => p.service === "db");
    const web = plan.plans.find((p) => p.service === "web");
    expect(db?.containerNames).toEqual(["legacy_db_1", "legacy_db_2"]);
    expect(db?.create.networkMode).toBe("host");
    expect(db?.networks).toEqual([]);
    expect(db?.image).toBe("legacy_db");
    expect(web?.create.privileged).toBe(true);
    expect(web?.create.mounts?.map((m) => [m.type, m.source, m.target])).toEqual([
      ["volume", "data", "/data"],
      ["bind", "/srv/legacy/sub", "/sub"],
      ["bind", "/var/run/docker.sock", "/var/run/docker.sock"],
    ]);
    expect(web?.volumes).toEqual(["legacy_data"]);
    expect(web?.networks).toEqual(["legacy_default"]);
    expect(web?.problems).toEqual([]);
  });

  it("refuses what it cannot judge instead of guessing", () => {
    const model = parseComposeConfig(
      JSON.stringify({
        services: {
          x: { image: "a", volumes: ["./rel:/in", { type: "cluster", source: "s", target: "/t" }] },
        },
      }),
      "json",
    );
    const plan = planProject(model, "p", featuresOf({ major: 2, minor: 30, patch: 0, text: "2.30.0" }), [
      "x",
    ]);
    expect(plan.plans[0]?.problems).toHaveLength(2);
  });

  it("plans what else a service asks of the host: cgroup namespace and parent, sysctls, runtime, GPUs, external links", () => {
    const v2 = featuresOf({ major: 2, minor: 30, patch: 0, text: "2.30.0" });
    const model = parseComposeConfig(
      JSON.stringify({
        name: "p",
        services: {
          all: {
            image: "a",
            cgroup: "host",
            cgroup_parent: "system.slice",
            sysctls: { "net.core.somaxconn": "1024", "net.ipv4.ip_forward": 1 },
            runtime: "nvidia",
            gpus: [{ driver: "nvidia", count: -1 }],
            deploy: {
              resources: {
                reservations: { devices: [{ capabilities: ["gpu"], driver: "nvidia", count: 1 }] },
              },
            },
            external_links: ["vault:db", "other"],
          },
          listed: { image: "a", sysctls: ["kernel.shmmax=1"], gpus: "all" },
          plain: { image: "a", cgroup: "private", runtime: "runc" },
        },
      }),
      "json",
    );
    const plan = planProject(model, "p", v2, ["all", "listed", "plain"]);
    const of = (name: string) => plan.plans.find((p) => p.service === name);
    expect(of("all")?.create).toMatchObject({
      cgroupnsMode: "host",
      cgroupParent: "system.slice",
      sysctls: ["net.core.somaxconn=1024", "net.ipv4.ip_forward=1"],
      runtime: "nvidia",
      deviceRequests: ["nvidia count=-1", "nvidia gpu count=1"],
    });
    expect(of("all")?.joins).toEqual(["vault", "other"]);
    expect(of("listed")?.create).toMatchObject({
      sysctls: ["kernel.shmmax=1"],
      deviceRequests: ["gpus all"],
    });
    expect(of("plain")?.create).toMatchObject({ cgroupnsMode: "private", runtime: "runc" });
    expect(of("plain")?.create.deviceRequests).toBeUndefined();

    // Judged by the policy as docker_create's settings are: each refused by default, with its switch.
    const judge = (service: string, createSafety: Record<string, unknown> = {}) =>
      decide(loadPolicy({ permissions: { create: true }, create_safety: createSafety }), {
        tool: "docker_compose_up",
        levels: ["create"],
        create: of(service)?.create as CreateRequest,
      });
    const refused = judge("all");
    expect(refused.allowed).toBe(false);
    const text = refused.reasons.map((r) => r.message).join("\n");
    for (const key of [
      "allow_host_cgroupns",
      "allow_cgroup_parent",
      "allow_sysctls",
      "allowed_runtimes",
      "allow_device_requests",
    ])
      expect(text).toContain(`create_safety.${key}`);
    expect(judge("plain").allowed).toBe(true);
    expect(
      judge("all", {
        allow_host_cgroupns: true,
        allow_cgroup_parent: true,
        allow_sysctls: ["net.*"],
        allowed_runtimes: ["nvidia"],
        allow_device_requests: true,
      }).allowed,
    ).toBe(true);
    expect(judge("listed", { allow_sysctls: ["net.*"], allow_device_requests: true }).allowed).toBe(false);
  });

  it("judges what newer compose versions add: the API socket, privileged hooks, provider services", () => {
    const model = parseComposeConfig(
      JSON.stringify({
        services: {
          sock: { image: "a", use_api_socket: true },
          hook: { image: "a", post_start: [{ command: ["sh"], privileged: true, user: "root" }] },
          stophook: { image: "a", pre_stop: [{ command: ["sh"], privileged: true }] },
          plainhook: { image: "a", post_start: [{ command: ["sh"] }] },
          prov: { provider: { type: "model", options: { model: "x" } } },
        },
      }),
      "json",
    );
    const plan = planProject(model, "p", featuresOf({ major: 2, minor: 36, patch: 0, text: "2.36.0" }), [
      "hook",
      "plainhook",
      "prov",
      "sock",
      "stophook",
    ]);
    const of = (name: string) => plan.plans.find((p) => p.service === name);
    expect(of("sock")?.create.mounts).toEqual([
      {
        type: "bind",
        source: "/var/run/docker.sock",
        target: "/var/run/docker.sock",
        readOnly: false,
        options: [],
      },
    ]);
    expect(of("hook")?.create.privileged).toBe(true);
    expect(of("stophook")?.create.privileged).toBe(true);
    expect(of("plainhook")?.create.privileged).toBe(false);
    expect(of("prov")?.problems).toEqual([
      "it is run by a provider plugin on the host, which docker-mcp cannot judge",
    ]);
    const judge = (service: string) =>
      decide(loadPolicy({ permissions: { create: true } }), {
        tool: "docker_compose_up",
        levels: ["create"],
        create: of(service)?.create as CreateRequest,
      });
    expect(
      judge("sock")
        .reasons.map((r) => r.message)
        .join(" "),
    ).toMatch(/docker\.sock.*blocked_bind_mounts/);
    expect(
      judge("hook")
        .reasons.map((r) => r.message)
        .join(" "),
    ).toMatch(/allow_privileged/);
    expect(judge("plainhook").allowed).toBe(true);
  });

  it("judges a project volume of a plugin driver with options by allowed_volume_drivers", () => {
    const model = parseComposeConfig(
      JSON.stringify({
        services: { x: { image: "a", volumes: [{ type: "volume", source: "d", target: "/d" }] } },
        volumes: {
          d: { driver: "sshfs", driver_opts: { sshcmd: "me@host:/" } },
          odd: { driver: "local", driver_opts: { foo: "bar" } },
        },
      }),
      "json",
    );
    const plan = planProject(model, "p", featuresOf({ major: 2, minor: 30, patch: 0, text: "2.30.0" }), [
      "x",
    ]);
    expect(plan.volumeDrivers).toEqual([{ volume: "p_d", driver: "sshfs" }]);
    expect(plan.volumeProblems).toEqual([
      "volume p_odd: the volume's local driver option 'foo' cannot be judged (known: type, o, device, size)",
    ]);
    expect(plan.plans[0]?.volumeUses).toEqual([{ name: "p_d", target: "/d" }]);
  });

  it("reports a model it cannot read with a way forward", () => {
    expect(() => parseComposeConfig("services: [", "yaml")).toThrow(/cannot read/);
    expect(() => parseComposeConfig("{}", "json")).toThrow(/no services/);
  });

  it("names a project from its directory the way compose does", () => {
    expect(normalizeProjectName("My App.v2")).toBe("myappv2");
    expect(normalizeProjectName("_web-1")).toBe("web-1");
  });
});

describe("progress lines", () => {
  it("turns v2.29+ JSON progress into short messages and passes text through", () => {
    const lines = fixture("v2-progress.jsonl").trim().split("\n");
    expect(lines.map(progressMessage)).toEqual([
      "Network shop_default Creating",
      "Network shop_default Created",
      "Container shop-web-1 Starting",
      "Container shop-web-1 Started",
      "dependency failed to start: container shop-db-1 is unhealthy",
    ]);
    expect(progressMessage("Creating legacy_web_1 ... done")).toBe("Creating legacy_web_1 ... done");
    expect(progressMessage("   ")).toBeUndefined();
  });
});
