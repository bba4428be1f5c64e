import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "./tls-daemon.js";
import { waitFor } from "./wait-for.js";

export interface LocalSshd {
  /** The Host alias to connect to (ssh://ALIAS as a Docker host). */
  alias: string;
  /** An ssh program that knows the alias (a wrapper running ssh -F with the test's ssh config). */
  command: string;
  /** The client's ssh config file (its path tells this test's ssh children apart: pgrep -f). */
  configFile: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * sshd on 127.0.0.1 with its own host key and one authorized test key, every file in `dir`; a session
 * gets DOCKER_HOST=`dockerHost`, so `ssh ALIAS docker system dial-stdio` reaches that daemon, as a
 * remote Docker host over SSH does. Needs root (sshd) and openssh-server.
 */
export async function startLocalSshd(options: {
  dir: string;
  dockerHost: string;
  /** A file each start of `command` appends its arguments to (how many SSH sessions were opened). */
  startsLog?: string;
}): Promise<LocalSshd> {
  const { dir } = options;
  const port = await freePort();
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "host_key")]);
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "client_key")]);
  writeFileSync(join(dir, "authorized_keys"), readFileSync(join(dir, "client_key.pub")));
  const config = join(dir, "sshd_config");
  writeFileSync(
    config,
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${join(dir, "host_key")}`,
      `PidFile ${join(dir, "sshd.pid")}`,
      `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "PermitRootLogin prohibit-password",
      "StrictModes no",
      "UsePAM no",
      `SetEnv DOCKER_HOST=${options.dockerHost}`,
      "",
    ].join("\n"),
  );
  mkdirSync("/run/sshd", { recursive: true });
  const sshd: ChildProcess = spawn("/usr/sbin/sshd", ["-D", "-e", "-f", config], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  sshd.stderr?.on("data", (d: Buffer) => {
    log += d.toString();
  });
  const stop = async () => {
    if (sshd.exitCode !== null || sshd.signalCode !== null) return;
    const exited = new Promise((resolve) => sshd.once("exit", resolve));
    sshd.kill("SIGTERM");
    await exited;
  };
  // The client side: a Host alias in an ssh config file, as a user's ~/.ssh/config would have it.
  const alias = "dmcp-test";
  const configFile = join(dir, "ssh_config");
  writeFileSync(
    configFile,
    [
      `Host ${alias}`,
      "  HostName 127.0.0.1",
      `  Port ${port}`,
      "  User root",
      `  IdentityFile ${join(dir, "client_key")}`,
      "  IdentitiesOnly yes",
      `  UserKnownHostsFile ${join(dir, "known_hosts")}`,
      "  StrictHostKeyChecking accept-new",
      "",
    ].join("\n"),
  );
  const command = join(dir, "ssh");
  const logStart = options.startsLog ? `echo "$*" >> ${options.startsLog}\n` : "";
  writeFileSync(command, `#!/bin/sh\n${logStart}exec ssh -F ${configFile} "$@"\n`);
  chmodSync(command, 0o755);
  await waitFor(
    "sshd to accept the test key",
    async () => {
      try {
        execFileSync(command, [alias, "true"], { stdio: "pipe", timeout: 5_000 });
        return true;
      } catch {
        return false;
      }
    },
    { timeoutMs: 20_000, intervalMs: 500 },
  ).catch(async (error: Error) => {
    await stop();
    throw new Error(`${error.message}; sshd said: ${log}`);
  });
  return { alias, command, configFile, port, stop };
}
