import {
  docker,
  ensureBusyboxImage,
  ensureDaemon,
  type Fixture,
  fixtureName,
  RUN_ID,
  removeFixtures,
  runFixture,
  TEST_RUN_LABEL,
  waitFor,
} from "@arktechnwa/docker-mcp-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Connected, call, connect, text, writeConfig } from "./harness.js";
import { logAnswer } from "./log-answer.js";

const SECRET = "hunter2-Sup3r-secret";
const URL_PASSWORD = "pgpass-0987";

let web: Fixture;
let vault: Fixture;
let exited: Fixture;
let tty: Fixture;
let server: Connected;

beforeAll(async () => {
  await ensureDaemon();
  await ensureBusyboxImage();
  [web, vault, exited, tty] = await Promise.all([
    runFixture({
      name: "web",
      env: { DB_PASSWORD: SECRET, DATABASE_LINK: `postgres://app:${URL_PASSWORD}@db/app`, MODE: "test" },
      labels: { tier: "front" },
      extraArgs: ["--publish", "127.0.0.1::80"],
      script:
        'echo "starting web"; echo "warning: disk low" >&2; i=0; while [ $i -lt 50 ]; do echo "line $i"; i=$((i+1)); done; echo "password is $DB_PASSWORD"; printf "\\033[31mred\\033[0m\\n"; exec sleep 3600',
    }),
    runFixture({ name: "vault", script: "echo vault-log-line; exec sleep 3600" }),
    runFixture({ name: "exited", script: "echo bye; exit 3" }),
    runFixture({ name: "tty", tty: true, script: "echo from-a-tty; exec sleep 3600" }),
  ]);
  await waitFor(
    "the exited fixture to exit",
    async () => (await docker(["inspect", "-f", "{{.State.Status}}", exited.id])) === "exited",
  );
  await waitFor("the web fixture to log", async () =>
    (await docker(["logs", web.id])).includes("password is"),
  );
  const config = writeConfig({
    permissions: { read: true, blacklist_containers: [fixtureName("vault")] },
  });
  server = await connect(["--config", config]);
});

afterAll(async () => {
  await server?.close();
  await removeFixtures();
});

describe("tools/list", () => {
  it("offers only the read tools under a read-only policy, with derived annotations", async () => {
    const { tools } = await server.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      "docker_anomalies",
      "docker_compose_config",
      "docker_compose_logs",
      "docker_compose_ps",
      "docker_diagnose",
      "docker_health",
      "docker_image_inspect",
      "docker_images",
      "docker_inspect",
      "docker_log_patterns",
      "docker_logs",
      "docker_network_inspect",
      "docker_networks",
      "docker_nodes",
      "docker_ps",
      "docker_service_logs",
      "docker_service_tasks",
      "docker_services",
      "docker_stats",
      "docker_system_df",
      "docker_volume_inspect",
      "docker_volumes",
    ]);
    for (const tool of tools) {
      expect(tool.annotations).toMatchObject({
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
      });
      expect(tool.inputSchema.type).toBe("object");
      expect(tool.outputSchema?.type).toBe("object");
    }
  });
});

