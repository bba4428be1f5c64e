import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Decision, decide, loadPolicy, type Policy, PolicyError, visible } from "../src/index.js";

const pattern = fc.oneof(
  fc.string({ minLength: 1, maxLength: 12 }),
  fc.constantFrom("*", "*-db", "web*", "nginx:*", "myorg/*", "a*b", "/x", "?", "[", "."),
);
const patterns = fc.array(pattern, { maxLength: 6 });
const shellToken = fc.constantFrom(
  "rm",
  "-rf",
  "-r",
  "-f",
  "/",
  " ",
  "  ",
  "'",
  '"',
  "\\",
  "$(",
  ")",
  "(",
  "`",
  ";",
  "&&",
  "||",
  "|",
  "&",
  "\n",
  ">",
  ">/dev/sda",
  "2>&1",
  "<<",
  "sh -c ",
  "bash -c '",
  "$'\\x",
  "${IFS}",
  "{a,b}",
  "#",
  "sudo",
  "env -S",
  "xargs",
  "find . -exec",
  "\\;",
  "dd if=",
  "mkfs.",
  "$((",
  "<(",
);
const shellString = fc.array(shellToken, { maxLength: 25 }).map((t) => t.join(""));

const documentArb = fc.record(
  {
    permissions: fc.record(
      {
        read: fc.boolean(),
        lifecycle: fc.boolean(),
        exec: fc.boolean(),
        create: fc.boolean(),
        images: fc.boolean(),
        whitelist_containers: patterns,
        blacklist_containers: patterns,
        whitelist_images: patterns,
        blacklist_images: patterns,
        whitelist_volumes: patterns,
        blacklist_volumes: patterns,
      },
      { requiredKeys: [] },
    ),
    exec_safety: fc.record(
      {
        blocked_commands: fc.array(
          fc.oneof(
            fc.constantFrom("rm -rf", "dd if=", "mkfs", "> /dev/", "curl", "chmod -R 777"),
            fc.string({ minLength: 1 }),
          ),
          { maxLength: 5 },
        ),
        allowed_commands: fc.array(fc.stringMatching(/^[a-z*_.-]{1,8}$/), { maxLength: 4 }),
        max_output: fc.integer({ min: 1, max: 1_000_000 }),
        timeout: fc.oneof(fc.constantFrom("30s", "2m", "500ms", "1m30s"), fc.integer({ min: 1, max: 600 })),
      },
      { requiredKeys: [] },
    ),
    create_safety: fc.record(
      {
        allow_privileged: fc.boolean(),
        allow_cap_add: fc.oneof(fc.boolean(), fc.array(fc.constantFrom("NET_ADMIN", "SYS_TIME", "ALL"))),
        blocked_bind_mounts: fc.array(fc.constantFrom("/", "/etc", "/var/run/docker.sock", "/data")),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);

/** Documents whose blocked commands are all usable load; the others throw PolicyError, which is fine. */
function tryLoad(doc: unknown, bypass = false): Policy | undefined {
  try {
    return loadPolicy(doc, { bypass });
  } catch (error) {
    if (error instanceof PolicyError) return undefined;
    throw error;
  }
}

const name = fc.oneof(
  fc.string({ maxLength: 16 }),
  fc.constantFrom("/web", "nginx:1.27", "docker.io/library/nginx", ""),
);
const resourceArb = fc.record(
  {
    kind: fc.oneof(
      fc.constantFrom("container", "image", "volume", "network", "compose_project"),
      fc.string(),
    ),
    names: fc.array(name, { maxLength: 3 }),
    id: fc.stringMatching(/^[0-9a-f]{0,64}$/),
    image: name,
  },
  { requiredKeys: ["kind", "names"] },
);
const requestArb = fc.oneof(
  fc.record(
    {
      tool: fc.string(),
      levels: fc.array(
        fc.oneof(fc.constantFrom("read", "exec", "lifecycle", "create", "system"), fc.string()),
        {
          maxLength: 3,
        },
      ),
      resources: fc.array(resourceArb, { maxLength: 3 }),
      command: fc.oneof(
        fc.array(fc.string(), { maxLength: 4 }),
        shellString.map((s) => [s]),
        fc.array(shellString, { maxLength: 3 }),
      ),
      create: fc.record(
        {
          privileged: fc.boolean(),
          networkMode: fc.constantFrom("host", "bridge", "container:x"),
          capAdd: fc.array(fc.string(), { maxLength: 3 }),
          binds: fc.array(
            fc.oneof(fc.string(), fc.constantFrom("/etc:/x", "/", "//var/run/../run", "vol:/data")),
            {
              maxLength: 3,
            },
          ),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: ["tool", "levels"] },
  ),
  fc.anything(),
);

function wellFormed(d: Decision, policy: Policy): void {
  expect(typeof d.allowed).toBe("boolean");
  expect(d.reasons.length).toBeGreaterThan(0);
  for (const r of d.reasons) {
    expect(typeof r.code).toBe("string");
    expect(r.message.length).toBeGreaterThan(10);
  }
  expect(d.revision).toBe(policy.revision);
  if (d.allowed) expect(["allowed", "bypass"]).toContain(d.reasons[0]?.code);
}

describe("properties", () => {
  it("a blacklisted name is denied whatever the whitelist says", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 20 }),
        patterns,
        patterns,
        fc.boolean(),
        fc.constantFrom("container", "volume", "network", "compose_project"),
        (target, otherBlack, white, whitelistTarget, kind) => {
          const plural = `${kind}s`;
          const policy = tryLoad({
            permissions: {
              [`blacklist_${plural}`]: [...otherBlack, target],
              [`whitelist_${plural}`]: whitelistTarget ? [...white, target, "*"] : white,
            },
          });
          if (policy === undefined) return;
          const d = decide(policy, { tool: "t", levels: ["read"], resources: [{ kind, names: [target] }] });
          expect(d.allowed).toBe(false);
          expect(d.reasons.map((r) => r.code)).toContain("blacklisted");
          expect(visible(policy, kind, [{ names: [target] }])).toEqual([]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("a name matching a blacklisted wildcard is denied whatever the whitelist says", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 8 }),
        fc.string({ maxLength: 8 }),
        fc.string({ maxLength: 8 }),
        patterns,
        (a, b, c, white) => {
          const policy = loadPolicy({
            permissions: {
              blacklist_volumes: [`${a.replaceAll("*", "")}*${c.replaceAll("*", "")}`],
              whitelist_volumes: [...white, "*"],
            },
          });
          const target = `${a.replaceAll("*", "")}${b}${c.replaceAll("*", "")}`;
          const d = decide(policy, {
            tool: "t",
            levels: ["read"],
            resources: [{ kind: "volume", names: [target] }],
          });
          expect(d.allowed).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("decide never throws and always explains itself, for any request on any valid policy", () => {
    fc.assert(
      fc.property(documentArb, fc.boolean(), requestArb, (doc, bypass, request) => {
        const policy = tryLoad(doc, bypass);
        if (policy === undefined) return;
        const d = decide(policy, request as never);
        wellFormed(d, policy);
        if (bypass) expect(d.allowed).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it("decide is deterministic", () => {
    fc.assert(
      fc.property(documentArb, requestArb, (doc, request) => {
        const policy = tryLoad(doc);
        if (policy === undefined) return;
        expect(decide(policy, request as never)).toEqual(decide(policy, request as never));
      }),
      { numRuns: 300 },
    );
  });

  it("the order of list entries never changes a decision", () => {
    fc.assert(
      fc.property(documentArb, requestArb, (doc, request) => {
        const policy = tryLoad(doc);
        if (policy === undefined) return;
        const reversed = JSON.parse(JSON.stringify(doc), (_k, v) =>
          Array.isArray(v) ? [...v].reverse() : v,
        );
        const other = loadPolicy(reversed);
        expect(other.revision).toBe(policy.revision);
        expect(decide(other, request as never)).toEqual(decide(policy, request as never));
      }),
      { numRuns: 300 },
    );
  });

  it("loadPolicy throws nothing but PolicyError on arbitrary JSON", () => {
    const near = fc.record(
      {
        permissions: fc.dictionary(
          fc.oneof(fc.constantFrom("read", "exec", "whitelist_containers", "blacklist_images"), fc.string()),
          fc.jsonValue(),
        ),
        exec_safety: fc.dictionary(
          fc.oneof(
            fc.constantFrom("blocked_commands", "allowed_commands", "timeout", "max_output"),
            fc.string(),
          ),
          fc.jsonValue(),
        ),
        create_safety: fc.dictionary(
          fc.constantFrom("allow_cap_add", "blocked_bind_mounts", "x"),
          fc.jsonValue(),
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), near), (doc) => {
        try {
          const policy = loadPolicy(doc);
          expect(policy.revision).toMatch(/^[0-9a-f]{12}$/);
        } catch (error) {
          expect(error).toBeInstanceOf(PolicyError);
          const issues = (error as PolicyError).issues;
          expect(issues.length).toBeGreaterThan(0);
          for (const i of issues) {
            expect(typeof i.path).toBe("string");
            expect(i.message.length).toBeGreaterThan(5);
          }
        }
      }),
      { numRuns: 1500 },
    );
  });

  it("exec analysis of shell-like noise never throws", () => {
    const policy = loadPolicy({
      permissions: { exec: true },
      exec_safety: { allowed_commands: ["ls", "cat"] },
    });
    fc.assert(
      fc.property(shellString, fc.string(), (s, t) => {
        wellFormed(decide(policy, { tool: "t", levels: ["exec"], command: [s] }), policy);
        wellFormed(decide(policy, { tool: "t", levels: ["exec"], command: [t] }), policy);
        wellFormed(decide(policy, { tool: "t", levels: ["exec"], command: ["sh", "-c", s] }), policy);
      }),
      { numRuns: 2000 },
    );
  });
});
