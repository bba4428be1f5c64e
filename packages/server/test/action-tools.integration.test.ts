import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BUSYBOX_IMAGE,
  buildTestImage,
  docker,
  ensureBusyboxImage,
  ensureDaemon,
  type Fixture,
  fixtureName,
  RUN_ID,
  removeFixtures,
  removeTestImage,
  runFixture,
  TEST_LABEL,
  TEST_RUN_LABEL,
  waitFor,
} from "@arktechnwa/docker-mcp-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Connected, call, connect, text, writeConfig } from "./harness.js";

const SECRET = "Zq9-exec-secret-Value";
const state = async (id: string) => docker(["inspect", "-f", "{{.State.Status}}", id]);
const exists = async (id: string) =>
  docker(["inspect", id]).then(
    () => true,
    () => false,
  );

// A container that ignores SIGTERM, so a stop has to wait for its timeout.
const STUBBORN = "trap '' TERM; while true; do sleep 1; done";

let vault: Fixture;
let server: Connected;
const vaultName = fixtureName("vault-act");
const testLabels = { [TEST_LABEL]: "1", [TEST_RUN_LABEL]: RUN_ID };

beforeAll(async () => {
  await ensureDaemon();
  await ensureBusyboxImage();
  vault = await runFixture({ name: "vault-act" });
  const config = writeConfig({
    permissions: {
      read: true,
      lifecycle: true,
      exec: true,
      create: true,
      blacklist_containers: [vaultName, "forbidden-*"],
      whitelist_images: ["docker-mcp-test/*"],
      blacklist_volumes: ["secret-*"],
    },
    exec_safety: { timeout: "2s", max_output: 1000 },
  });
  server = await connect(["--config", config]);
});

afterAll(async () => {
  await server?.close();
  await removeFixtures();
});

type Item = { container: string; status: string; message: string; name?: string };
const results = (r: Awaited<ReturnType<typeof call>>) => (r.structuredContent as { results: Item[] }).results;

describe("lifecycle", () => {
  it("stop, start, restart, pause and unpause change the real state", async () => {
    const a = await runFixture({ name: "life-a" });
    let r = await call(server.client, "docker_stop", { containers: a.name, timeout: 1 });
    expect(results(r)[0]).toMatchObject({ status: "done" });
    expect(await state(a.id)).toBe("exited");
    r = await call(server.client, "docker_stop", { containers: a.name });
    expect(results(r)[0]).toMatchObject({
      status: "unchanged",
      message: expect.stringMatching(/already stopped/),
    });

    r = await call(server.client, "docker_start", { containers: [a.name] });
    expect(results(r)[0]?.status).toBe("done");
    expect(await state(a.id)).toBe("running");

    const before = await docker(["inspect", "-f", "{{.State.StartedAt}}", a.id]);
    r = await call(server.client, "docker_restart", { containers: a.id.slice(0, 12), timeout: 1 });
    expect(results(r)[0]?.status).toBe("done");
    expect(await docker(["inspect", "-f", "{{.State.StartedAt}}", a.id])).not.toBe(before);

    r = await call(server.client, "docker_pause", { containers: a.name });
    expect(results(r)[0]?.status).toBe("done");
    expect(await state(a.id)).toBe("paused");
    r = await call(server.client, "docker_unpause", { containers: a.name });
    expect(results(r)[0]?.status).toBe("done");
    expect(await state(a.id)).toBe("running");
    r = await call(server.client, "docker_unpause", { containers: a.name });
    expect(results(r)[0]?.status).toBe("unchanged");
  });

  it("acts on a mixed list: the blacklisted container keeps running, the others stop", async () => {
    const [a, b] = await Promise.all([runFixture({ name: "mix-a" }), runFixture({ name: "mix-b" })]);
    const r = await call(server.client, "docker_stop", {
      containers: [a.name, vault.name, b.name, "no-such-container-zz"],
      timeout: 1,
    });
    expect(r.isError).toBeFalsy();
    expect(results(r).map((i) => [i.container, i.status])).toEqual([
      [a.name, "done"],
      [vault.name, "denied"],
      [b.name, "done"],
      ["no-such-container-zz", "not_found"],
    ]);
    expect(results(r)[1]?.message).toMatch(/blacklist_containers/);
    expect(await state(a.id)).toBe("exited");
    expect(await state(b.id)).toBe("exited");
    expect(await state(vault.id)).toBe("running");
    expect(text(r)).toMatch(/2 stopped, 1 denied by policy, 1 not found \(of 4\)/);
  });

  it("reports a stop that runs past its deadline as outcome unknown", async () => {
    const slow = await runFixture({ name: "stubborn", script: STUBBORN });
    const quick = await connect([
      "--config",
      writeConfig({ permissions: { lifecycle: true }, neverhang: { timeouts: { lifecycle: "1s" } } }),
    ]);
    try {
      const t0 = Date.now();
      const r = await call(quick.client, "docker_stop", { containers: slow.name, timeout: 5 });
      expect(Date.now() - t0).toBeLessThan(1500);
      expect(results(r)[0]).toMatchObject({
        status: "unknown",
        message: expect.stringMatching(/docker_ps or docker_inspect/),
      });
      expect(text(r)).toMatch(/outcome unknown/);
    } finally {
      await quick.close();
    }
  });
});

