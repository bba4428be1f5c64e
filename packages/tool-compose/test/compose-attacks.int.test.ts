import { execFileSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  BUSYBOX_IMAGE,
  ensureBusyboxImage,
  RUN_ID,
  TEST_LABEL,
  TEST_RUN_LABEL,
} from "@arktechnwa/docker-mcp-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ComposeRunner } from "../src/index.js";
import {
  ALLOWED,
  cleanup,
  created,
  dockerOut,
  makeKernel,
  networkExists,
  OUTSIDE,
  projectContainerNames,
  projectName,
  service,
  volumeExists,
  writeProject,
} from "./kit.js";

// Attacks by a caller who writes the compose files and chooses the arguments, but not the policy.

beforeAll(async () => {
  await ensureBusyboxImage();
  writeFileSync(join(OUTSIDE, "secret.env"), "STOLEN=outside-secret-value\n");
  writeFileSync(join(OUTSIDE, "base.yml"), `version: "2.4"\nservices:\n${service("base")}`);
}, 180_000);
afterAll(() => cleanup(), 180_000);

const ON = { permissions: { lifecycle: true, create: true, read: true } };

/** `up` must be refused with `pattern`, and nothing of the project may exist afterwards. */
async function expectUpRefused(what: string, body: string, pattern: RegExp, setup?: (dir: string) => void) {
  const project = projectName(what);
  const file = writeProject(what, `version: "2.4"\n${body}`);
  setup?.(join(ALLOWED, what));
  created.push({ project, file });
  const { kernel } = makeKernel(ON);
  const r = await kernel.call("docker_compose_up", { file, project });
  expect(r.isError, `${what}: ${r.text}`).toBe(true);
  expect(r.text, what).toMatch(pattern);
  expect(r.text, what).toMatch(/nothing was run/);
  expect(projectContainerNames(project), what).toEqual([]);
  expect(networkExists(`${project}_default`), what).toBe(false);
  expect(volumeExists(`${project}_data`), what).toBe(false);
  return r;
}

describe("a named volume whose driver options bind a host path is judged as that bind", () => {
  const vol = (opts: string, mount = true) =>
    `services:\n${service("app", mount ? "    volumes:\n      - data:/x\n" : "")}volumes:\n  data:\n${opts}`;
  const cases: [string, string, RegExp, ((dir: string) => void)?][] = [
    [
      "vbind",
      vol("    driver: local\n    driver_opts: {type: none, o: bind, device: /etc}\n"),
      /volume .*_data \(driver options bind a host path\): Binding host path \/etc is refused/,
    ],
    [
      "vnodriver",
      vol("    driver_opts: {type: none, o: bind, device: /etc}\n"),
      /Binding host path \/etc is refused/,
    ],
    [
      "vunused",
      vol("    driver_opts: {type: none, o: bind, device: /etc}\n", false),
      /host path \/etc is refused/,
    ],
    ["vrbind", vol("    driver_opts: {type: none, o: 'rbind,ro', device: /}\n"), /host path \/ is refused/],
    [
      "vsock",
      vol("    driver_opts: {type: none, o: bind, device: /var/run/docker.sock}\n"),
      /docker\.sock is refused/,
    ],
    ["vdisk", vol("    driver_opts: {type: ext4, device: /dev/sda1}\n"), /host path \/dev\/sda1 is refused/],
    [
      "voverlay",
      vol(
        "    driver_opts: {type: overlay, device: overlay, o: 'lowerdir=/etc,upperdir=/tmp/u,workdir=/tmp/w'}\n",
      ),
      /host path \/etc is refused/,
    ],
    [
      "vunknown",
      vol("    driver_opts: {type: none, o: bind, device: /srv, mountpoint: /etc}\n"),
      /'mountpoint' cannot be judged/,
    ],
    [
      "vplugin",
      vol("    driver: vieux/sshfs\n    driver_opts: {sshcmd: 'me@example.com:/etc'}\n"),
      /driver 'vieux\/sshfs' with driver options is refused.*allowed_volume_drivers/,
    ],
    [
      "vdotdot",
      vol("    driver_opts: {type: none, o: bind, device: /tmp/../etc}\n"),
      /\/etc is refused|'\.\.'/,
    ],
    [
      "vanchor",
      `x-evil: &evil\n  driver_opts: {type: none, o: bind, device: /etc}\n${vol("    <<: *evil\n")}`,
      /host path \/etc is refused/,
    ],
    [
      "vlink",
      // compose makes the relative device absolute; its real path is judged.
      vol("    driver_opts: {type: none, o: bind, device: ./etclink}\n"),
      /a symlink to \/etc/,
      (dir) => symlinkSync("/etc", join(dir, "etclink")),
    ],
  ];
  for (const [what, body, why, setup] of cases) {
    it(`refuses ${what}`, async () => {
      await expectUpRefused(what, body, why, setup);
    });
  }

  it("refuses a device that is a symlink into /etc (judged by its real path)", async () => {
    const dir = join(ALLOWED, "vsymlink");
    mkdirSync(dir, { recursive: true });
    symlinkSync("/etc", join(dir, "etclink"));
    await expectUpRefused(
      "vsymlink",
      vol(`    driver_opts: {type: none, o: bind, device: ${join(dir, "etclink")}}\n`),
      /a symlink to \/etc/,
    );
  });

  it("still starts a project with a tmpfs volume", async () => {
    const project = projectName("vtmpfs");
    const file = writeProject(
      "vtmpfs",
      `version: "2.4"\n${vol("    driver_opts: {type: tmpfs, device: tmpfs, o: size=1m}\n")}`,
    );
    created.push({ project, file });
    const r = await makeKernel(ON).kernel.call("docker_compose_up", { file, project });
    expect(r.isError, r.text).toBe(false);
    expect(projectContainerNames(project)).toEqual([`${project}_app_1`]);
  });
});

