import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUSYBOX_IMAGE, type PrivateDaemon, startPrivateDaemon } from "@arktechnwa/docker-mcp-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./cli-run.js";
import { type Connected, call, connect, text, writeConfig } from "./harness.js";

// Volumes that are binds of /etc, /dev or /, and containers in the host's network namespace, are made
// here on a daemon of this test's own: nothing of them ever reaches the shared daemon.
let daemon: PrivateDaemon;
let server: Connected;
let dir: string;
let projects: string;
let vaultId = "";
let plainId = "";
let config = "";

const exists = (kind: "container" | "volume", name: string) =>
  daemon.docker([kind, "inspect", name]).then(
    () => true,
    () => false,
  );
const volumeCreate = (name: string, opts: Record<string, string>) =>
  daemon.docker(["volume", "create", ...Object.entries(opts).flatMap(([k, v]) => ["-o", `${k}=${v}`]), name]);
const run = (name: string, args: string[] = []) =>
  daemon.docker(["run", "-d", "--name", name, ...args, BUSYBOX_IMAGE, "sleep", "3600"]);

beforeAll(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), "docker-mcp-mounts-")));
  projects = join(dir, "projects");
  mkdirSync(projects);
  mkdirSync(join(dir, "data"));
  symlinkSync("/etc", join(dir, "etc-link"));
  daemon = await startPrivateDaemon();
  // Made outside docker-mcp, as anyone with the docker CLI could.
  await volumeCreate("etcvol", { type: "none", o: "bind", device: "/etc" });
  await volumeCreate("rootvol", { type: "none", o: "bind", device: "/" });
  await volumeCreate("diskvol", { type: "ext4", device: "/dev/sda1" });
  await volumeCreate("linkvol", { type: "none", o: "bind", device: join(dir, "etc-link") });
  await volumeCreate("overlayvol", {
    type: "overlay",
    device: "overlay",
    o: `lowerdir=/etc,upperdir=${join(dir, "up")},workdir=${join(dir, "work")}`,
  });
  await volumeCreate("okvol", { type: "none", o: "bind", device: join(dir, "data") });
  await volumeCreate("tmpvol", { type: "tmpfs", device: "tmpfs", o: "size=1m" });
  await volumeCreate("shopx_data", { type: "none", o: "bind", device: "/etc" });
  await run("hostnet", ["--network", "host"]);
  await run("chain", ["--network", "container:hostnet"]);
  // Longer chains: chain5 reaches the host's network through five containers that each join another's.
  for (const n of [2, 3, 4, 5])
    await run(`chain${n}`, ["--network", `container:chain${n === 2 ? "" : n - 1}`]);
  vaultId = (await run("vault")).trim();
  plainId = (await run("plain")).trim();
  await run("holder", ["-v", "etcvol:/held:ro"]);
  config = writeConfig({
    docker: { host: daemon.host },
    permissions: { create: true, lifecycle: true, blacklist_containers: ["vault"] },
    compose_safety: { allowed_directories: [projects] },
  });
  server = await connect(["--config", config]);
}, 180_000);