describe("running out of time on a list", () => {
  it("answers with what was done: in-flight stops are 'unknown', the rest 'skipped'", async () => {
    const stubborn = await Promise.all(
      Array.from({ length: 6 }, (_, i) => runFixture({ name: `slow-${i}`, script: STUBBORN })),
    );
    const quick = await connect([
      "--config",
      writeConfig({ permissions: { lifecycle: true }, neverhang: { timeouts: { lifecycle: "4s" } } }),
    ]);
    try {
      const t0 = Date.now();
      const r = await call(quick.client, "docker_stop", {
        containers: stubborn.map((c) => c.name),
        timeout: 20,
      });
      expect(Date.now() - t0).toBeLessThan(4000);
      expect(r.isError).toBeFalsy();
      const statuses = results(r).map((i) => i.status);
      expect(statuses.filter((st) => st === "unknown")).toHaveLength(4);
      expect(statuses.filter((st) => st === "skipped")).toHaveLength(2);
      expect(text(r)).toMatch(/docker_ps or docker_inspect/);
    } finally {
      await quick.close();
    }
  });
});

describe("denial holds however the container is named", () => {
  const actions: [string, Record<string, unknown>][] = [
    ["docker_start", {}],
    ["docker_stop", { timeout: 0 }],
    ["docker_restart", { timeout: 0 }],
    ["docker_pause", {}],
    ["docker_unpause", {}],
    ["docker_remove", { force: true }],
  ];
  it("by name, /name, ID prefix and full ID, for every action, and the container is untouched", async () => {
    const refs = [vault.name, `/${vault.name}`, vault.id.slice(0, 12), vault.id.slice(0, 5), vault.id];
    const startedAt = await docker(["inspect", "-f", "{{.State.StartedAt}}", vault.id]);
    for (const [tool, extra] of actions) {
      for (const ref of refs) {
        const r = await call(server.client, tool, { containers: ref, ...extra });
        expect(results(r)[0], `${tool} ${ref}`).toMatchObject({ status: "denied" });
      }
    }
    for (const ref of refs) {
      const r = await call(server.client, "docker_exec", {
        container: ref,
        command: ["sh", "-c", "mkdir -p /tmp && touch /tmp/pwned"],
      });
      expect(r.isError, `exec ${ref}`).toBe(true);
      expect(text(r)).toMatch(/Denied by policy/);
    }
    expect(await state(vault.id)).toBe("running");
    expect(await docker(["inspect", "-f", "{{.State.StartedAt}}", vault.id])).toBe(startedAt);
    await expect(docker(["exec", vault.id, "ls", "/tmp/pwned"])).rejects.toThrow();
  });
});

