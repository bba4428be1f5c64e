import { rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ensureBusyboxImage, waitFor } from "@arktechnwa/docker-mcp-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cleanup,
  created,
  dockerOutAsync,
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

  interface Followed {
    lines: { service: string; container: string; text: string; time: string }[];
    followed_ms: number;
    follow: { stopped_by: string; reason: string; lines_seen: number; duration_s: number };
  }
  const workerNumbers = (lines: { text: string }[]) =>
    lines.flatMap((l) => {
      const m = /^worker-line-(\d+)$/.exec(l.text);
      return m ? [Number(m[1])] : [];
    });

  it("follows for a bounded time, relaying new lines as progress while it runs, none lost or twice after the tail", async () => {
    const progress: { at: number; message: string }[] = [];
    const t0 = Date.now();
    const r = await kernel.call(
      "docker_compose_logs",
      { project, services: ["worker"], tail: 3, follow: true, duration: 2 },
      { onProgress: (message) => progress.push({ at: Date.now() - t0, message }) },
    );
    expect(r.isError, r.text).toBe(false);
    const took = Date.now() - t0;
    expect(took).toBeLessThan(4_000);
    const out = r.structured as unknown as Followed;
    expect(out.follow.stopped_by).toBe("duration");
    expect(out.follow.reason).toBe("followed for the 2 s asked");
    expect(out.followed_ms).toBeGreaterThanOrEqual(1_900);
    // A line every 200 ms for 2 s: the tail's 3, then about 10 new ones.
    const numbers = workerNumbers(out.lines);
    expect(numbers.length).toBeGreaterThanOrEqual(3 + 6);
    // Consecutive: the tail and the follow meet without a gap or a repeat.
    for (let i = 1; i < numbers.length; i++) expect(numbers[i]).toBe((numbers[i - 1] as number) + 1);
    expect(out.follow.lines_seen).toBe(numbers.length - 3);
    // Live: several chunks, the first well before the end (a poll every second would send 2 at most).
    const chunks = progress.filter((p) => /worker \| worker-line-\d+/.test(p.message));
    expect(chunks.length).toBeGreaterThanOrEqual(4);
    expect(chunks[0]?.at).toBeLessThan(1_000);
    expect(r.text).toMatch(/^worker \| worker-line-\d+$/m);
  });

  it("stops after max_lines (counted after grep) and says so", async () => {
    const t0 = Date.now();
    const r = await kernel.call("docker_compose_logs", {
      project,
      tail: 0,
      grep: "/line-\\d*[02468]$/",
      follow: true,
      max_lines: 3,
      duration: 30,
    });
    expect(r.isError, r.text).toBe(false);
    const out = r.structured as unknown as Followed;
    expect(out.follow.stopped_by).toBe("max_lines");
    expect(out.follow.reason).toBe("stopped after 3 lines (max_lines)");
    const numbers = workerNumbers(out.lines);
    expect(numbers).toHaveLength(3);
    expect(numbers.every((n) => n % 2 === 0)).toBe(true);
    // Three even lines come within about 1.2 s.
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it("a cancel ends the follow at once", async () => {
    const controller = new AbortController();
    let cancelledAt = 0;
    const r = await kernel.call(
      "docker_compose_logs",
      { project, tail: 0, follow: true, duration: 60 },
      {
        signal: controller.signal,
        onProgress: (message) => {
          if (!cancelledAt && /worker-line/.test(message)) {
            cancelledAt = Date.now();
            controller.abort();
          }
        },
      },
    );
    const after = Date.now() - cancelledAt;
    expect(cancelledAt).toBeGreaterThan(0);
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/cancel/i);
    expect(after).toBeLessThan(200);
    console.log(`[neverhang] compose follow answered ${after} ms after the cancel`);
  });

  it("refuses duration or max_lines without follow, saying what to add", async () => {
    const r = await kernel.call("docker_compose_logs", { project, duration: 5 });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/apply to follow only: add follow: true/);
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

  it("a follow ends when every followed container has stopped, with what they wrote", async () => {
    const progress: string[] = [];
    let stopping: Promise<string> | undefined;
    const t0 = Date.now();
    const r = await kernel.call(
      "docker_compose_logs",
      { project, tail: 0, follow: true, duration: 60 },
      {
        onProgress: (message) => {
          progress.push(message);
          if (!stopping && /worker-line/.test(message)) {
            stopping = Promise.all([
              dockerOutAsync(["stop", "-t", "1", `${project}_worker_1`]),
              dockerOutAsync(["stop", "-t", "1", `${project}_web_1`]),
            ]).then(() => "stopped");
          }
        },
      },
    );
    expect(await stopping).toBe("stopped");
    expect(r.isError, r.text).toBe(false);
    const out = r.structured as unknown as Followed;
    expect(out.follow.stopped_by).toBe("container_stopped");
    expect(out.follow.reason).toBe("all 2 containers stopped, so their logs ended");
    expect(workerNumbers(out.lines).length).toBeGreaterThan(0);
    expect(Date.now() - t0).toBeLessThan(15_000);
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

describe("the project's .env at run time", () => {
  const project = projectName("dotenv");
  const file = writeProject("dotenv", `version: "2.4"\nservices:\n${service("web")}`);
  created.push({ project, file });
  const { kernel } = makeKernel({ permissions: { lifecycle: true, create: true } });

  it("is not read again by the CLI that runs the judged model (its COMPOSE_* settings were not judged)", async () => {
    // Read by compose v1 when it talks to the daemon, this setting makes every such command fail;
    // `config` (the check) does not talk to the daemon, so only a CLI that reads .env again breaks.
    const dotenv = join(dirname(file), ".env");
    writeFileSync(dotenv, "COMPOSE_API_VERSION=1.0\n");
    try {
      const up = await kernel.call("docker_compose_up", { file, project });
      expect(up.isError, up.text).toBe(false);
      expect(projectContainerNames(project)).toEqual([`${project}_web_1`]);
      const down = await kernel.call("docker_compose_down", { file, project });
      expect(down.isError, down.text).toBe(false);
      expect(projectContainerNames(project)).toEqual([]);
    } finally {
      rmSync(dotenv, { force: true });
    }
  });
});
