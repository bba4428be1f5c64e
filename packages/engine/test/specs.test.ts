import { describe, expect, it } from "vitest";
import { createBody, EngineError, parsePortSpec, volumeBinds } from "../src/index.js";

describe("parsePortSpec", () => {
  it.each([
    ["80", [{ containerPort: 80, protocol: "tcp", hostPort: "" }]],
    ["80/udp", [{ containerPort: 80, protocol: "udp", hostPort: "" }]],
    ["8080:80", [{ containerPort: 80, protocol: "tcp", hostPort: "8080" }]],
    ["8080:80/tcp", [{ containerPort: 80, protocol: "tcp", hostPort: "8080" }]],
    ["127.0.0.1:8080:80", [{ containerPort: 80, protocol: "tcp", hostPort: "8080", hostIp: "127.0.0.1" }]],
    ["127.0.0.1::80/udp", [{ containerPort: 80, protocol: "udp", hostPort: "", hostIp: "127.0.0.1" }]],
    ["[::1]:8080:80", [{ containerPort: 80, protocol: "tcp", hostPort: "8080", hostIp: "::1" }]],
    [
      "8080-8081:80-81",
      [
        { containerPort: 80, protocol: "tcp", hostPort: "8080" },
        { containerPort: 81, protocol: "tcp", hostPort: "8081" },
      ],
    ],
    ["8000-8010:80", [{ containerPort: 80, protocol: "tcp", hostPort: "8000-8010" }]],
  ])("%s", (spec, expected) => {
    expect(parsePortSpec(spec)).toEqual(expected);
  });

  it.each(["", "abc", "0", "70000", "80/icmp", "1:2:3:4", "8080-8082:80-81", "90-80", "host:80:80"])(
    "rejects %j as INVALID with the accepted forms",
    (spec) => {
      const error = (() => {
        try {
          parsePortSpec(spec);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(EngineError);
      expect(error).toMatchObject({
        code: "INVALID",
        message: expect.stringMatching(/Invalid port.*8080:80\/tcp/),
      });
    },
  );
});

describe("volumeBinds (mounts are sent as parsed, never parsed again)", () => {
  const bind = (source: string, target: string, options: string[] = []) =>
    ({ type: "bind", source, target, readOnly: options.includes("ro"), options }) as const;

  it("serializes binds, named and anonymous volumes", () => {
    expect(
      volumeBinds([
        bind("/srv/www", "/html", ["ro"]),
        { type: "volume", source: "logs", target: "/var/log", readOnly: false, options: [] },
        { type: "anonymous", target: "/cache", readOnly: false, options: [] },
        { type: "volume", source: "data", target: "/d", readOnly: true, options: [] },
      ]),
    ).toEqual({
      binds: ["/srv/www:/html:ro", "logs:/var/log", "data:/d:ro"],
      anonymous: { "/cache": {} },
    });
  });

  it.each([
    [" /etc", "/h"],
    ["\t/var/run/docker.sock", "/s"],
    ["\n/", "/host"],
    ["/etc\u00a0", "/h"],
    ["/a:b", "/h"],
    ["etc", "/h"],
    ["", "/h"],
    ["/etc", "h"],
    ["/etc", "/h "],
  ])("refuses the unclean bind %j -> %j instead of sending it", (source, target) => {
    expect(() => volumeBinds([bind(source, target)])).toThrow(/Invalid mount/);
  });

  it("refuses a volume named like a path and an unknown type", () => {
    expect(() =>
      volumeBinds([{ type: "volume", source: "/etc", target: "/h", readOnly: false, options: [] }]),
    ).toThrow(/is a path/);
    expect(() =>
      volumeBinds([{ type: "tmpfs" as "bind", source: "/etc", target: "/h", readOnly: false, options: [] }]),
    ).toThrow(/unknown type/);
  });
});

describe("createBody", () => {
  it("translates a docker-run-like spec", () => {
    expect(
      createBody({
        image: "nginx:1",
        name: "web",
        cmd: ["nginx", "-g", "daemon off;"],
        env: ["A=1"],
        ports: ["127.0.0.1:8080:80", "53/udp"],
        mounts: [
          {
            type: "bind",
            source: "/srv/www",
            target: "/usr/share/nginx/html",
            readOnly: true,
            options: ["ro"],
          },
          { type: "volume", source: "logs", target: "/var/log/nginx", readOnly: false, options: [] },
          { type: "anonymous", target: "/cache", readOnly: false, options: [] },
        ],
        labels: { app: "web" },
        restart: "unless-stopped",
        memoryBytes: 64 * 1024 * 1024,
        nanoCpus: 500_000_000,
        network: "bridge",
        privileged: false,
        pidMode: "host",
        capAdd: ["NET_ADMIN"],
      }),
    ).toEqual({
      Image: "nginx:1",
      Cmd: ["nginx", "-g", "daemon off;"],
      Env: ["A=1"],
      Labels: { app: "web" },
      ExposedPorts: { "80/tcp": {}, "53/udp": {} },
      Volumes: { "/cache": {} },
      HostConfig: {
        Binds: ["/srv/www:/usr/share/nginx/html:ro", "logs:/var/log/nginx"],
        PortBindings: {
          "80/tcp": [{ HostIp: "127.0.0.1", HostPort: "8080" }],
          "53/udp": [{ HostIp: "", HostPort: "" }],
        },
        RestartPolicy: { Name: "unless-stopped" },
        Memory: 67108864,
        NanoCpus: 500000000,
        NetworkMode: "bridge",
        Privileged: false,
        PidMode: "host",
        CapAdd: ["NET_ADMIN"],
      },
    });
  });
});
