import { ensureBusyboxImage, waitFor } from "@arktechnwa/docker-mcp-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cleanup,
  created,
  makeKernel,
  networkExists,
  projectContainerNames,
  projectName,
  service,
  volumeExists,
  writeProject,
} from "./kit.js";

beforeAll(async () => {
  await ensureBusyboxImage();
}, 180_000);
afterAll(() => cleanup(), 180_000);

describe("a two-service project with real docker-compose v1", () => {
  const project = projectName("app");
  const file = writeProject(
    "app",
    `version: "2.4"
services:
${service(
  "web",
  `    healthcheck:
      test: ["CMD", "true"]
      interval: 1s
      timeout: 1s
      retries: 3
    volumes:
      - data:/data
`,
)}${service("worker", "", "i=0; while true; do echo worker-line-$$i; i=$$((i+1)); sleep 0.2; done")}volumes:
  data: {}
`,
  );
  created.push({ project, file });
  const { kernel } = makeKernel({ permissions: { lifecycle: true, create: true } });

  it("comes up, waits for health, and is listed with it", async () => {
    const up = await kernel.call("docker_compose_up", { file, project, detach: false });
    expect(up.isError, up.text).toBe(false);
    const out = up.structured as {
      compose: string;
      ready: boolean;
      services: { service: string; containers: { name: string; health?: string }[] }[];
    };
    expect(out.compose).toMatch(/^docker-compose 1\.\d+/);
    expect(out.ready).toBe(true);
    expect(out.services.map((s) => s.service)).toEqual(["web", "worker"]);
    expect(projectContainerNames(project)).toEqual([`${project}_web_1`, `${project}_worker_1`]);

    const ps = await kernel.call("docker_compose_ps", { project });
    expect(ps.isError, ps.text).toBe(false);
    const listed = ps.structured as {
      projects: {
        project: string;
        services: { service: string; containers: { health?: string; state: string }[] }[];
      }[];
    };
    expect(listed.projects.map((p) => p.project)).toEqual([project]);
    const web = listed.projects[0]?.services.find((s) => s.service === "web");
    expect(web?.containers[0]?.state).toBe("running");
    expect(web?.containers[0]?.health).toBe("healthy");
    expect(ps.text).toContain("(healthy)");
  });

  it("reads the logs of one service, prefixed by it and in time order", async () => {
    await waitFor("five worker lines", async () => {
      const r = await kernel.call("docker_compose_logs", { project, services: ["worker"], tail: 5 });
      return (r.structured as { line_count: number } | undefined)?.line_count === 5;
    });
    const logs = await kernel.call("docker_compose_logs", { project, services: ["worker"], tail: 5 });
    expect(logs.isError, logs.text).toBe(false);
    const out = logs.structured as { lines: { service: string; text: string; time: string }[] };
    expect(out.lines).toHaveLength(5);
    expect(new Set(out.lines.map((l) => l.service))).toEqual(new Set(["worker"]));
    const numbers = out.lines.map((l) => Number(/worker-line-(\d+)/.exec(l.text)?.[1]));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(logs.text).toMatch(/^worker \| worker-line-\d+$/m);

    const grep = await kernel.call("docker_compose_logs", { project, grep: "/line-\\d*[02468]$/", tail: 50 });
    const greped = (grep.structured as { lines: { text: string }[] }).lines;
    expect(greped.length).toBeGreaterThan(0);
    expect(greped.every((l) => /[02468]$/.test(l.text))).toBe(true);
  });

  it("follows for a bounded time and relays new lines as progress", async () => {
    const progress: string[] = [];
    const t0 = Date.now();
    const r = await kernel.call(
      "docker_compose_logs",
      { project, services: ["worker"], tail: 0, follow: true, duration: 2 },
      { onProgress: (m) => progress.push(m) },
    );
    expect(r.isError, r.text).toBe(false);
    expect(Date.now() - t0).toBeLessThan(6_000);
    const out = r.structured as { lines: { text: string }[]; followed_ms: number };
    expect(out.followed_ms).toBeGreaterThanOrEqual(1_900);
    expect(out.lines.length).toBeGreaterThan(3);
    expect(progress.join("\n")).toMatch(/worker \| worker-line-\d+/);
    // No line twice.
    expect(new Set(out.lines.map((l) => l.text)).size).toBe(out.lines.length);
  });

  it("restarts every container of the project", async () => {
    const r = await kernel.call("docker_compose_restart", { project, timeout: 1 });
    expect(r.isError, r.text).toBe(false);
    const out = r.structured as { results: { container: string; status: string }[] };
    expect(out.results.map((x) => [x.container, x.status])).toEqual([
      [`${project}_web_1`, "done"],
      [`${project}_worker_1`, "done"],
    ]);
  });

  it("refuses down while a project container is hidden by policy, and touches nothing", async () => {
    const { kernel: strict } = makeKernel({
      permissions: { lifecycle: true, blacklist_containers: [`${project}_worker_*`] },
    });
    const r = await strict.call("docker_compose_down", { project });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/1 container the policy hides/);
    expect(projectContainerNames(project)).toHaveLength(2);
  });

  it("goes down keeping its volume, then down with volumes removes it", async () => {
    const down = await kernel.call("docker_compose_down", { project });
    expect(down.isError, down.text).toBe(false);
    expect((down.structured as { removed: string[] }).removed.sort()).toEqual([
      `${project}_web_1`,
      `${project}_worker_1`,
    ]);
    expect(projectContainerNames(project)).toEqual([]);
    expect(networkExists(`${project}_default`)).toBe(false);
    expect(volumeExists(`${project}_data`)).toBe(true);

    const withVolumes = await kernel.call("docker_compose_down", { file, project, volumes: true });
    expect(withVolumes.isError, withVolumes.text).toBe(false);
    expect(volumeExists(`${project}_data`)).toBe(false);
  });
});
