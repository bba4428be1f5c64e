// Micro-benchmark: decisions per second for a realistic policy with 20 patterns per list.
// Run after a build: `pnpm --filter @arktechnwa/mcp-policy build && pnpm --filter @arktechnwa/mcp-policy bench`.
import { decide, loadPolicy } from "../dist/index.js";

const twenty = (make) => Array.from({ length: 20 }, (_, i) => make(i));
const policy = loadPolicy({
  permissions: {
    read: true,
    lifecycle: true,
    exec: true,
    create: true,
    images: true,
    whitelist_containers: twenty((i) => (i % 2 === 0 ? `team${i}-*` : `service-${i}`)),
    blacklist_containers: twenty((i) => (i % 2 === 0 ? `*-db${i}` : `vault-${i}`)),
    whitelist_images: twenty((i) => (i % 2 === 0 ? `org${i}/*` : `nginx${i}:*`)),
    blacklist_images: twenty((i) => (i % 2 === 0 ? `postgres${i}:*` : `secret${i}/*`)),
    whitelist_volumes: twenty((i) => `vol-${i}-*`),
    blacklist_volumes: twenty((i) => `vol-${i}-secret`),
  },
  exec_safety: {
    blocked_commands: [
      "rm -rf",
      "dd if=",
      "mkfs",
      "> /dev/",
      ...twenty((i) => `danger${i} --force`).slice(0, 16),
    ],
    allowed_commands: twenty(
      (i) =>
        ["ls", "cat", "grep", "ps", "df", "echo", "sh", "head", "tail", "env"][i % 10] + (i >= 10 ? i : ""),
    ),
  },
});

const scenarios = {
  "lifecycle on a whitelisted container": {
    tool: "docker_restart",
    levels: ["lifecycle"],
    resources: [{ kind: "container", names: ["/team4-api"], id: "f".repeat(64), image: "org4/api:1.2" }],
  },
  "denied: blacklisted container": {
    tool: "docker_stop",
    levels: ["lifecycle"],
    resources: [{ kind: "container", names: ["/team4-db4"], image: "postgres4:16" }],
  },
  "create from an image (long form)": {
    tool: "docker_create",
    levels: ["create"],
    resources: [{ kind: "image", names: ["docker.io/library/nginx3:1.27"] }],
    create: { binds: ["/srv/data:/data"], capAdd: [] },
  },
  "exec with a shell pipeline": {
    tool: "docker_exec",
    levels: ["exec"],
    resources: [{ kind: "container", names: ["/service-3"] }],
    command: ["sh -c 'ps aux | grep node; df -h && cat /etc/hostname'"],
  },
  "exec argv": {
    tool: "docker_exec",
    levels: ["exec"],
    resources: [{ kind: "container", names: ["/service-5"] }],
    command: ["ls", "-la", "/app"],
  },
  "read-only listing call": { tool: "docker_ps", levels: ["read"] },
};

function measure(request, ms = 600) {
  for (let i = 0; i < 20_000; i++) decide(policy, request); // warm up the JIT
  let n = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(ms) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 1000; i++) decide(policy, request);
    n += 1000;
    now = process.hrtime.bigint();
  }
  return n / (Number(now - start) / 1e9);
}

const fmt = (x) => Math.round(x).toLocaleString("en-US").padStart(12);
const mix = Object.values(scenarios);
let total = 0;
for (const [name, request] of Object.entries(scenarios)) {
  const rate = measure(request);
  total += 1 / rate;
  console.log(`${fmt(rate)} decisions/s  ${name}${decide(policy, request).allowed ? "" : " (deny)"}`);
}
console.log(`${fmt(mix.length / total)} decisions/s  mixed (harmonic mean of the above)`);
