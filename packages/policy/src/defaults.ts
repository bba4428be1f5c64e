/** Blocked when the document says nothing: the classic "destroy the disk" commands. A speed bump, not a wall. */
export const DEFAULT_BLOCKED_COMMANDS: readonly string[] = Object.freeze([
  "rm -rf",
  "dd if=",
  "mkfs",
  "> /dev/",
]);
export const DEFAULT_MAX_OUTPUT = 10_000;
export const DEFAULT_TIMEOUT = "30s";

/**
 * Host paths a new container may not bind by default: the Docker socket (root on the host), the host's
 * configuration, kernel interfaces, root's home and Docker's own state. `/` is listed for clarity; every
 * ancestor of a blocked path is refused anyway.
 */
export const DEFAULT_BLOCKED_BIND_MOUNTS: readonly string[] = Object.freeze([
  "/",
  "/var/run/docker.sock",
  "/run/docker.sock",
  "/etc",
  "/proc",
  "/sys",
  "/dev",
  "/boot",
  "/root",
  "/var/lib/docker",
  "/run/containerd",
]);

/** The boolean switches of `create_safety`, each off by default, with the request field it governs. */
export const CREATE_SWITCHES = [
  {
    key: "allow_privileged",
    description: "Allow privileged containers (full access to the host's devices).",
  },
  {
    key: "allow_host_network",
    description: "Allow network_mode 'host' (the container shares the host's network stack).",
  },
  {
    key: "allow_host_pid",
    description: "Allow pid_mode 'host' (the container sees and can signal every host process).",
  },
  { key: "allow_host_ipc", description: "Allow ipc_mode 'host' (shared memory with the host)." },
  {
    key: "allow_host_uts",
    description: "Allow uts_mode 'host' (the container can change the host's hostname).",
  },
  {
    key: "allow_host_userns",
    description: "Allow userns_mode 'host' (opt out of user-namespace remapping).",
  },
  { key: "allow_devices", description: "Allow passing host devices into the container." },
  {
    key: "allow_unconfined",
    description:
      "Allow security options that switch confinement off (seccomp/apparmor unconfined, label disable).",
  },
  {
    key: "allow_host_cgroupns",
    description:
      "Allow cgroupns_mode 'host' (compose `cgroup: host`): the container sees the host's whole cgroup tree.",
  },
  {
    key: "allow_cgroup_parent",
    description:
      "Allow cgroup_parent: the container is placed under another cgroup than Docker's, outside the limits Docker sets up (e.g. in another service's slice).",
  },
  {
    key: "allow_device_requests",
    description:
      "Allow device requests (GPUs: --gpus, compose `gpus` and deploy.resources.reservations.devices): the driver passes host devices and its host libraries in.",
  },
] as const;

/** Runtimes that are Docker's default whoever names them: no `allowed_runtimes` entry needed. */
export const DEFAULT_RUNTIMES: readonly string[] = Object.freeze(["runc", "io.containerd.runc.v2"]);

export type CreateSwitchKey = (typeof CREATE_SWITCHES)[number]["key"];