describe("docker_exec", () => {
  let box: Fixture;
  beforeAll(async () => {
    box = await runFixture({ name: "exec-box", env: { API_TOKEN: SECRET, PLAIN: "visible-value" } });
  });

  it("returns the exit code with stdout and stderr kept apart", async () => {
    const r = await call(server.client, "docker_exec", {
      container: box.name,
      command: ["sh", "-c", "echo out; echo err >&2; exit 7"],
    });
    expect(r.structuredContent).toMatchObject({
      exit_code: 7,
      stdout: "out\n",
      stderr: "err\n",
      timed_out: false,
    });
    const words = await call(server.client, "docker_exec", {
      container: box.name,
      command: "echo 'two words'  \"and more\"",
    });
    expect(words.structuredContent).toMatchObject({
      exit_code: 0,
      stdout: "two words and more\n",
      command: ["echo", "two words", "and more"],
    });
  });

  it("runs in the given workdir, as the given user, with extra environment", async () => {
    const r = await call(server.client, "docker_exec", {
      container: box.name,
      command: ["sh", "-c", 'pwd; id -u; echo "$FOO"'],
      workdir: "/bin",
      user: "65534",
      env: { FOO: "bar" },
    });
    expect(r.structuredContent).toMatchObject({ exit_code: 0, stdout: "/bin\n65534\nbar\n" });
  });

  it("refuses shell syntax in a string command with the way to do it", async () => {
    const r = await call(server.client, "docker_exec", { container: box.name, command: "ls | wc -l" });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/\["sh", "-c"/);
  });

  it("blocks a blocked command and leaves the container untouched", async () => {
    // The FROM-scratch image has no /tmp.
    const made = await call(server.client, "docker_exec", {
      container: box.name,
      command: ["sh", "-c", "mkdir -p /tmp && touch /tmp/marker"],
    });
    expect(made.structuredContent).toMatchObject({ exit_code: 0 });
    for (const command of [
      ["rm", "-rf", "/tmp/marker"],
      ["sh", "-c", "cd /tmp && rm  -fr marker"],
      "/bin/rm -r -f /tmp/marker",
    ]) {
      const r = await call(server.client, "docker_exec", { container: box.name, command });
      expect(r.isError, JSON.stringify(command)).toBe(true);
      expect(text(r)).toMatch(/blocked_commands/);
    }
    expect(await docker(["exec", box.id, "ls", "/tmp/marker"])).toBe("/tmp/marker");
  });

  it("refuses what it cannot analyze (arithmetic, traps, aliases, globs, here-docs, wrappers), so nothing hidden runs", async () => {
    const made = await call(server.client, "docker_exec", {
      container: box.name,
      command: ["sh", "-c", "mkdir -p /tmp && touch /tmp/keep /tmp/control"],
    });
    expect(made.structuredContent).toMatchObject({ exit_code: 0 });
    // The image's shell does run a command hidden in arithmetic: the attack is real.
    await docker(["exec", box.id, "sh", "-c", "echo $(( $(rm -f /tmp/control; echo 1) + 1 ))"]);
    await expect(docker(["exec", box.id, "ls", "/tmp/control"])).rejects.toThrow();

    const hidden: (string | string[])[] = [
      ["sh", "-c", "echo $(( $(rm -rf /tmp/keep; echo 1) + 1 ))"],
      "sh -c 'echo $(( $(rm -rf /tmp/keep; echo 1) + 1 ))'",
      ["sh", "-c", "echo $(( `rm -rf /tmp/keep` ))"],
      ["sh", "-c", "x='a[$(rm -rf /tmp/keep)]'; echo $((x))"],
      ["sh", "-c", "echo ${x:-$(rm -rf /tmp/keep)}"],
      ["sh", "-c", "trap 'rm -rf /tmp/keep' EXIT; true"],
      ["sh", "-c", "f() { rm -rf /tmp/keep; }; f"],
      ["sh", "-c", "alias x='rm -rf'; x /tmp/keep"],
      ["sh", "-c", "/bin/r? -rf /tmp/keep"],
      ["sh", "-c", "/???/r[m] -rf /tmp/keep"],
      ["sh", "-c", "cat <<EOF\n$(rm -rf /tmp/keep)\nEOF"],
      ["sh", "-c", "awk 'BEGIN{system(\"rm -rf /tmp/keep\")}'"],
      ["sh", "-c", "linux64 rm -rf /tmp/keep"],
      ["sh", "-c", "echo cm0gLXJmIC90bXAva2VlcA== | base64 -d | sh"],
      ["sh", "-c", 'eval "$(echo rm -rf /tmp/keep)"'],
      ["sh", "-c", "x=rm; $x -rf /tmp/keep"],
    ];
    for (const command of hidden) {
      const r = await call(server.client, "docker_exec", { container: box.name, command });
      expect(r.isError, JSON.stringify(command)).toBe(true);
      expect(text(r), JSON.stringify(command)).toMatch(/cannot be analyzed.*array form|blocked_commands/s);
    }
    expect(await docker(["exec", box.id, "ls", "/tmp/keep"])).toBe("/tmp/keep");

    // A relative redirect lands in the workdir: with /tmp as workdir, "> keep" writes /tmp/keep.
    const policyTmp = await connect([
      "--config",
      writeConfig({
        permissions: { exec: true, whitelist_images: ["docker-mcp-test/*"] },
        exec_safety: { blocked_commands: ["> /tmp/keep"] },
      }),
    ]);
    try {
      for (const [command, workdir] of [
        [["sh", "-c", "echo x > keep"], "/tmp"],
        [["sh", "-c", "cd /tmp && echo x > keep"], "/"],
        [["sh", "-c", "echo x > ../tmp/keep"], "/bin"],
      ] as [string[], string][]) {
        const r = await call(policyTmp.client, "docker_exec", { container: box.name, command, workdir });
        expect(r.isError, JSON.stringify(command)).toBe(true);
        expect(text(r)).toMatch(/blocked_commands/);
      }
    } finally {
      await policyTmp.close();
    }
    expect(await docker(["exec", box.id, "cat", "/tmp/keep"])).toBe("");

    // An allowlist that holds sh and echo is not a way around it either.
    const allowlisted = await connect([
      "--config",
      writeConfig({
        permissions: { exec: true, whitelist_images: ["docker-mcp-test/*"] },
        exec_safety: { allowed_commands: ["sh", "echo"], blocked_commands: [] },
      }),
    ]);
    try {
      const r = await call(allowlisted.client, "docker_exec", {
        container: box.name,
        command: ["sh", "-c", "echo $(( $(rm -rf /tmp/keep; echo 1) + 1 ))"],
      });
      expect(r.isError).toBe(true);
      expect(text(r)).toMatch(/cannot be analyzed: arithmetic/);
      const fine = await call(allowlisted.client, "docker_exec", {
        container: box.name,
        command: ["sh", "-c", "echo $((1 + 2))"],
      });
      expect(fine.structuredContent).toMatchObject({ exit_code: 0, stdout: "3\n" });
      const evil = await call(allowlisted.client, "docker_exec", {
        container: box.name,
        command: ["/tmp/echo", "x"],
      });
      expect(evil.isError).toBe(true);
      expect(text(evil)).toMatch(/must be in \/bin/);
    } finally {
      await allowlisted.close();
    }
    expect(await docker(["exec", box.id, "ls", "/tmp/keep"])).toBe("/tmp/keep");
  });

  it("caps output per stream and says how much was dropped", async () => {
    const r = await call(server.client, "docker_exec", {
      container: box.name,
      command: ["sh", "-c", "head -c 200000 /dev/zero | tr '\\0' x; echo tail >&2"],
    });
    const out = r.structuredContent as {
      stdout: string;
      stdout_truncated_bytes: number;
      stderr: string;
      exit_code: number;
    };
    expect(out.stdout.length).toBeLessThanOrEqual(1000);
    expect(out.stdout.length + out.stdout_truncated_bytes).toBe(200000);
    expect(out.stderr).toBe("tail\n");
    expect(out.exit_code).toBe(0);
    expect(text(r)).toMatch(/more dropped/);
  });

  it("kills a command at the timeout: it no longer runs in the container", async () => {
    const t0 = Date.now();
    const r = await call(server.client, "docker_exec", { container: box.name, command: ["sleep", "300"] });
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(r.structuredContent).toMatchObject({ timed_out: true, killed: true });
    await waitFor(
      "sleep 300 to be gone",
      async () => !(await docker(["exec", box.id, "ps", "-o", "args"])).includes("sleep 300"),
      { timeoutMs: 5000 },
    );
  });

  it("a client's cancel really ends the command in the container", async () => {
    const patient = await connect([
      "--config",
      writeConfig({ permissions: { exec: true }, exec_safety: { timeout: "5m" } }),
    ]);
    try {
      const cancel = new AbortController();
      const pending = patient.client.callTool(
        { name: "docker_exec", arguments: { container: box.name, command: ["sleep", "299"] } },
        undefined,
        { signal: cancel.signal },
      );
      await waitFor("sleep 299 to start", async () =>
        (await docker(["exec", box.id, "ps", "-o", "args"])).includes("sleep 299"),
      );
      cancel.abort();
      await expect(pending).rejects.toThrow();
      await waitFor(
        "sleep 299 to be killed",
        async () => !(await docker(["exec", box.id, "ps", "-o", "args"])).includes("sleep 299"),
        {
          timeoutMs: 5000,
        },
      );
      // The server is still there for the next call.
      const next = await call(patient.client, "docker_exec", { container: box.name, command: "true" });
      expect(next.structuredContent).toMatchObject({ exit_code: 0 });
    } finally {
      await patient.close();
    }
  });

  it("a client that goes away mid-exec leaves no process behind", async () => {
    const leaving = await connect([
      "--config",
      writeConfig({ permissions: { exec: true }, exec_safety: { timeout: "5m" } }),
    ]);
    const pending = leaving.client
      .callTool({ name: "docker_exec", arguments: { container: box.name, command: ["sleep", "298"] } })
      .catch(() => undefined);
    await waitFor("sleep 298 to start", async () =>
      (await docker(["exec", box.id, "ps", "-o", "args"])).includes("sleep 298"),
    );
    await leaving.close();
    await pending;
    await waitFor(
      "sleep 298 to be killed on shutdown",
      async () => !(await docker(["exec", box.id, "ps", "-o", "args"])).includes("sleep 298"),
      { timeoutMs: 10_000 },
    );
  });

  it("handles binary output and output without newlines", async () => {
    const r = await call(server.client, "docker_exec", {
      container: box.name,
      command: ["sh", "-c", "printf 'no-newline'; head -c 64 /dev/urandom >&2"],
    });
    const out = r.structuredContent as { stdout: string; stderr: string; exit_code: number };
    expect(out.stdout).toBe("no-newline");
    expect(out.exit_code).toBe(0);
    expect(typeof out.stderr).toBe("string");
  });

  it("never shows the container's secret values: env, /proc/1/environ, stderr, errors", async () => {
    const commands: (string | string[])[] = [
      "env",
      ["cat", "/proc/1/environ"],
      ["sh", "-c", 'echo "token=$API_TOKEN" >&2; exit 3'],
      ["sh", "-c", 'echo "$API_TOKEN" | base64 -d 2>/dev/null; echo "$API_TOKEN"'],
      [SECRET],
    ];
    for (const command of commands) {
      const r = await call(server.client, "docker_exec", { container: box.name, command });
      expect(JSON.stringify(r), JSON.stringify(command)).not.toContain(SECRET);
    }
    // A secret the entrypoint exported at run time is not in Config.Env: masked by its key name.
    const runtime = await runFixture({
      name: "runtime-secret",
      script: "export RUNTIME_TOKEN=Rt-0987654321-xyz; exec sleep 600",
    });
    const environ = await call(server.client, "docker_exec", {
      container: runtime.name,
      command: ["cat", "/proc/1/environ"],
    });
    expect(JSON.stringify(environ)).not.toContain("Rt-0987654321-xyz");
    expect(text(environ)).toContain("RUNTIME_TOKEN=[REDACTED]");
    const env = await call(server.client, "docker_exec", { container: box.name, command: "env" });
    expect(text(env)).toContain("PLAIN=visible-value");
    expect(text(env)).toContain("API_TOKEN=[REDACTED]");
  });

  it("says a stopped container cannot exec", async () => {
    const stopped = await runFixture({ name: "exec-stopped", start: false });
    const r = await call(server.client, "docker_exec", { container: stopped.name, command: "true" });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/created.*docker_start/);
  });
});