describe("docker_ps", () => {
  it("lists running containers and hides the blacklisted one", async () => {
    const r = await call(server.client, "docker_ps", { filter: { label: `${TEST_RUN_LABEL}=${RUN_ID}` } });
    expect(r.isError).toBeFalsy();
    const out = r.structuredContent as {
      containers: {
        name: string;
        status: string;
        ports: string[];
        uptime: string | null;
        health: string | null;
        status_icon: string;
      }[];
      summary: string;
      hidden?: number;
    };
    const names = out.containers.map((c) => c.name).sort();
    expect(names).toEqual([web.name, tty.name].sort());
    // Under a filter no hidden count: it would tell which labels or names hidden containers have.
    expect(out.hidden).toBeUndefined();
    expect(out.summary).toBe("2 running containers");
    const w = out.containers.find((c) => c.name === web.name);
    expect(w?.ports[0]).toMatch(/^127\.0\.0\.1:\d+->80\/tcp$/);
    expect(w?.uptime).toMatch(/^\d+[smh]( \d+[smh])?$/);
    expect(w?.status).toBe("running");
    expect(w?.health).toBeNull();
    expect(w?.status_icon).toBe("✓");
    expect(text(r)).not.toContain(vault.name);

    const all = await call(server.client, "docker_ps", {});
    const unfiltered = all.structuredContent as {
      containers: { name: string }[];
      hidden?: number;
      summary: string;
    };
    expect(unfiltered.containers.map((c) => c.name)).not.toContain(vault.name);
    expect(unfiltered.hidden).toBeGreaterThanOrEqual(1);
    expect(unfiltered.summary).toMatch(/hidden by policy/);
  });

  it("a name filter does not reveal whether a hidden container matches", async () => {
    // Named by this run's id: other test files' visible "vault-*" containers must not make the answers differ.
    const hit = await call(server.client, "docker_ps", { filter: { name: fixtureName("vault") } });
    const miss = await call(server.client, "docker_ps", { filter: { name: fixtureName("vaulx") } });
    expect(hit.structuredContent).toEqual(miss.structuredContent);
  });

  it("all=true adds stopped containers with their exit code", async () => {
    const r = await call(server.client, "docker_ps", {
      all: true,
      filter: { label: `${TEST_RUN_LABEL}=${RUN_ID}` },
    });
    const out = r.structuredContent as {
      containers: { name: string; exit_code?: number; status: string; uptime: string | null }[];
      summary: string;
    };
    expect(out.containers.find((c) => c.name === exited.name)).toMatchObject({
      status: "exited",
      exit_code: 3,
      uptime: null,
    });
    expect(out.summary).toBe("2 running, 1 stopped container");
  });

  it("filters by name (substring and wildcard), status and label, and limits", async () => {
    const byName = await call(server.client, "docker_ps", {
      all: true,
      filter: { name: `exited-${RUN_ID}` },
    });
    expect(
      (byName.structuredContent as { containers: { name: string }[] }).containers.map((c) => c.name),
    ).toEqual([exited.name]);
    const wildcard = await call(server.client, "docker_ps", { filter: { name: `w*-${RUN_ID}` } });
    expect(
      (wildcard.structuredContent as { containers: { name: string }[] }).containers.map((c) => c.name),
    ).toEqual([web.name]);
    const byStatus = await call(server.client, "docker_ps", {
      filter: { status: "exited", label: `${TEST_RUN_LABEL}=${RUN_ID}` },
    });
    expect(
      (byStatus.structuredContent as { containers: { name: string }[] }).containers.map((c) => c.name),
    ).toEqual([exited.name]);
    const byLabel = await call(server.client, "docker_ps", { filter: { label: "tier=front" } });
    expect(
      (byLabel.structuredContent as { containers: { name: string }[] }).containers.map((c) => c.name),
    ).toContain(web.name);
    const limited = await call(server.client, "docker_ps", {
      all: true,
      limit: 1,
      filter: { label: `${TEST_RUN_LABEL}=${RUN_ID}` },
    });
    const lo = limited.structuredContent as { containers: unknown[]; truncated: boolean };
    expect(lo.containers).toHaveLength(1);
    expect(lo.truncated).toBe(true);
  });
});

