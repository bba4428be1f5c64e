import {
  docker,
  ensureBusyboxImage,
  ensureDaemon,
  type Fixture,
  RUN_ID,
  removeFixtures,
  runFixture,
  TEST_LABEL,
  TEST_RUN_LABEL,
} from "@arktechnwa/docker-mcp-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Connected, call, connect, text, writeConfig } from "./harness.js";

// Everything here is named with the run id and labeled with it, and removed at the end.
const net = `dmcp-net-${RUN_ID}`;
const made = `dmcp-made-${RUN_ID}`;
const secretNet = `dmcp-secret-net-${RUN_ID}`;
const vol = `dmcp-vol-${RUN_ID}`;
const newVol = `dmcp-newvol-${RUN_ID}`;
const secretVol = `dmcp-secret-vol-${RUN_ID}`;
const labels = { [TEST_LABEL]: "1", [TEST_RUN_LABEL]: RUN_ID };
const labelArgs = ["--label", `${TEST_LABEL}=1`, "--label", `${TEST_RUN_LABEL}=${RUN_ID}`];

let server: Connected;
let netId: string;
let secretNetId: string;
let user: Fixture;
let hiddenUser: Fixture;
let roamer: Fixture;

type Item = { status: string; message: string; name?: string };
const results = (r: { structuredContent?: unknown }) => (r.structuredContent as { results: Item[] }).results;
const exists = (kind: "network" | "volume", name: string) =>
  docker([kind, "inspect", name]).then(
    () => true,
    () => false,
  );

beforeAll(async () => {
  await ensureDaemon();
  await ensureBusyboxImage();
  netId = await docker(["network", "create", ...labelArgs, net]);
  secretNetId = await docker(["network", "create", ...labelArgs, secretNet]);
  await docker(["volume", "create", ...labelArgs, vol]);
  await docker(["volume", "create", ...labelArgs, secretVol]);
  // One container the caller may see and one the policy hides use the volume and the network.
  user = await runFixture({ name: "vol-user", extraArgs: ["-v", `${vol}:/data`, "--network", net] });
  hiddenUser = await runFixture({
    name: "secret-user",
    extraArgs: ["-v", `${vol}:/data`, "--network", net],
  });
  roamer = await runFixture({ name: "roamer" });
  const config = writeConfig({
    permissions: {
      read: true,
      networks: true,
      volumes: true,
      system: true,
      blacklist_networks: ["dmcp-secret-*"],
      blacklist_volumes: ["dmcp-secret-*"],
      blacklist_containers: ["secret-user-*"],
    },
  });
  server = await connect(["--config", config]);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await removeFixtures();
  const nets = await docker(["network", "ls", "-q", "--filter", `label=${TEST_RUN_LABEL}=${RUN_ID}`]);
  const vols = await docker(["volume", "ls", "-q", "--filter", `label=${TEST_RUN_LABEL}=${RUN_ID}`]);
  if (nets) await docker(["network", "rm", ...nets.split("\n")]).catch(() => {});
  if (vols) await docker(["volume", "rm", ...vols.split("\n")]).catch(() => {});
}, 60_000);

