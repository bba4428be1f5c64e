import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BUSYBOX_IMAGE, ensureBusyboxImage, waitFor } from "@arktechnwa/docker-mcp-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ComposeRunner } from "../src/index.js";
import {
  ALLOWED,
  cleanup,
  created,
  groupMembers,
  makeKernel,
  networkExists,
  OUTSIDE,
  projectContainerNames,
  projectName,
  ROOT,
  service,
  writeProject,
} from "./kit.js";

beforeAll(async () => {
  await ensureBusyboxImage();
}, 180_000);
afterAll(() => cleanup(), 180_000);

const ON = { permissions: { lifecycle: true, create: true } };

/** Up must be refused with `pattern`, and nothing of the project may exist afterwards. */
async function expectRefused(
  what: string,
  yaml: string,
  pattern: RegExp,
  policy: Record<string, unknown> = ON,
): Promise<void> {
  const project = projectName(what);
  const file = writeProject(what, `version: "2.4"\nservices:\n${yaml}`);
  created.push({ project, file });
  const { kernel } = makeKernel(policy);
  const r = await kernel.call("docker_compose_up", { file, project });
  expect(r.isError, r.text).toBe(true);
  expect(r.text).toMatch(pattern);
  expect(r.text).toMatch(/nothing was run/);
  expect(projectContainerNames(project)).toEqual([]);
  expect(networkExists(`${project}_default`)).toBe(false);
}

describe("docker_compose_up judges every service before anything runs", () => {
  it("refuses a privileged service", async () => {
    await expectRefused(
      "priv",
      `${service("ok")}${service("root", "    privileged: true\n")}`,
      /service root: A privileged container is refused.*allow_privileged/s,
    );
  });

  it("refuses a bind mount of the Docker socket", async () => {
    await expectRefused(
      "sock",
      service("spy", "    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n"),
      /service spy: Binding host path \/var\/run\/docker.sock is refused/,
    );
  });

  it("refuses a blacklisted image, under any of its names", async () => {
    await expectRefused("img", service("web"), /service web: .*docker-mcp-test\/busybox/, {
      permissions: { ...ON.permissions, blacklist_images: [BUSYBOX_IMAGE.replace(/:latest$/, ":*")] },
    });
  });

  it("refuses a blacklisted container name (container_name and generated names alike)", async () => {
    await expectRefused(
      "named",
      service("db", "    container_name: vault-db\n"),
      /service db: .*"vault-db"/,
      {
        permissions: { ...ON.permissions, blacklist_containers: ["vault-*"] },
      },
    );
    const project = projectName("gen");
    await expectRefused("gen", service("db"), new RegExp(`"${project}_db_1"`), {
      permissions: { ...ON.permissions, blacklist_containers: ["*_db_*"] },
    });
  });

  it("runs the rest when `services` leaves the refused member out", async () => {
    const project = projectName("part");
    const file = writeProject(
      "part",
      `version: "2.4"\nservices:\n${service("good")}${service("bad", "    privileged: true\n")}`,
    );
    created.push({ project, file });
    const { kernel } = makeKernel(ON);
    const r = await kernel.call("docker_compose_up", { file, project, services: ["good"] });
    expect(r.isError, r.text).toBe(false);
    expect(projectContainerNames(project)).toEqual([`${project}_good_1`]);
    const down = await kernel.call("docker_compose_down", { project });
    expect(down.isError, down.text).toBe(false);
    expect(projectContainerNames(project)).toEqual([]);
  });

  it("refuses up when the project already has a container of those services that the policy hides", async () => {
    const project = projectName("legacy");
    const first = `version: "2.4"\nservices:\n${service("web", `    container_name: legacy-${project}\n`)}`;
    const file = writeProject("legacy", first);
    created.push({ project, file });
    const r = await makeKernel(ON).kernel.call("docker_compose_up", { file, project });
    expect(r.isError, r.text).toBe(false);
    // The file no longer names the container; its old name is now blacklisted.
    writeProject(
      "legacy",
      `version: "2.4"\nservices:\n${service("web", "    environment:\n      CHANGED: '1'\n")}`,
    );
    const { kernel } = makeKernel({ permissions: { ...ON.permissions, blacklist_containers: ["legacy-*"] } });
    const again = await kernel.call("docker_compose_up", { file, project });
    expect(again.isError).toBe(true);
    expect(again.text).toMatch(/already has 1 container of these services that the policy hides/);
    expect(projectContainerNames(project)).toEqual([`legacy-${project}`]);
  });

  it("refuses a compose file outside compose_safety.allowed_directories, and a symlink leading out", async () => {
    const project = projectName("out");
    const file = writeProject("out", `version: "2.4"\nservices:\n${service("web")}`, OUTSIDE);
    const { kernel } = makeKernel(ON);
    const r = await kernel.call("docker_compose_up", { file, project });
    expect(r.isError).toBe(true);
    expect(r.code).toBe("path_not_allowed");
    expect(r.text).toMatch(/not under any entry of compose_safety\.allowed_directories/);
    expect(projectContainerNames(project)).toEqual([]);

    const { symlinkSync } = await import("node:fs");
    const link = join(ALLOWED, `link-${project}.yml`);
    symlinkSync(file, link);
    const viaLink = await kernel.call("docker_compose_config", { file: link, project });
    expect(viaLink.isError).toBe(true);
    expect(viaLink.code).toBe("path_not_allowed");
  });

  it("refuses the project name by the project lists", async () => {
    const project = projectName("listed");
    // In a directory named like the project, so the name compose derives from it is the same.
    const file = writeProject(project, `version: "2.4"\nservices:\n${service("web")}`);
    created.push({ project, file });
    const { kernel } = makeKernel({
      permissions: { ...ON.permissions, blacklist_compose_projects: [project] },
    });
    const r = await kernel.call("docker_compose_up", { file, project });
    expect(r.isError).toBe(true);
    expect(r.code).toBe("blacklisted");
    // Without `project`, the name comes from the directory: judged all the same.
    const derived = await kernel.call("docker_compose_up", { file });
    expect(derived.isError).toBe(true);
    expect(derived.code).toBe("blacklisted");
    expect(derived.text).toMatch(/compose project/);
    expect(projectContainerNames(project)).toEqual([]);
  });

  it("masks secret values in the resolved model", async () => {
    const project = projectName("cfg");
    const file = writeProject(
      "cfg",
      `version: "2.4"\nservices:\n${service("web", "    environment:\n      DB_PASSWORD: hunter2-secret\n      PLAIN: visible\n")}`,
    );
    const { kernel } = makeKernel({});
    const r = await kernel.call("docker_compose_config", { file, project });
    expect(r.isError, r.text).toBe(false);
    expect(r.text).not.toContain("hunter2-secret");
    expect(JSON.stringify(r.structured)).not.toContain("hunter2-secret");
    expect(r.text).toContain("visible");
  });
});