afterAll(async () => {
  await server?.close();
  // Every container here is this daemon's own; killed first, so its stop does not wait on each one.
  const ids = daemon ? (await daemon.docker(["ps", "-aq"]).catch(() => "")).split(/\s+/).filter(Boolean) : [];
  if (ids.length > 0) await daemon.docker(["rm", "-f", ...ids]).catch(() => undefined);
  await daemon?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe("docker_create judges a named volume by its record on the daemon", () => {
  const refused: [string, string, RegExp][] = [
    ["a bind of /etc", "etcvol:/data", /Binding host path \/etc is refused.*blocked_bind_mounts/],
    ["a bind of /etc, read-only", "etcvol:/data:ro", /host path \/etc is refused/],
    ["a bind of /", "rootvol:/r", /host path \/ is refused/],
    ["a host disk", "diskvol:/d", /host path \/dev\/sda1 is refused/],
    ["a bind of a symlink to /etc", "linkvol:/l", /a symlink to \/etc/],
    ["an overlay whose lower directory is /etc", "overlayvol:/o", /host path \/etc is refused/],
  ];
  it.each(refused)("refuses %s and creates nothing", async (what, volume, why) => {
    const name = `c-${volume.split(":")[0]}-${volume.length}`;
    const r = await call(server.client, "docker_create", { image: BUSYBOX_IMAGE, name, volumes: [volume] });
    expect(r.isError, what).toBe(true);
    expect(text(r)).toMatch(why);
    expect(await exists("container", name)).toBe(false);
  });

  it("says so in policy explain, which resolves the volume on the daemon as a call does (exit 1)", async () => {
    const args = JSON.stringify({ image: BUSYBOX_IMAGE, name: "explained", volumes: ["etcvol:/data"] });
    const run = await runCli([
      "policy",
      "explain",
      "docker_create",
      "--args",
      args,
      "--config",
      config,
      "--json",
    ]);
    expect(run.code, run.stderr).toBe(1);
    const [e] = JSON.parse(run.stdout) as {
      allowed: boolean;
      targets: { kind: string; ref: string }[];
      decision: { reasons: { code: string; message: string }[] };
    }[];
    expect(e?.allowed).toBe(false);
    expect(e?.targets).toContainEqual(expect.objectContaining({ kind: "volume", ref: "etcvol" }));
    expect(e?.decision.reasons).toContainEqual(
      expect.objectContaining({
        code: "create_unsafe",
        message: expect.stringMatching(/host path \/etc is refused/),
      }),
    );
    const ok = JSON.stringify({
      image: BUSYBOX_IMAGE,
      name: "explained",
      volumes: ["okvol:/data", "notyet:/n"],
    });
    const allowed = await runCli(["policy", "explain", "docker_create", "--args", ok, "--config", config]);
    expect(allowed.code, allowed.stdout + allowed.stderr).toBe(0);
    expect(await exists("volume", "notyet")).toBe(false);
  });

  it("mounts a volume whose record binds an allowed path, and a tmpfs volume", async () => {
    const r = await call(server.client, "docker_create", {
      image: BUSYBOX_IMAGE,
      name: "uses-ok",
      volumes: ["okvol:/d", "tmpvol:/t"],
    });
    expect(r.isError, text(r)).toBeFalsy();
    expect(await exists("container", "uses-ok")).toBe(true);
  });

  it("creates a volume that does not exist yet itself, with no driver options, and mounts that one", async () => {
    const r = await call(server.client, "docker_create", {
      image: BUSYBOX_IMAGE,
      name: "uses-new",
      volumes: ["brandnew:/n"],
    });
    expect(r.isError, text(r)).toBeFalsy();
    const volume = JSON.parse(await daemon.docker(["volume", "inspect", "brandnew"]))[0];
    expect(volume.Driver).toBe("local");
    expect(volume.Options ?? {}).toEqual({});
    expect(volume.Labels["dev.arktechnwa.docker-mcp.created-by"]).toBe("docker-mcp");
    const mounts = JSON.parse(await daemon.docker(["inspect", "uses-new"]))[0].Mounts;
    expect(mounts).toMatchObject([{ Type: "volume", Name: "brandnew", Destination: "/n" }]);
  });
});

describe("docker_create judges joining another container's network as acting on it", () => {
  it("refuses container:X where X runs in the host's network, directly or through a chain", async () => {
    for (const x of ["hostnet", "chain"]) {
      const r = await call(server.client, "docker_create", {
        image: BUSYBOX_IMAGE,
        name: `joins-${x}`,
        network: `container:${x}`,
      });
      expect(r.isError, x).toBe(true);
      expect(text(r)).toMatch(/Network mode 'host' is refused.*allow_host_network/);
      expect(await exists("container", `joins-${x}`)).toBe(false);
    }
  });

  it("refuses a chain it follows to its end in the host's network, and one too long to follow", async () => {
    const create = (x: string) =>
      call(server.client, "docker_create", {
        image: BUSYBOX_IMAGE,
        name: `joins-${x}`,
        network: `container:${x}`,
      });
    const followed = await create("chain4");
    expect(followed.isError).toBe(true);
    expect(text(followed)).toMatch(/Network mode 'host' is refused/);
    const tooLong = await create("chain5");
    expect(tooLong.isError).toBe(true);
    expect(text(tooLong)).toMatch(/through more than 5 containers that join another's is refused/);
    for (const x of ["chain4", "chain5"]) expect(await exists("container", `joins-${x}`)).toBe(false);
  });

  it("refuses a blacklisted X by name, /name, ID prefix and full ID", async () => {
    for (const ref of ["vault", "/vault", vaultId.slice(0, 6), vaultId]) {
      const r = await call(server.client, "docker_create", {
        image: BUSYBOX_IMAGE,
        name: "joins-vault",
        network: `container:${ref}`,
      });
      expect(r.isError, ref).toBe(true);
      expect(text(r)).toMatch(/blacklist_containers/);
      expect(await exists("container", "joins-vault")).toBe(false);
    }
  });

  it("joins an allowed X by the full ID it judged", async () => {
    const r = await call(server.client, "docker_create", {
      image: BUSYBOX_IMAGE,
      name: "joins-plain",
      network: "container:plain",
    });
    expect(r.isError, text(r)).toBeFalsy();
    const mode = await daemon.docker(["inspect", "--format", "{{.HostConfig.NetworkMode}}", "joins-plain"]);
    expect(mode.trim()).toBe(`container:${plainId}`);
  });
});

describe("docker_compose_up judges what its services mount and join, with the real compose CLI", () => {
  const up = async (project: string, body: string) => {
    const path = join(projects, project);
    mkdirSync(path, { recursive: true });
    const file = join(path, "docker-compose.yml");
    writeFileSync(file, body);
    return call(server.client, "docker_compose_up", { file, project });
  };
  const svc = (extra: string) => `  app:\n    image: ${BUSYBOX_IMAGE}\n${extra}`;
  const refused: [string, string, RegExp][] = [
    [
      "an external volume that is a bind of /etc",
      `version: "2.4"\nservices:\n${svc('    volumes: ["etcvol:/x"]\n')}volumes:\n  etcvol:\n    external: true\n`,
      /host path \/etc is refused/,
    ],
    [
      "a project volume someone created beforehand as a bind of /etc",
      `version: "2.4"\nservices:\n${svc('    volumes: ["data:/x"]\n')}volumes:\n  data: {}\n`,
      /host path \/etc is refused/,
    ],
    [
      "volumes_from a container that mounts such a volume",
      `version: "2.4"\nservices:\n${svc('    volumes_from: ["container:holder"]\n')}`,
      /host path \/etc is refused/,
    ],
    [
      "network_mode container:X where X uses the host's network",
      `version: "2.4"\nservices:\n${svc('    network_mode: "container:chain"\n')}`,
      /Network mode 'host' is refused/,
    ],
    [
      "pid container:X where X is blacklisted",
      `version: "2.4"\nservices:\n${svc('    pid: "container:vault"\n')}`,
      /blacklist_containers/,
    ],
    [
      "external_links to a blacklisted container",
      `version: "2.4"\nservices:\n${svc('    network_mode: bridge\n    external_links: ["vault:db"]\n')}`,
      /blacklist_containers/,
    ],
    [
      "sysctls",
      `version: "2.4"\nservices:\n${svc("    sysctls:\n      net.ipv4.ip_unprivileged_port_start: 0\n")}`,
      /net\.ipv4\.ip_unprivileged_port_start is refused.*allow_sysctls/,
    ],
    [
      "cgroup_parent",
      `version: "2.4"\nservices:\n${svc("    cgroup_parent: system.slice\n")}`,
      /allow_cgroup_parent/,
    ],
    [
      "another runtime",
      `version: "2.4"\nservices:\n${svc("    runtime: runsc\n")}`,
      /Runtime 'runsc' is refused.*allowed_runtimes/,
    ],
    [
      "a GPU reservation",
      `services:\n${svc("    deploy:\n      resources:\n        reservations:\n          devices:\n            - driver: nvidia\n              count: 1\n              capabilities: [gpu]\n")}`,
      /allow_device_requests/,
    ],
  ];
  it.each(refused)("refuses %s and runs nothing", async (what, body, why) => {
    const project = `shop${refused.findIndex(([w]) => w === what)}`;
    // The project volume case needs the name someone took beforehand.
    const name = what.startsWith("a project volume") ? "shopx" : project;
    const r = await up(name, body);
    expect(r.isError, `${what}: ${text(r)}`).toBe(true);
    expect(text(r)).toMatch(why);
    expect(text(r)).toMatch(/nothing was run/);
    const left = await daemon.docker(["ps", "-aq", "--filter", `label=com.docker.compose.project=${name}`]);
    expect(left.trim(), what).toBe("");
  });

  it("runs a plain project whose new volume it judged", async () => {
    // On the daemon's own bridge: a project network would need an address pool, and the shared
    // machine's networks may leave none free.
    const r = await up(
      "fine",
      `version: "2.4"\nservices:\n${svc('    network_mode: bridge\n    volumes: ["data:/x"]\n')}volumes:\n  data: {}\n`,
    );
    expect(r.isError, text(r)).toBeFalsy();
    expect(await exists("volume", "fine_data")).toBe(true);
  }, 60_000);
});

describe("policy check", () => {
  it("prints the create_safety switches in effect by their config keys, and none by default", async () => {
    const on = writeConfig({
      create_safety: {
        allow_host_cgroupns: true,
        allow_sysctls: ["net.core.somaxconn"],
        allowed_runtimes: ["runsc"],
        allowed_volume_drivers: ["vieux/sshfs"],
      },
    });
    const run = await runCli(["policy", "check", on]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /create: off; allowed: allow_host_cgroupns, allow_sysctls \(net\.core\.somaxconn\), allowed_runtimes \(runsc\), allowed_volume_drivers \(vieux\/sshfs\);/,
    );
    const none = await runCli(["policy", "check", writeConfig({})]);
    expect(none.stdout).toMatch(
      /allowed: nothing risky \(no privileged, host namespaces, devices or device requests/,
    );
  });
});
