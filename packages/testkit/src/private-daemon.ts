import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { openSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBusyboxImage } from "./busybox-image.js";
import { type DockerCliOptions, docker } from "./docker-cli.js";

export interface PrivateDaemonOptions {
  /** Images copied from the shared daemon into the new one (default: the busybox test image). */
  images?: string[];
  /** More dockerd flags (e.g. a TLS listener). Never `--bridge`: the helper gives each daemon its own. */
  extraArgs?: string[];
  /** How long dockerd may take to answer (default 60 s). */
  timeoutMs?: number;
}

export interface PrivateDaemon {
  /** `unix:///.../docker.sock`: for DOCKER_HOST, `docker -H` or the engine's `host` option. */
  host: string;
  socketPath: string;
  /** dockerd's process ID: SIGSTOP it to make every API call hang, SIGCONT to resume (changes on restart). */
  readonly pid: number;
  /** Its own directory (data-root, exec-root, pidfile, socket and log live below it). */
  dir: string;
  /** Its own bridge and subnet (10.x.y.0/24). */
  bridge: string;
  subnet: string;
  /** Runs the docker CLI against this daemon. */
  docker(args: readonly string[], options?: Omit<DockerCliOptions, "host">): Promise<string>;
  /** The last lines of dockerd's log, for failure messages. */
  log(lines?: number): string;
  /**
   * Kills dockerd and its containerd at once (SIGKILL to its group: a crash). What it leaves behind
   * (container shims and the containers' processes) is killed by stop(), found by this daemon's
   * directory and its containers' IDs, never by name.
   */
  crash(): Promise<void>;
  /**
   * Starts dockerd again on the same directories, socket and bridge (crashing it first if it runs), and
   * waits until it answers. The containers that ran are stopped by the new dockerd (no live restore).
   */
  restart(): Promise<void>;
  /** Stops dockerd by its pid (SIGCONT first, in case a test froze it), deletes its bridge and directory. */
  stop(): Promise<void>;
}

const running = new Set<number>();
let exitHook = false;

/**
 * Starts a dockerd of its own for tests that must not touch the shared daemon (prunes, frozen daemons,
 * several hosts): its own data-root, exec-root, pidfile, socket and containerd, and its own bridge with
 * a distinct name and subnet. Never `--bridge=none` (dockerd would delete the host's docker0) and never
 * the default bridge (it would fight the shared daemon over docker0). iptables and masquerading are
 * off, so the host's firewall is left alone. The busybox test image is loaded into it. Whatever fails
 * on the way is cleaned up before the error is thrown.
 */
