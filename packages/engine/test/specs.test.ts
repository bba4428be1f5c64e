import { describe, expect, it } from "vitest";
import { createBody, EngineError, parsePortSpec, parseVolumeSpec } from "../src/index.js";

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

describe("parseVolumeSpec", () => {
  it.each([
    ["/host:/ctr", { type: "bind", source: "/host", target: "/ctr", readOnly: false, options: [] }],
    ["/host/:/ctr:ro", { type: "bind", source: "/host", target: "/ctr", readOnly: true, options: ["ro"] }],
    ["/etc/../:/x:rw,z", { type: "bind", source: "/", target: "/x", readOnly: false, options: ["rw", "z"] }],
    [
      "/etc/./:/host-etc:ro",
      { type: "bind", source: "/etc", target: "/host-etc", readOnly: true, options: ["ro"] },
    ],
    ["//srv//x/:/x", { type: "bind", source: "/srv/x", target: "/x", readOnly: false, options: [] }],
    ["data:/data", { type: "volume", source: "data", target: "/data", readOnly: false, options: [] }],
    [
      "my_vol.1:/data:ro,nocopy",
      { type: "volume", source: "my_vol.1", target: "/data", readOnly: true, options: ["ro", "nocopy"] },
    ],
    ["/cache", { type: "anonymous", target: "/cache", readOnly: false, options: [] }],
  ])("%s", (spec, expected) => {
    expect(parseVolumeSpec(spec)).toEqual(expected);
  });

  it.each([
    "",
    "relative",
    "./x:/x",
    "~/x:/x",
    "/a:rel",
    "/a:/",
    "/a:/b:bogus",
    "/a:/b:ro,rw",
    "a:b:c:d",
    "bad name:/x",
  ])("rejects %j as INVALID", (spec) => {
    expect(() => parseVolumeSpec(spec)).toThrow(/Invalid volume/);
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
        volumes: ["/srv/www:/usr/share/nginx/html:ro", "logs:/var/log/nginx", "/cache"],
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