describe("docker_inspect", () => {
  it("returns a section, with secret environment values masked everywhere", async () => {
    const r = await call(server.client, "docker_inspect", { container: web.name, section: "config" });
    expect(r.isError).toBeFalsy();
    const env = (r.structuredContent as { data: { Config: { Env: string[] } } }).data.Config.Env;
    expect(env).toContain("MODE=test");
    expect(env).toContain("DB_PASSWORD=[REDACTED]");
    const all = await call(server.client, "docker_inspect", { container: web.id });
    for (const res of [r, all]) {
      expect(JSON.stringify(res)).not.toContain(SECRET);
      expect(JSON.stringify(res)).not.toContain(URL_PASSWORD);
    }
  });

  it("answers state, network and mounts sections", async () => {
    const state = await call(server.client, "docker_inspect", { container: exited.name, section: "state" });
    expect((state.structuredContent as { data: { State: { ExitCode: number } } }).data.State.ExitCode).toBe(
      3,
    );
    const net = await call(server.client, "docker_inspect", { container: web.name, section: "network" });
    expect(Object.keys((net.structuredContent as { data: Record<string, unknown> }).data)).toContain(
      "NetworkSettings",
    );
    const mounts = await call(server.client, "docker_inspect", { container: web.name, section: "mounts" });
    expect((mounts.structuredContent as { data: { Mounts: unknown[] } }).data.Mounts).toEqual([]);
  });

  it("says clearly when a container does not exist", async () => {
    const r = await call(server.client, "docker_inspect", { container: "no-such-container-xyz" });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/no-such-container-xyz/);
  });
});

describe("docker_logs", () => {
  it("tails, marks stderr, strips ANSI escapes and masks secrets", async () => {
    const r = await call(server.client, "docker_logs", { container: web.name, tail: 5 });
    const out = logAnswer(r);
    expect(out.lines).toHaveLength(5);
    expect(out.lines.map((l) => l.text)).toContain("red");
    expect(JSON.stringify(r)).not.toContain(SECRET);
    expect(JSON.stringify(r)).not.toContain("\u001b");
    const all = await call(server.client, "docker_logs", { container: web.name, tail: "all" });
    const lines = logAnswer(all).lines;
    expect(lines.find((l) => l.text === "warning: disk low")?.stream).toBe("stderr");
    expect(lines.find((l) => l.text === "starting web")?.stream).toBe("stdout");
    expect(text(all)).toContain("[stderr] warning: disk low");
  });

  it("greps while streaming (substring and /regex/)", async () => {
    const r = await call(server.client, "docker_logs", { container: web.name, grep: "line 4" });
    expect(logAnswer(r).lines.map((l) => l.text)).toEqual([
      "line 4",
      ...Array.from({ length: 10 }, (_, i) => `line 4${i}`),
    ]);
    const re = await call(server.client, "docker_logs", { container: web.name, grep: "/^line 1[0-2]$/" });
    expect(logAnswer(re).lines.map((l) => l.text)).toEqual(["line 10", "line 11", "line 12"]);
  });

  it("honors since/until and timestamps", async () => {
    const future = await call(server.client, "docker_logs", {
      container: web.name,
      since: "-0s",
      tail: "all",
    });
    expect(logAnswer(future).lines).toHaveLength(0);
    const past = await call(server.client, "docker_logs", {
      container: web.name,
      since: "-1h",
      until: String(Math.floor(Date.now() / 1000) + 60),
      tail: 1,
      timestamps: true,
    });
    const line = logAnswer(past).lines[0]?.text ?? "";
    expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
    const bad = await call(server.client, "docker_logs", { container: web.name, since: "yesterday-ish" });
    expect(bad.isError).toBe(true);
    expect(text(bad)).toMatch(/RFC 3339/);
  });

  it("reads a TTY container's raw log", async () => {
    const r = await call(server.client, "docker_logs", { container: tty.name });
    expect(logAnswer(r).lines.map((l) => l.text)).toContain("from-a-tty");
  });

  it("refuses duration and max_lines without follow, and until with follow, saying what to do", async () => {
    const r = await call(server.client, "docker_logs", { container: web.name, duration: 5 });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/add follow: true/);
    const u = await call(server.client, "docker_logs", { container: web.name, follow: true, until: "-1m" });
    expect(u.isError).toBe(true);
    expect(text(u)).toMatch(/until does not apply/);
  });
});