describe("device cgroup rules are a device grant", () => {
  for (const [what, rules] of [
    ["cgdisk", "['b 8:* rwm']"],
    ["cgall", "['a *:* rwm']"],
    ["cgchar", "['c 1:1 rw']"],
  ] as const) {
    it(`refuses ${rules}`, async () => {
      await expectUpRefused(
        what,
        `services:\n${service("app", `    device_cgroup_rules: ${rules}\n`)}`,
        /service app: Passing host devices is refused/,
      );
    });
  }
});

describe("host files compose reads are under compose_safety.allowed_directories", () => {
  const cases: [string, string, RegExp, ((dir: string) => void)?][] = [
    ["efabs", `services:\n${service("app", "    env_file: /etc/passwd\n")}`, /env_file \/etc\/passwd/],
    [
      "eflist",
      `services:\n${service("app", "    env_file:\n      - ./ok.env\n      - /etc/passwd\n")}`,
      /\/etc\/passwd/,
      (dir) => writeFileSync(join(dir, "ok.env"), "A=1\n"),
    ],
    [
      "efrel",
      `services:\n${service("app", "    env_file: ../../outside/secret.env\n")}`,
      /outside\/secret\.env/,
    ],
    [
      "eflink",
      `services:\n${service("app", "    env_file: ./link.env\n")}`,
      /really .*outside\/secret\.env/,
      (dir) => symlinkSync(join(OUTSIDE, "secret.env"), join(dir, "link.env")),
    ],
    ["efvar", `services:\n${service("app", "    env_file: ${HOME}/.profile\n")}`, /uses a variable/],
    [
      "efanchor",
      `x-common: &common\n  env_file: /etc/passwd\nservices:\n  app:\n    <<: *common\n    image: busybox\n`,
      /\/etc\/passwd/,
    ],
    [
      "extends",
      `services:\n  app:\n    extends:\n      file: ../../outside/base.yml\n      service: base\n`,
      /extends file .*outside\/base\.yml/,
    ],
    [
      "dotenv",
      `services:\n${service("app", "    environment:\n      X: ${STOLEN}\n")}`,
      /the project's env file .*\.env \(really .*outside\/secret\.env\)/,
      (dir) => symlinkSync(join(OUTSIDE, "secret.env"), join(dir, ".env")),
    ],
  ];
  for (const [what, body, why, setup] of cases) {
    it(`refuses ${what} for up and config`, async () => {
      const r = await expectUpRefused(what, body, why, setup);
      expect(r.text).not.toContain("outside-secret-value");
      expect(r.text).not.toContain("root:x:0:0");
      const file = join(ALLOWED, what, "docker-compose.yml");
      const config = await makeKernel(ON).kernel.call("docker_compose_config", {
        file,
        project: projectName(what),
      });
      expect(config.isError, config.text).toBe(true);
      expect(config.text).toMatch(why);
      expect(config.text).not.toContain("outside-secret-value");
      expect(config.text).not.toContain("root:x:0:0");
    });
  }

  it("still reads an env_file next to the compose file", async () => {
    const file = writeProject(
      "efok",
      `version: "2.4"\nservices:\n${service("app", "    env_file: ./app.env\n")}`,
    );
    writeFileSync(join(ALLOWED, "efok", "app.env"), "GREETING=hello\n");
    const r = await makeKernel(ON).kernel.call("docker_compose_config", {
      file,
      project: projectName("efok"),
    });
    expect(r.isError, r.text).toBe(false);
    expect(r.text).toContain("GREETING");
  });
});