describe("docker_create and docker_remove", () => {
  it("creates from a whitelisted image, labels it, starts it on request", async () => {
    const name = fixtureName("made");
    const r = await call(server.client, "docker_create", {
      image: BUSYBOX_IMAGE,
      name,
      command: ["sleep", "600"],
      env: { HELLO: "world" },
      labels: testLabels,
      ports: ["127.0.0.1::8080/tcp"],
      volumes: ["/tmp:/hosttmp:ro"],
      memory: "64m",
      cpus: 0.5,
      restart: "no",
      start: true,
    });
    expect(r.isError, text(r)).toBeFalsy();
    const id = (r.structuredContent as { id: string }).id;
    expect(await state(id)).toBe("running");
    expect(
      await docker(["inspect", "-f", '{{index .Config.Labels "dev.arktechnwa.docker-mcp.created-by"}}', id]),
    ).toBe("docker-mcp");
    expect(await docker(["inspect", "-f", "{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}}", id])).toBe(
      `${64 * 1024 * 1024} 500000000`,
    );
    expect(await docker(["inspect", "-f", "{{json .HostConfig.Binds}}", id])).toBe('["/tmp:/hosttmp:ro"]');
    expect(await docker(["port", id, "8080/tcp"])).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(await docker(["exec", id, "sh", "-c", 'echo "$HELLO"'])).toBe("world");
  });

  it("refuses an image outside whitelist_images", async () => {
    // A local image (an absent one is not found before the policy is asked).
    const outside = `docker-mcp-outside/busybox:${RUN_ID}`;
    await buildTestImage([outside], "outside");
    try {
      const r = await call(server.client, "docker_create", { image: outside });
      expect(r.isError).toBe(true);
      expect(text(r)).toMatch(/whitelist_images/);
    } finally {
      await removeTestImage([outside]);
    }
  });

  it("refuses an absent image without pulling it", async () => {
    const r = await call(server.client, "docker_create", { image: "nginx:1.27" });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/No local image 'nginx:1\.27'.*pull the image first/);
  });

  it("refuses privileged, a Docker socket mount, / and /etc, host PID and added capabilities by default", async () => {
    const created = () =>
      docker(["ps", "-aq", "--filter", "label=dev.arktechnwa.docker-mcp.created-by"]).then((out) =>
        out.split("\n").filter(Boolean),
      );
    const before = await created();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ privileged: true }, /allow_privileged/],
      [{ volumes: ["/var/run/docker.sock:/var/run/docker.sock"] }, /docker\.sock|bind/i],
      [{ volumes: ["/:/host"] }, /bind/i],
      [{ volumes: ["//etc/./:/e:ro"] }, /bind/i],
      [{ pid: "host" }, /allow_host_pid/],
      [{ network: "host" }, /allow_host_network/],
      [{ cap_add: ["SYS_ADMIN"] }, /allow_cap_add/],
    ];
    for (const [extra, message] of cases) {
      const r = await call(server.client, "docker_create", {
        image: BUSYBOX_IMAGE,
        labels: testLabels,
        ...extra,
      });
      expect(r.isError, JSON.stringify(extra)).toBe(true);
      expect(text(r)).toMatch(message);
    }
    expect(await created()).toEqual(before);
  });

  it("refuses bind specs with whitespace, control characters, '..' or relative paths, creating nothing", async () => {
    const created = () =>
      docker(["ps", "-aq", "--filter", "label=dev.arktechnwa.docker-mcp.created-by"]).then((out) =>
        out.split("\n").filter(Boolean),
      );
    const before = await created();
    const specs = [
      " /etc:/h",
      "\t/var/run/docker.sock:/s",
      "\n/:/host",
      "\r/etc:/h:ro",
      "\u00a0/etc:/h",
      "\u200b/etc:/h",
      "\ufeff/:/host",
      "/etc :/h",
      "/tmp: /h",
      "/tmp:/h: ro",
      "/tmp/../etc:/h",
      "./etc:/h",
      "~/x:/h",
      "etc/passwd:/h",
      " data:/d",
    ];
    for (const spec of specs) {
      const r = await call(server.client, "docker_create", {
        image: BUSYBOX_IMAGE,
        labels: testLabels,
        volumes: [spec],
        start: true,
      });
      expect(r.isError, JSON.stringify(spec)).toBe(true);
      expect(text(r), JSON.stringify(spec)).toMatch(/Volume .* is refused/);
    }
    expect(await created()).toEqual(before);
  });

  it("judges a bind source by its real path: symlinks to the socket or /etc are refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), "docker-mcp-links-"));
    try {
      const socket = realpathSync("/var/run/docker.sock");
      symlinkSync(socket, join(dir, "sock"));
      symlinkSync("/var/run", join(dir, "run"));
      symlinkSync("/etc", join(dir, "etc"));
      symlinkSync("/", join(dir, "root"));
      symlinkSync(join(dir, "missing-target"), join(dir, "dangling"));
      mkdirSync(join(dir, "plain"));
      symlinkSync(join(dir, "plain"), join(dir, "harmless"));
      const refused: [string, RegExp][] = [
        [`${dir}/sock:/s`, /symlink to .*docker\.sock/],
        [`${dir}/run/docker.sock:/s`, /symlink to .*docker\.sock/],
        [`${dir}/etc:/h:ro`, /symlink to \/etc/],
        [`${dir}/etc/not-there-yet:/h`, /symlink to \/etc\/not-there-yet/],
        [`${dir}/root:/host:ro`, /symlink to \/[^a-z]/],
        [`${dir}/dangling:/h`, /could not be checked/],
      ];
      const created = () =>
        docker(["ps", "-aq", "--filter", "label=dev.arktechnwa.docker-mcp.created-by"]).then((out) =>
          out.split("\n").filter(Boolean),
        );
      const before = await created();
      for (const [spec, message] of refused) {
        const r = await call(server.client, "docker_create", {
          image: BUSYBOX_IMAGE,
          labels: testLabels,
          volumes: [spec],
        });
        expect(r.isError, spec).toBe(true);
        expect(text(r), spec).toMatch(message);
      }
      expect(await created()).toEqual(before);
      // A symlink to an ordinary directory is fine: the check refuses what it should, not everything.
      const ok = await call(server.client, "docker_create", {
        image: BUSYBOX_IMAGE,
        name: fixtureName("link-ok"),
        labels: testLabels,
        volumes: [`${dir}/harmless:/h:ro`],
      });
      expect(ok.isError ?? false, text(ok)).toBe(false);
      await docker(["rm", "-f", (ok.structuredContent as { id: string }).id]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("holds the image lists however the image is named: tag, full ID or short ID", async () => {
    const id = await docker(["image", "inspect", "-f", "{{.Id}}", BUSYBOX_IMAGE]);
    const strict = await connect([
      "--config",
      writeConfig({ permissions: { create: true, exec: true, blacklist_images: ["docker-mcp-test/*"] } }),
    ]);
    try {
      for (const image of [BUSYBOX_IMAGE, id, id.replace(/^sha256:/, "").slice(0, 12)]) {
        const r = await call(strict.client, "docker_create", {
          image,
          name: fixtureName("by-id"),
          labels: testLabels,
        });
        expect(r.isError, image).toBe(true);
        expect(text(r)).toMatch(/blacklist_images/);
      }
      // A container someone else created from the bare ID is still a container of that image.
      const byId = await runFixture({ name: "from-id", image: id.replace(/^sha256:/, "").slice(0, 12) });
      const r = await call(strict.client, "docker_exec", { container: byId.name, command: "true" });
      expect(r.isError).toBe(true);
      expect(text(r)).toMatch(/blacklist_images/);
      const ps = await call(strict.client, "docker_ps", {});
      expect(JSON.stringify(ps.structuredContent)).not.toContain(byId.name);
    } finally {
      await strict.close();
    }
  });

  it("refuses a named volume on the blacklist", async () => {
    const r = await call(server.client, "docker_create", {
      image: BUSYBOX_IMAGE,
      volumes: ["secret-data:/data"],
      labels: testLabels,
    });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/blacklist_volumes/);
  });

  it("refuses joining a blacklisted container's network namespace", async () => {
    for (const ref of [vault.name, vault.id.slice(0, 12)]) {
      const r = await call(server.client, "docker_create", {
        image: BUSYBOX_IMAGE,
        name: fixtureName("joiner"),
        network: `container:${ref}`,
        labels: testLabels,
      });
      expect(r.isError, ref).toBe(true);
      expect(text(r)).toMatch(/blacklist_containers/);
    }
  });

  it("asks for a name when the container lists could not judge an unnamed container", async () => {
    const r = await call(server.client, "docker_create", { image: BUSYBOX_IMAGE, labels: testLabels });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/has no name[\s\S]*Give it a name/);
  });

  it("refuses a container name on the blacklist", async () => {
    const r = await call(server.client, "docker_create", {
      image: BUSYBOX_IMAGE,
      name: "forbidden-one",
      labels: testLabels,
    });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/blacklist_containers/);
  });

  it("allows privileged and a socket mount when the policy says so", async () => {
    const open = await connect([
      "--config",
      writeConfig({
        permissions: { create: true },
        // Unblocking the socket means writing the blocked list without it.
        create_safety: { allow_privileged: true, blocked_bind_mounts: ["/", "/etc"] },
      }),
    ]);
    try {
      const r = await call(open.client, "docker_create", {
        image: BUSYBOX_IMAGE,
        labels: testLabels,
        privileged: true,
        volumes: ["/var/run/docker.sock:/var/run/docker.sock"],
      });
      expect(r.isError, text(r)).toBeFalsy();
      const id = (r.structuredContent as { id: string }).id;
      expect(await docker(["inspect", "-f", "{{.HostConfig.Privileged}}", id])).toBe("true");
    } finally {
      await open.close();
    }
  });

  it("removes: a running one needs force, a stopped one goes", async () => {
    const [running, stopped] = await Promise.all([
      runFixture({ name: "rm-running" }),
      runFixture({ name: "rm-stopped", start: false }),
    ]);
    let r = await call(server.client, "docker_remove", { containers: [running.name, stopped.name] });
    expect(results(r).map((i) => i.status)).toEqual(["failed", "done"]);
    expect(results(r)[0]?.message).toMatch(/force/);
    expect(await exists(stopped.id)).toBe(false);
    expect(await exists(running.id)).toBe(true);
    r = await call(server.client, "docker_remove", { containers: running.id, force: true, volumes: true });
    expect(results(r)[0]?.status).toBe("done");
    expect(await exists(running.id)).toBe(false);
  });
});

describe("visibility", () => {
  it("a policy with lifecycle only for myapp-* offers the lifecycle tools, denies others' containers", async () => {
    // The README's example, scoped to this run so it never touches anyone else's containers.
    const mine = await runFixture({ name: `myapp-${RUN_ID}-web`, exactName: true });
    const other = await runFixture({ name: "other-svc" });
    const lc = await connect([
      "--config",
      writeConfig({ permissions: { lifecycle: true, whitelist_containers: [`myapp-${RUN_ID}-*`] } }),
    ]);
    try {
      const names = (await lc.client.listTools()).tools.map((t) => t.name);
      expect(names).toEqual(
        expect.arrayContaining([
          "docker_start",
          "docker_stop",
          "docker_restart",
          "docker_pause",
          "docker_unpause",
        ]),
      );
      expect(names).not.toContain("docker_exec");
      expect(names).not.toContain("docker_create");
      const r = await call(lc.client, "docker_restart", { containers: [mine.name, other.name], timeout: 0 });
      expect(results(r).map((i) => i.status)).toEqual(["done", "denied"]);
      expect(results(r)[1]?.message).toMatch(/whitelist_containers/);
    } finally {
      await lc.close();
    }
  });
});