describe("docker_stats", () => {
  it("reports one container", async () => {
    const r = await call(server.client, "docker_stats", { container: web.name });
    expect(r.isError).toBeFalsy();
    const row = (
      r.structuredContent as {
        stats: { container: string; memory: string; cpu_percent: number; pids: number }[];
      }
    ).stats[0];
    expect(row?.container).toBe(web.name);
    expect(row?.memory).toMatch(/^[\d.]+[BKMGT] \/ [\d.]+[BKMGT]$/);
    expect(row?.pids).toBeGreaterThanOrEqual(1);
  });

  it("reports every visible running container, never the hidden one", async () => {
    const r = await call(server.client, "docker_stats", {});
    const out = r.structuredContent as { stats: { container: string }[]; hidden: number };
    const names = out.stats.map((c) => c.container);
    expect(names).toContain(web.name);
    expect(names).toContain(tty.name);
    expect(names).not.toContain(vault.name);
    expect(out.hidden).toBeGreaterThanOrEqual(1);
  });
});

describe("policy enforcement", () => {
  it("denies the blacklisted container by name, /name, short ID prefix and full ID on every tool", async () => {
    const refs = [vault.name, `/${vault.name}`, vault.id.slice(0, 12), vault.id.slice(0, 6), vault.id];
    for (const tool of ["docker_inspect", "docker_logs", "docker_stats"]) {
      for (const ref of refs) {
        const r = await call(server.client, tool, { container: ref });
        expect(r.isError, `${tool} ${ref}`).toBe(true);
        expect(text(r)).toMatch(/Denied by policy/);
        expect(text(r)).not.toContain("vault-log-line");
      }
    }
  });

  it("denies a level that is off, naming the key", async () => {
    const r = await call(server.client, "docker_stop", { containers: web.name });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/permissions\.lifecycle/);
    expect(await docker(["inspect", "-f", "{{.State.Status}}", web.id])).toBe("running");
  });

  it("an ambiguous ID prefix does not list the containers behind it", async () => {
    // Create containers until another one of this run shares the first character of the blacklisted
    // one's ID (this run's own, so no other test file can remove it and make the prefix unique again).
    const prefix = vault.id.slice(0, 1);
    for (let i = 0; i < 64; i++) {
      const ids = (await docker(["ps", "-aq", "--no-trunc", "--filter", `label=${TEST_RUN_LABEL}=${RUN_ID}`]))
        .split("\n")
        .filter((id) => id.startsWith(prefix));
      if (ids.length >= 2) break;
      await runFixture({ name: `prefix-${i}`, start: false });
    }
    const r = await call(server.client, "docker_inspect", { container: prefix });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/prefix/);
    expect(text(r)).not.toContain(vault.name);
  });

  it("project lists hold for the containers of a compose project", async () => {
    const project = `proj-${RUN_ID}`;
    const member = await runFixture({
      name: "compose-member",
      labels: { "com.docker.compose.project": project },
    });
    const scoped = await connect([
      "--config",
      writeConfig({ permissions: { blacklist_compose_projects: [project] } }),
    ]);
    try {
      const r = await call(scoped.client, "docker_inspect", { container: member.name });
      expect(r.isError).toBe(true);
      expect(text(r)).toMatch(/blacklist_compose_projects/);
      const ps = await call(scoped.client, "docker_ps", {});
      expect(JSON.stringify(ps.structuredContent)).not.toContain(member.name);
    } finally {
      await scoped.close();
    }
  });
});

describe("bad input", () => {
  it("answers invalid arguments with what to fix, and keeps serving", async () => {
    const r = await call(server.client, "docker_logs", { container: web.name, tail: -5, bogus: 1 });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/tail/);
    expect(text(r)).toMatch(/bogus/);
    const missing = await call(server.client, "docker_inspect", {});
    expect(missing.isError).toBe(true);
    expect(text(missing)).toMatch(/container/);
    const ok = await call(server.client, "docker_ps", {});
    expect(ok.isError).toBeFalsy();
  });
});