describe("the server's own secrets never reach a compose model", () => {
  it("drops secret-looking and DOCKER_MCP_ variables from the CLI's environment", async () => {
    const file = writeProject(
      "srvenv",
      `version: "2.4"\nservices:\n${service("app", "    environment:\n      A: x${DOCKER_MCP_HTTP_TOKEN}\n      B: x${MY_API_TOKEN}\n      C: x${R2_PLAIN}\n")}`,
    );
    const runner = new ComposeRunner({
      connection: { host: "unix:///var/run/docker.sock" },
      env: {
        ...process.env,
        DOCKER_MCP_HTTP_TOKEN: "httptoken4242",
        MY_API_TOKEN: "apitoken4242",
        R2_PLAIN: "plain4242",
      },
    });
    const r = await makeKernel(ON, { runner }).kernel.call("docker_compose_config", {
      file,
      project: projectName("srvenv"),
    });
    expect(r.isError, r.text).toBe(false);
    expect(r.text).not.toContain("httptoken4242");
    expect(r.text).not.toContain("apitoken4242");
    // Ordinary variables still interpolate.
    expect(r.text).toContain("xplain4242");
  });
});

describe("a service named like a flag is a service, never a flag", () => {
  it("up of a service called --remove-orphans does not remove a hidden orphan", async () => {
    const project = projectName("flag");
    const hidden = `hidden-${project}`;
    const file = writeProject(
      "flag",
      `version: "2.4"\nservices:\n${service("old", `    container_name: ${hidden}\n`)}`,
    );
    created.push({ project, file });
    const first = await makeKernel(ON).kernel.call("docker_compose_up", { file, project });
    expect(first.isError, first.text).toBe(false);
    writeProject("flag", `version: "2.4"\nservices:\n${service('"--remove-orphans"')}`);
    const { kernel } = makeKernel({ permissions: { ...ON.permissions, blacklist_containers: ["hidden-*"] } });
    await kernel.call("docker_compose_up", { file, project, services: ["--remove-orphans"] });
    // Whatever compose made of the service, the orphan the policy hides is still there.
    expect(dockerOut(["ps", "-a", "--filter", `name=^${hidden}$`, "--format", "{{.Names}}"])).toBe(hidden);
  });
});

describe("joining another container inherits what it has, and is judged so", () => {
  // A container the policy lets the caller see, started (outside docker-mcp) with host namespaces and the socket.
  const wide = `dmc-wide-${RUN_ID}`;
  const relay = `dmc-relay-${RUN_ID}`;
  beforeAll(() => {
    const labels = ["--label", `${TEST_LABEL}=1`, "--label", `${TEST_RUN_LABEL}=${RUN_ID}`];
    execFileSync("docker", [
      "run",
      "-d",
      "--name",
      wide,
      ...labels,
      "--network",
      "host",
      "--pid",
      "host",
      "-v",
      "/var/run/docker.sock:/s.sock",
      "-v",
      "/etc:/h",
      BUSYBOX_IMAGE,
      "sleep",
      "600",
    ]);
    // One that joins it in turn: joining this one is joining the host's network.
    execFileSync("docker", [
      "run",
      "-d",
      "--name",
      relay,
      ...labels,
      "--network",
      `container:${wide}`,
      BUSYBOX_IMAGE,
      "sleep",
      "600",
    ]);
  }, 60_000);
  const cases: [string, string, RegExp][] = [
    ["jnet", `    network_mode: container:${wide}\n`, /Network mode 'host' is refused/],
    ["jchain", `    network_mode: container:${relay}\n`, /Network mode 'host' is refused/],
    ["jpid", `    pid: container:${wide}\n`, /PID mode 'host' is refused/],
    ["jvol", `    volumes_from: ["container:${wide}"]\n`, /docker\.sock is refused/],
    ["jvolro", `    volumes_from: ["container:${wide}:ro"]\n`, /host path \/etc is refused/],
  ];
  for (const [what, extra, why] of cases) {
    it(`refuses ${what}`, async () => {
      await expectUpRefused(what, `services:\n${service("app", extra)}`, why);
    });
  }
});

describe("security options that switch confinement off or replace it", () => {
  const cases: [string, string, RegExp, ((dir: string) => void)?][] = [
    [
      "scfile",
      `    security_opt: ["seccomp:${join(ALLOWED, "scfile", "allow.json")}"]\n`,
      /custom seccomp profile/,
      (dir) => writeFileSync(join(dir, "allow.json"), '{"defaultAction":"SCMP_ACT_ALLOW"}'),
    ],
    ["scspc", `    security_opt: ["label=type:spc_t"]\n`, /switches confinement off/],
    ["scaa", `    security_opt: ["apparmor:unconfined"]\n`, /switches confinement off/],
  ];
  for (const [what, extra, why, setup] of cases) {
    it(`refuses ${what}`, async () => {
      await expectUpRefused(what, `services:\n${service("app", extra)}`, why, setup);
    });
  }
});

describe("every container name up gives is judged", () => {
  it("refuses a scale beyond the names it can judge (the 101st name would not be)", async () => {
    await expectUpRefused(
      "scale",
      `services:\n${service("app", "    scale: 101\n")}`,
      /asks for 101 containers; docker-mcp judges at most 100/,
    );
  });
});
