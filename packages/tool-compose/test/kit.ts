import { execFile, execFileSync } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKernel, type Kernel } from "@arktechnwa/docker-mcp-core";
import { createEngine, type DockerEngine } from "@arktechnwa/docker-mcp-engine";
import { ProcessRegistry } from "@arktechnwa/docker-mcp-process";
import { BUSYBOX_IMAGE, RUN_ID, TEST_LABEL, TEST_RUN_LABEL } from "@arktechnwa/docker-mcp-testkit";
import { loadPolicy } from "@arktechnwa/mcp-policy";
import { type ComposeDeps, type ComposeRunner, composePlugin } from "../src/index.js";

/** A directory of compose projects for this run (the one the policy allows), removed at the end. */
export const ROOT = realpathSync(mkdtempSync(join(tmpdir(), `docker-mcp-compose-${RUN_ID}-`)));
export const ALLOWED = join(ROOT, "allowed");
export const OUTSIDE = join(ROOT, "outside");
mkdirSync(ALLOWED);
mkdirSync(OUTSIDE);

/** Labels every test service carries, so a leftover can be found and removed by run id. */
export const LABELS = { [TEST_LABEL]: "1", [TEST_RUN_LABEL]: RUN_ID };

/** Projects a test brought up: each is brought down (with volumes) at the end. */
export const created: { project: string; file: string }[] = [];

/** Writes `<base>/<dir>/docker-compose.yml` and returns its path. */
export function writeProject(dir: string, yaml: string, base = ALLOWED): string {
  const path = join(base, dir);
  mkdirSync(path, { recursive: true });
  const file = join(path, "docker-compose.yml");
  writeFileSync(file, yaml);
  return file;
}

/** A unique project name for this run. */
export function projectName(what: string): string {
  return `dmc${RUN_ID}${what}`.toLowerCase();
}

export function labelsYaml(indent = "    "): string {
  return `${indent}labels:\n${Object.entries(LABELS)
    .map(([k, v]) => `${indent}  ${k}: "${v}"`)
    .join("\n")}\n`;
}

/** A service running the busybox test image with our labels. */
export function service(name: string, extra = "", command = "sleep 3600"): string {
  // A shell as PID 1 ignores TERM: a short grace keeps stops (restart, down) quick.
  return `  ${name}:\n    image: ${BUSYBOX_IMAGE}\n    command: ["sh", "-c", ${JSON.stringify(command)}]\n    stop_grace_period: 1s\n${labelsYaml()}${extra}`;
}

export interface TestKernel {
  kernel: Kernel;
  engine: DockerEngine;
  processes: ProcessRegistry;
}

export function makeKernel(
  policy: Record<string, unknown>,
  options: {
    composeMs?: number;
    followMs?: number;
    runner?: ComposeRunner;
    deps?: Partial<ComposeDeps>;
  } = {},
): TestKernel {
  const engine = createEngine({});
  const processes = new ProcessRegistry();
  const kernel = createKernel({
    plugins: [composePlugin],
    deps: {
      engine,
      processes,
      ...(options.runner ? { compose: options.runner } : {}),
      ...options.deps,
    },
    policy: loadPolicy({ compose_safety: { allowed_directories: [ALLOWED] }, ...policy }),
    levels: ["read", "lifecycle", "exec", "create", "images", "volumes", "networks", "system"],
    exec: { maxOutputBytes: 10_000, timeoutMs: 30_000 },
    timeouts: {
      read: 30_000,
      lifecycle: 60_000,
      exec: 30_000,
      compose: options.composeMs ?? 120_000,
      follow: options.followMs ?? 300_000,
    },
    breaker: false,
  });
  return { kernel, engine, processes };
}

/** docker CLI, for checks that should not trust the code under test. */
export function dockerOut(args: string[]): string {
  return execFileSync("docker", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** The same without blocking the event loop (for use while a call runs). */
export function dockerOutAsync(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("docker", args, { encoding: "utf8", timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`docker ${args.join(" ")}: ${stderr.trim() || error.message}`));
      else resolve(stdout.trim());
    });
  });
}

export function projectContainerNames(project: string): string[] {
  const out = dockerOut([
    "ps",
    "-a",
    "--filter",
    `label=com.docker.compose.project=${project}`,
    "--format",
    "{{.Names}}",
  ]);
  return out ? out.split("\n").sort() : [];
}

export function networkExists(name: string): boolean {
  return dockerOut(["network", "ls", "--filter", `name=^${name}$`, "--format", "{{.Name}}"]) === name;
}

export function volumeExists(name: string): boolean {
  return dockerOut(["volume", "ls", "--filter", `name=^${name}$`, "--format", "{{.Name}}"]) === name;
}

/** Live (not zombie) processes whose process group is `pgid`, from /proc. */
export function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue;
    }
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) === pgid && fields[0] !== "Z") members.push(Number(name));
  }
  return members;
}

/** Brings every created project down with its volumes, then removes the projects' directory. */
export function cleanup(): void {
  for (const { project, file } of created) {
    try {
      execFileSync("docker-compose", ["-f", file, "-p", project, "down", "--volumes", "--remove-orphans"], {
        stdio: "ignore",
        timeout: 120_000,
      });
    } catch {
      // Fall through to the label sweep below.
    }
  }
  const left = dockerOut(["ps", "-aq", "--filter", `label=${TEST_RUN_LABEL}=${RUN_ID}`]);
  if (left) execFileSync("docker", ["rm", "-f", "-v", ...left.split("\n")], { stdio: "ignore" });
  rmSync(ROOT, { recursive: true, force: true });
}