describe("a compose CLI that hangs", () => {
  it("is killed as a whole process group at the compose deadline, leaving nothing behind", async () => {
    const project = projectName("hang");
    const file = writeProject("hang", `version: "2.4"\nservices:\n${service("web")}`);
    created.push({ project, file });
    // Answers version and config like docker-compose 1.29 (config as it printed this project), then
    // never finishes `up`, with a helper child in its group.
    const stub = join(ROOT, "hanging-compose");
    const pidFile = join(ROOT, "hanging-compose.pid");
    const model = join(ROOT, "hanging-compose.yml");
    writeFileSync(
      model,
      `services:\n  web:\n    command: [sh, -c, sleep 3600]\n    image: ${BUSYBOX_IMAGE}\nversion: '2.4'\n`,
    );
    writeFileSync(
      stub,
      `#!/bin/sh
case " $* " in
  *" version "*) echo 1.29.2; exit 0 ;;
  *" config"*) cat ${model}; exit 0 ;;
esac
echo $$ > ${pidFile}
echo "Creating network ${project}_default" >&2
sleep 1000 &
sleep 1000
`,
    );
    chmodSync(stub, 0o755);
    const runner = new ComposeRunner({
      connection: { host: "unix:///var/run/docker.sock" },
      candidates: [[stub]],
      killGraceMs: 500,
    });
    const { kernel, processes } = makeKernel(ON, { composeMs: 4_000, runner });
    const progress: string[] = [];
    const t0 = Date.now();
    const r = await kernel.call(
      "docker_compose_up",
      { file, project },
      { onProgress: (m) => progress.push(m) },
    );
    const took = Date.now() - t0;
    expect(r.isError).toBe(true);
    expect(r.code).toBe("deadline_exceeded");
    expect(r.text).toMatch(/outcome is unknown/);
    expect(took).toBeLessThan(6_000);
    expect(progress).toContain(`Creating network ${project}_default`);
    const pgid = Number(readFileSync(pidFile, "utf8").trim());
    expect(pgid).toBeGreaterThan(1);
    // TERM, then KILL after the grace: the whole group is gone well within a few seconds.
    await waitFor("the hung compose's process group to end", () => groupMembers(pgid).length === 0, {
      timeoutMs: 5_000,
    });
    await kernel.close();
    expect(processes.size).toBe(0);
  });

  it("says what to install when no compose CLI exists", async () => {
    const runner = new ComposeRunner({
      connection: { host: "unix:///var/run/docker.sock" },
      candidates: [["docker-mcp-no-such-compose"], ["docker-mcp-no-such-docker", "compose"]],
    });
    const { kernel } = makeKernel(ON, { runner });
    const file = writeProject("nocli", `version: "2.4"\nservices:\n${service("web")}`);
    const r = await kernel.call("docker_compose_up", { file, project: projectName("nocli") });
    expect(r.isError).toBe(true);
    expect(r.code).toBe("compose_unavailable");
    expect(r.text).toMatch(/not installed.*docker-compose-plugin/s);
  });
});