export async function startPrivateDaemon(options: PrivateDaemonOptions = {}): Promise<PrivateDaemon> {
  const images = options.images ?? [await ensureBusyboxImage()];
  const dir = await mkdtemp(join(tmpdir(), "docker-mcp-daemon-"));
  const socketPath = join(dir, "docker.sock");
  const host = `unix://${socketPath}`;
  const pidfile = join(dir, "docker.pid");
  const logFile = join(dir, "dockerd.log");
  const { bridge, subnet, gateway } = await pickBridge();
  let child: ChildProcess | undefined;
  let bridgeMade = false;

  const log = (lines = 30) => {
    try {
      return readFileSync(logFile, "utf8").split("\n").slice(-lines).join("\n");
    } catch {
      return "(no log)";
    }
  };
  let crashed = false;
  // Host bridges of the networks this daemon made (compose projects, docker network create): they stay
  // on the host when dockerd stops, and each holds one of the default address pools, until the shared
  // daemon finds none free ("could not find an available, non-overlapping IPv4 address pool").
  const networkLinks = new Set<string>();
  const gwbridgeBefore = await run("ip", ["link", "show", "docker_gwbridge"]).then(
    () => true,
    () => false,
  );
  const learnNetworks = async () => {
    const out = await docker(
      ["network", "ls", "--no-trunc", "--filter", "driver=bridge", "--format", "{{.ID}} {{.Name}}"],
      {
        host,
        timeoutMs: 5_000,
      },
    ).catch(() => "");
    for (const line of out.split("\n")) {
      const [id, name] = line.trim().split(" ");
      if (!id || !name || name === "bridge") continue;
      if (name === "docker_gwbridge") {
        if (!gwbridgeBefore) networkLinks.add("docker_gwbridge");
      } else networkLinks.add(`br-${id.slice(0, 12)}`);
    }
  };
  const stop = async () => {
    if (!crashed && child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(child.pid, "SIGCONT");
      } catch {
        // gone
      }
      await learnNetworks();
    }
    if (child?.pid !== undefined) {
      await stopProcess(child);
      running.delete(child.pid);
    }
    if (crashed) {
      killLeftovers(dir);
      // A crashed dockerd leaves its mounts (network namespaces, container file systems): deepest first.
      const mounts = readFileSync("/proc/mounts", "utf8")
        .split("\n")
        .map((line) => line.split(" ")[1] ?? "")
        .filter((path) => path.startsWith(`${dir}/`))
        .sort()
        .reverse();
      for (const path of mounts) await run("umount", [path]).catch(() => {});
    }
    if (bridgeMade) await run("ip", ["link", "del", bridge]).catch(() => {});
    for (const link of networkLinks) await run("ip", ["link", "del", link]).catch(() => {});
    await rm(dir, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
  };

  try {
    await run("ip", ["link", "add", bridge, "type", "bridge"]);
    bridgeMade = true;
    await run("ip", ["addr", "add", `${gateway}/24`, "dev", bridge]);
    await run("ip", ["link", "set", bridge, "up"]);

    const launch = async () => {
      const out = openSync(logFile, "a");
      const started = spawn(
        "dockerd",
        [
          "--data-root",
          join(dir, "data"),
          "--exec-root",
          join(dir, "exec"),
          "--pidfile",
          pidfile,
          "-H",
          host,
          `--bridge=${bridge}`,
          "--iptables=false",
          "--ip-masq=false",
          ...(options.extraArgs ?? []),
        ],
        { stdio: ["ignore", out, out], detached: true },
      );
      child = started;
      const pid = started.pid;
      if (pid === undefined) throw new Error("dockerd could not be started (is it installed?)");
      running.add(pid);
      installExitHook();
      let exited: string | undefined;
      started.once("exit", (code, signal) => {
        exited = `dockerd exited (${signal ?? `code ${code}`})`;
      });

      const deadline = Date.now() + (options.timeoutMs ?? 60_000);
      for (;;) {
        const ok = await docker(["version", "--format", "{{.Server.Version}}"], {
          host,
          timeoutMs: 5_000,
        }).then(
          () => true,
          () => false,
        );
        if (ok) break;
        if (exited !== undefined || Date.now() > deadline) {
          throw new Error(`${exited ?? "dockerd did not answer in time"}; its log ends with:\n${log()}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };
    await launch();
    for (const image of images) await copyImage(image, host);

    const crash = async () => {
      const old = child;
      if (old?.pid === undefined || old.exitCode !== null || old.signalCode !== null) return;
      // Learned while it answers: after the crash the bridges of its networks are still to delete.
      try {
        process.kill(old.pid, "SIGCONT");
      } catch {
        // gone
      }
      await learnNetworks();
      const gone = new Promise((resolve) => old.once("exit", resolve));
      try {
        process.kill(-old.pid, "SIGCONT");
        process.kill(-old.pid, "SIGKILL");
      } catch {
        // already gone
      }
      await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      crashed = true;
    };

    return {
      host,
      socketPath,
      get pid() {
        return child?.pid as number;
      },
      dir,
      bridge,
      subnet,
      docker: (args, opts = {}) => docker(args, { ...opts, host }),
      log,
      crash,
      async restart() {
        await crash();
        await forgetContainerd(dir);
        await rm(pidfile, { force: true });
        await launch();
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** SIGCONT (a test may have frozen it), SIGTERM, then SIGKILL of its group after 20 s. */
async function stopProcess(child: ChildProcess): Promise<void> {
  const pid = child.pid as number;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once("exit", resolve));
  try {
    process.kill(pid, "SIGCONT");
    process.kill(pid, "SIGTERM");
  } catch {
    return;
  }
  const timer = new Promise((resolve) => setTimeout(resolve, 20_000));
  await Promise.race([gone, timer]);
  if (child.exitCode === null && child.signalCode === null) {
    try {
      // dockerd leads its own group (detached): this takes its containerd with it.
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
    await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  }
}

/** A test that dies without its afterAll must not leave a dockerd behind. */
function installExitHook(): void {
  if (exitHook) return;
  exitHook = true;
  process.once("exit", () => {
    for (const pid of running) {
      try {
        process.kill(pid, "SIGCONT");
        process.kill(pid, "SIGTERM");
      } catch {
        // gone
      }
    }
  });
}

/** A bridge name and a /24 that no interface or route of this host uses yet. */
async function pickBridge(): Promise<{ bridge: string; subnet: string; gateway: string }> {
  const routes = await run("ip", ["-4", "route", "show"]).catch(() => "");
  const addrs = await run("ip", ["-4", "-o", "addr", "show"]).catch(() => "");
  const links = await run("ip", ["-o", "link", "show"]).catch(() => "");
  for (let attempt = 0; attempt < 50; attempt++) {
    const [a, b] = randomBytes(2);
    const prefix = `10.${200 + ((a as number) % 50)}.${b as number}`;
    const bridge = `dmcp${randomBytes(3).toString("hex")}`;
    if (routes.includes(`${prefix}.`) || addrs.includes(`${prefix}.`) || links.includes(bridge)) continue;
    return { bridge, subnet: `${prefix}.0/24`, gateway: `${prefix}.1` };
  }
  throw new Error("Could not find a free 10.x.y.0/24 for a private daemon's bridge.");
}

/** `docker save IMAGE | docker -H HOST load`. */
async function copyImage(image: string, host: string): Promise<void> {
  const save = spawn("docker", ["save", image], { stdio: ["ignore", "pipe", "pipe"] });
  const load = spawn("docker", ["-H", host, "load", "--quiet"], { stdio: ["pipe", "ignore", "pipe"] });
  let stderr = "";
  const collect = (d: Buffer) => {
    stderr += d.toString();
  };
  save.stderr?.on("data", collect);
  load.stderr?.on("data", collect);
  save.stdout?.pipe(load.stdin as NodeJS.WritableStream);
  const exit = (child: ChildProcess) =>
    new Promise<number | null>((resolve) => {
      child.once("error", () => resolve(-1));
      child.once("exit", (code) => resolve(code));
    });
  const timer = setTimeout(() => {
    save.kill("SIGKILL");
    load.kill("SIGKILL");
  }, 120_000);
  const [saved, loaded] = await Promise.all([exit(save), exit(load)]);
  clearTimeout(timer);
  if (saved !== 0 || loaded !== 0) {
    throw new Error(`Copying ${image} into the private daemon failed: ${stderr.trim() || "killed"}`);
  }
}

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 15_000, encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(" ")} failed: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

/**
 * Before dockerd starts again on a crashed daemon's directories: its containerd (a group of its own,
 * killed by the kernel when dockerd dies, but not at once) must be gone and its pidfile removed. A
 * new dockerd that finds containerd.pid naming a live process (the dying containerd, or another
 * process that got the pid) does not start its own and waits for that one's socket until it gives up
 * ("timed out waiting for containerd").
 */
async function forgetContainerd(dir: string): Promise<void> {
  const pidfile = join(dir, "exec", "containerd", "containerd.pid");
  let pid = 0;
  try {
    pid = Number(readFileSync(pidfile, "utf8").trim());
  } catch {
    return;
  }
  const ours = () => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) return false;
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(dir);
    } catch {
      return false;
    }
  };
  const deadline = Date.now() + 5_000;
  while (pid > 0 && ours() && Date.now() < deadline + 5_000) {
    if (Date.now() > deadline) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await rm(pidfile, { force: true });
}

/**
 * After a crash: kills this daemon's container shims (their command line names its directory) and
 * its containers' processes (their cgroup names a container ID of its data-root). Nothing else.
 */
function killLeftovers(dir: string): void {
  let ids: string[] = [];
  try {
    ids = readdirSync(join(dir, "data", "containers")).filter((id) => /^[0-9a-f]{64}$/.test(id));
  } catch {
    // no containers
  }
  let pids: string[] = [];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return;
  }
  for (const pid of pids) {
    let cmdline = "";
    let cgroup = "";
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      cgroup = readFileSync(`/proc/${pid}/cgroup`, "utf8");
    } catch {
      continue;
    }
    if (cmdline.includes(dir) || ids.some((id) => cgroup.includes(id))) {
      try {
        process.kill(Number(pid), "SIGKILL");
      } catch {
        // gone
      }
    }
  }
}