describe("networks", () => {
  it("lists networks, leaving out (and counting) the ones the policy hides", async () => {
    const all = await call(server.client, "docker_networks");
    expect(all.isError).toBeFalsy();
    const out = all.structuredContent as { networks: { name: string; id: string }[]; hidden: number };
    expect(out.networks.find((n) => n.name === net)?.id).toBe(netId.slice(0, 12));
    expect(out.networks.some((n) => n.name === secretNet)).toBe(false);
    expect(out.hidden).toBeGreaterThanOrEqual(1);
    expect(text(all)).not.toContain(secretNet);

    const filtered = await call(server.client, "docker_networks", { filter: { name: `dmcp-*-${RUN_ID}` } });
    const rows = (filtered.structuredContent as { networks: { name: string }[]; hidden?: number }).networks;
    expect(rows.map((n) => n.name)).toEqual([net]);
    expect((filtered.structuredContent as { hidden?: number }).hidden).toBeUndefined();
  });

  it("inspects a network by name or ID prefix: subnet and the attached containers the caller may see", async () => {
    for (const ref of [net, netId.slice(0, 10), netId]) {
      const result = await call(server.client, "docker_network_inspect", { network: ref });
      expect(result.isError, ref).toBeFalsy();
      const out = result.structuredContent as {
        network: { id: string; subnets: { subnet: string }[] };
        containers: { name: string; ipv4: string; running: boolean }[];
        hidden_containers: number;
      };
      expect(out.network.id).toBe(netId);
      expect(out.network.subnets[0]?.subnet).toMatch(/\/\d+$/);
      expect(out.containers.map((c) => c.name)).toEqual([user.name]);
      expect(out.containers[0]?.running).toBe(true);
      expect(out.containers[0]?.ipv4).toMatch(/^\d+\.\d+\.\d+\.\d+\//);
      expect(out.hidden_containers).toBe(1);
      expect(text(result)).not.toContain(hiddenUser.name);
    }
  });

  it("holds the network blacklist by name, full ID and ID prefix, in reads and actions", async () => {
    for (const ref of [secretNet, secretNetId, secretNetId.slice(0, 12)]) {
      const inspect = await call(server.client, "docker_network_inspect", { network: ref });
      expect(inspect.isError, ref).toBe(true);
      expect(text(inspect)).toMatch(/blacklist_networks/);
      const remove = await call(server.client, "docker_network_remove", { networks: ref });
      expect(remove.isError, ref).toBe(true);
      expect(results(remove)[0]?.status).toBe("denied");
      const connectIt = await call(server.client, "docker_network_connect", {
        network: ref,
        container: roamer.name,
      });
      expect(connectIt.isError, ref).toBe(true);
    }
    expect(await exists("network", secretNet)).toBe(true);
    const create = await call(server.client, "docker_network_create", { name: `dmcp-secret-new-${RUN_ID}` });
    expect(create.isError).toBe(true);
    expect(await exists("network", `dmcp-secret-new-${RUN_ID}`)).toBe(false);
  });

  it("creates a network, connects and disconnects a container, and removes it", async () => {
    const create = await call(server.client, "docker_network_create", { name: made, internal: true, labels });
    expect(create.isError, text(create)).toBeFalsy();
    expect(results(create)[0]).toMatchObject({ status: "done", name: made });
    const created = create.structuredContent as { network: { id: string; subnets: string[] } };
    expect(created.network.subnets.length).toBe(1);
    const onDaemon = JSON.parse(await docker(["network", "inspect", made]))[0];
    expect(onDaemon.Internal).toBe(true);
    expect(onDaemon.Labels["dev.arktechnwa.docker-mcp.created-by"]).toBe("docker-mcp");

    const again = await call(server.client, "docker_network_create", { name: made, labels });
    expect(again.isError).toBe(true);
    expect(results(again)[0]?.message).toMatch(/already exists/);

    const joined = await call(server.client, "docker_network_connect", {
      network: made,
      container: roamer.name,
      aliases: ["roamer-alias"],
    });
    expect(joined.isError, text(joined)).toBeFalsy();
    expect(results(joined)[0]?.status).toBe("done");
    const attached = await docker(["inspect", "--format", `{{json .NetworkSettings.Networks}}`, roamer.id]);
    expect(Object.keys(JSON.parse(attached))).toContain(made);
    const twice = await call(server.client, "docker_network_connect", {
      network: made,
      container: roamer.id,
    });
    expect(results(twice)[0]?.status).toBe("unchanged");

    // Removing it while a container is attached is refused, naming that container.
    const busy = await call(server.client, "docker_network_remove", { networks: made });
    expect(busy.isError).toBe(true);
    expect(results(busy)[0]?.status).toBe("failed");
    expect(results(busy)[0]?.message).toContain(roamer.name);

    const left = await call(server.client, "docker_network_disconnect", {
      network: made,
      container: roamer.name,
    });
    expect(left.isError, text(left)).toBeFalsy();
    expect(results(left)[0]?.status).toBe("done");
    const notThere = await call(server.client, "docker_network_disconnect", {
      network: made,
      container: roamer.name,
    });
    expect(results(notThere)[0]?.status).toBe("unchanged");

    const removed = await call(server.client, "docker_network_remove", {
      networks: [made, `${made}-absent`],
    });
    expect(removed.isError).toBeFalsy();
    expect(results(removed).map((r) => r.status)).toEqual(["done", "not_found"]);
    expect(await exists("network", made)).toBe(false);
  });

  it("judges the container of a connect too: a hidden container is denied", async () => {
    const denied = await call(server.client, "docker_network_connect", {
      network: net,
      container: hiddenUser.id,
    });
    expect(denied.isError).toBe(true);
    expect(text(denied)).toMatch(/blacklist_containers/);
  });

  it("names the containers it may show when a network in use cannot be removed", async () => {
    const busy = await call(server.client, "docker_network_remove", { networks: net });
    expect(busy.isError).toBe(true);
    const message = results(busy)[0]?.message ?? "";
    expect(message).toContain(user.name);
    expect(message).toContain("1 container the policy hides");
    expect(message).not.toContain(hiddenUser.name);
    expect(message).not.toContain(hiddenUser.id.slice(0, 12));
  });
});

describe("volumes", () => {
  it("lists volumes with who uses them, hiding blacklisted volumes and containers", async () => {
    const result = await call(server.client, "docker_volumes", {
      filter: { name: `-${RUN_ID}` },
      size: true,
    });
    expect(result.isError).toBeFalsy();
    const out = result.structuredContent as {
      volumes: { name: string; used_by: string[]; used_by_hidden: number; size_bytes?: number }[];
    };
    expect(out.volumes.map((v) => v.name)).toEqual([vol]);
    expect(out.volumes[0]).toMatchObject({ used_by: [user.name], used_by_hidden: 1 });
    expect(out.volumes[0]?.size_bytes).toBeGreaterThanOrEqual(0);
    expect(text(result)).not.toContain(secretVol);
    expect(text(result)).not.toContain(hiddenUser.name);

    const unfiltered = await call(server.client, "docker_volumes");
    expect((unfiltered.structuredContent as { hidden: number }).hidden).toBeGreaterThanOrEqual(1);
  });

  it("inspects a volume with its size and users; a blacklisted one is denied, a name prefix is not found", async () => {
    await docker(["exec", user.id, "sh", "-c", "head -c 300000 /dev/zero > /data/blob"]);
    const result = await call(server.client, "docker_volume_inspect", { volume: vol });
    expect(result.isError).toBeFalsy();
    const out = result.structuredContent as { used_by: string[]; used_by_hidden: number; size_bytes: number };
    expect(out.used_by).toEqual([user.name]);
    expect(out.used_by_hidden).toBe(1);
    expect(out.size_bytes).toBeGreaterThanOrEqual(300_000);

    const denied = await call(server.client, "docker_volume_inspect", { volume: secretVol });
    expect(denied.isError).toBe(true);
    expect(text(denied)).toMatch(/blacklist_volumes/);
    const prefix = await call(server.client, "docker_volume_inspect", { volume: secretVol.slice(0, -3) });
    expect(prefix.isError).toBe(true);
    expect(text(prefix)).toMatch(/No volume named/);
  });

  it("creates a volume (once), and removes it", async () => {
    const create = await call(server.client, "docker_volume_create", { name: newVol, labels });
    expect(create.isError, text(create)).toBeFalsy();
    expect(results(create)[0]?.status).toBe("done");
    const again = await call(server.client, "docker_volume_create", { name: newVol, labels });
    expect(results(again)[0]?.status).toBe("unchanged");
    const labelsOnDaemon = JSON.parse(
      await docker(["volume", "inspect", "--format", "{{json .Labels}}", newVol]),
    );
    expect(labelsOnDaemon["dev.arktechnwa.docker-mcp.created-by"]).toBe("docker-mcp");

    const denied = await call(server.client, "docker_volume_create", {
      name: `dmcp-secret-x-${RUN_ID}`,
      labels,
    });
    expect(denied.isError).toBe(true);
    expect(await exists("volume", `dmcp-secret-x-${RUN_ID}`)).toBe(false);

    const removed = await call(server.client, "docker_volume_remove", { volumes: newVol });
    expect(removed.isError, text(removed)).toBeFalsy();
    expect(results(removed)[0]?.status).toBe("done");
    expect(await exists("volume", newVol)).toBe(false);
  });

  it("refuses a volume whose local driver options bind or mount a host path, and creates a tmpfs one", async () => {
    // Each would be a "named volume" that is really the host path: judged as a bind by create_safety.
    const attacks: [string, Record<string, string>, RegExp][] = [
      ["etc", { type: "none", o: "bind", device: "/etc" }, /host path \/etc is refused/],
      ["root", { type: "none", o: "rbind,ro", device: "/" }, /host path \/ is refused/],
      ["sock", { type: "none", o: "bind", device: "/var/run/docker.sock" }, /docker\.sock is refused/],
      ["slashes", { type: "none", o: "bind", device: "//etc/./" }, /host path \/etc is refused/],
      ["disk", { type: "ext4", device: "/dev/sda1" }, /host path \/dev\/sda1 is refused/],
      ["dotdot", { type: "none", o: "bind", device: "/tmp/../etc" }, /contains '\.\.'/],
      ["relative", { type: "none", o: "bind", device: "etc" }, /must be an absolute path/],
      ["nodevice", { type: "none", o: "bind" }, /give no device.*fails closed/],
      // Options the rules do not know fail closed, whatever the local driver would make of them.
      [
        "unknown",
        { type: "none", o: "bind", device: "/srv", mountpoint: "/etc" },
        /'mountpoint' cannot be judged/,
      ],
      // A plugin's options are the plugin's to interpret: trusted only when listed.
      ["plugin", { sshcmd: "me@example.com:/etc" }, /allowed_volume_drivers/],
    ];
    for (const [what, driver_opts, why] of attacks) {
      const name = `dmcp-bindvol-${what}-${RUN_ID}`;
      const r = await call(server.client, "docker_volume_create", {
        name,
        driver_opts,
        labels,
        ...(what === "plugin" ? { driver: "vieux/sshfs" } : {}),
      });
      expect(r.isError, `${what}: ${text(r)}`).toBe(true);
      expect(text(r), what).toMatch(why);
      expect(await exists("volume", name), what).toBe(false);
    }
    const tmpfs = `dmcp-tmpfsvol-${RUN_ID}`;
    const ok = await call(server.client, "docker_volume_create", {
      name: tmpfs,
      driver_opts: { type: "tmpfs", device: "tmpfs", o: "size=1m" },
      labels,
    });
    expect(ok.isError, text(ok)).toBeFalsy();
    expect(await exists("volume", tmpfs)).toBe(true);
  });

  it("refuses to remove a volume in use, naming the containers the caller may see", async () => {
    const busy = await call(server.client, "docker_volume_remove", { volumes: [vol, secretVol] });
    expect(busy.isError).toBe(true);
    const [inUse, hidden] = results(busy);
    expect(inUse?.status).toBe("failed");
    expect(inUse?.message).toContain(`in use by ${user.name} and 1 container the policy hides`);
    expect(hidden?.status).toBe("denied");
    const all = text(busy);
    expect(all).not.toContain(hiddenUser.name);
    expect(all).not.toContain(hiddenUser.id.slice(0, 12));
    expect(await exists("volume", vol)).toBe(true);
    expect(await exists("volume", secretVol)).toBe(true);
  });
});

describe("system", () => {
  it("docker_system_df says what uses the disk, leaving out what the policy hides", async () => {
    const result = await call(server.client, "docker_system_df", { top: 50 });
    expect(result.isError, text(result)).toBeFalsy();
    const out = result.structuredContent as {
      images: { count: number; size_bytes: number };
      volumes: { count: number; hidden: number };
      containers: { count: number; hidden: number };
      build_cache: { size_bytes: number };
      total_bytes: number;
      largest: { volumes: { name: string }[] };
    };
    expect(out.images.count).toBeGreaterThanOrEqual(1);
    expect(out.images.size_bytes).toBeGreaterThan(0);
    expect(out.volumes.hidden).toBeGreaterThanOrEqual(1);
    expect(out.containers.hidden).toBeGreaterThanOrEqual(1);
    expect(out.total_bytes).toBeGreaterThanOrEqual(out.images.size_bytes);
    expect(text(result)).toMatch(/images .* in \d+/);
    expect(JSON.stringify(result.structuredContent)).not.toContain(secretVol);
    expect(JSON.stringify(result.structuredContent)).not.toContain(hiddenUser.name);
  });

  it("docker_system_info describes the daemon", async () => {
    const result = await call(server.client, "docker_system_info");
    expect(result.isError, text(result)).toBeFalsy();
    const out = result.structuredContent as {
      server_version: string;
      cpus: number;
      containers: { total: number };
    };
    expect(out.server_version).toMatch(/^\d+\./);
    expect(out.cpus).toBeGreaterThan(0);
    expect(out.containers.total).toBeGreaterThanOrEqual(3);
  });

  it("docker_events reads a bounded window and leaves out events about hidden resources", async () => {
    const shown = `dmcp-evt-${RUN_ID}`;
    const hidden = `dmcp-secret-evt-${RUN_ID}`;
    await docker(["network", "create", ...labelArgs, shown]);
    await docker(["network", "create", ...labelArgs, hidden]);
    const started = Date.now();
    const result = await call(server.client, "docker_events", {
      since: "2m",
      filters: { type: ["network"], event: ["create"] },
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.isError, text(result)).toBeFalsy();
    const out = result.structuredContent as { events: { name?: string; action: string }[]; hidden?: number };
    expect(out.events.some((e) => e.name === shown && e.action === "create")).toBe(true);
    expect(JSON.stringify(out)).not.toContain(hidden);
    // Under a filter, no count: it would tell that a hidden network of that kind had events.
    expect(out.hidden).toBeUndefined();
    const unfiltered = await call(server.client, "docker_events", { since: "2m", limit: 1000 });
    const all = unfiltered.structuredContent as { events: { name?: string }[]; hidden?: number };
    expect(all.events.some((e) => e.name === shown)).toBe(true);
    expect(JSON.stringify(all)).not.toContain(hidden);
    expect(all.hidden).toBeGreaterThanOrEqual(1);

    // A short future bound is waited for, then the call ends; a far one is refused.
    const until = new Date(Date.now() + 2_000).toISOString();
    const waited = Date.now();
    const future = await call(server.client, "docker_events", { since: "5s", until });
    expect(future.isError, text(future)).toBeFalsy();
    expect(Date.now() - waited).toBeGreaterThanOrEqual(1_000);
    expect(Date.now() - waited).toBeLessThan(10_000);
    const open = await call(server.client, "docker_events", {
      until: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(open.isError).toBe(true);
    expect(text(open)).toMatch(/bounded window/);
  });
});

describe("the README's example policy for networks and volumes", () => {
  it("networks only for myapp-*, every volume but *-db-data, no system tools", async () => {
    // The README's example, scoped to this run so it never touches anyone else's networks or volumes.
    const example = await connect([
      "--config",
      writeConfig({
        permissions: {
          networks: true,
          volumes: true,
          whitelist_networks: [`myapp-${RUN_ID}-*`],
          blacklist_volumes: [`*-${RUN_ID}-db-data`],
        },
      }),
    ]);
    try {
      const names = (await example.client.listTools()).tools.map((t) => t.name);
      expect(names).toEqual(expect.arrayContaining(["docker_network_create", "docker_volume_remove"]));
      expect(names).not.toContain("docker_system_info");
      expect(names).not.toContain("docker_system_prune");
      expect(names).not.toContain("docker_events");

      const mine = `myapp-${RUN_ID}-net`;
      const ok = await call(example.client, "docker_network_create", { name: mine, labels });
      expect(ok.isError, text(ok)).toBeFalsy();
      const other = await call(example.client, "docker_network_create", { name: `other-${RUN_ID}`, labels });
      expect(other.isError).toBe(true);
      expect(text(other)).toMatch(/whitelist_networks/);
      const listed = await call(example.client, "docker_networks");
      const rows = (listed.structuredContent as { networks: { name: string }[] }).networks.map((n) => n.name);
      expect(rows).toEqual([mine]);
      const bridge = await call(example.client, "docker_network_inspect", { network: "bridge" });
      expect(bridge.isError).toBe(true);
      const removed = await call(example.client, "docker_network_remove", { networks: mine });
      expect(results(removed)[0]?.status).toBe("done");

      const data = await call(example.client, "docker_volume_create", {
        name: `app-${RUN_ID}-db-data`,
        labels,
      });
      expect(data.isError).toBe(true);
      expect(text(data)).toMatch(/blacklist_volumes/);
    } finally {
      await example.close();
    }
  });
});
