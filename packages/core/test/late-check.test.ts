import { loadPolicy } from "@arktechnwa/mcp-policy";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  type AuditRecord,
  createKernel,
  defineTool,
  type LateDecision,
  type Plugin,
  ToolError,
} from "../src/index.js";

/** A tool that learns what it will create only while running, like compose does from its file. */
const planTool = defineTool({
  name: "t_plan",
  title: "Plan",
  description: "judges what it discovers",
  levels: ["create"],
  timeoutClass: "compose",
  effect: "write",
  input: z.strictObject({ name: z.string(), privileged: z.boolean(), build: z.boolean().optional() }),
  output: z.object({ acted: z.boolean() }),
  render: (o) => String(o.acted),
});

function kernelFor(policyDoc: unknown, seen: LateDecision[], audit: AuditRecord[] = []) {
  const plugin: Plugin<undefined> = {
    manifest: { name: "t", apiVersion: 1, tools: [planTool] },
    handlers: {
      t_plan: () => async (input, ctx) => {
        const d = ctx.authorize({
          subject: `service ${input.name}`,
          ...(input.build ? { levels: ["images"] } : {}),
          resources: [
            {
              kind: "container",
              names: [input.name],
              image: "busybox:1",
              related: [{ kind: "compose_project", names: ["proj"] }],
            },
          ],
          create: { privileged: input.privileged },
          composeFiles: ["/srv/proj/compose.yml"],
        });
        seen.push(d);
        if (!d.allowed)
          throw new ToolError(
            d.reasons[0]?.code ?? "denied",
            `Denied by policy: ${d.reasons.map((r) => r.message).join(" ")}`,
          );
        return { acted: true };
      },
    },
  };
  return createKernel({
    plugins: [plugin],
    deps: undefined,
    policy: loadPolicy(policyDoc),
    levels: ["read", "lifecycle", "exec", "create", "images", "volumes", "networks", "system"],
    exec: { maxOutputBytes: 1000, timeoutMs: 1000 },
    timeouts: { compose: 120_000 },
    audit: (r) => audit.push(r),
  });
}

const base = {
  permissions: { create: true, blacklist_containers: ["vault"], blacklist_compose_projects: ["secret-*"] },
  compose_safety: { allowed_directories: ["/srv"] },
};

describe("ctx.authorize (late checks)", () => {
  it("allows what the policy allows", async () => {
    const seen: LateDecision[] = [];
    const r = await kernelFor(base, seen).call("t_plan", { name: "web", privileged: false });
    expect(r.isError).toBe(false);
    expect(seen).toEqual([{ allowed: true, reasons: [] }]);
  });

  it("denies with every reason and audits the call as denied", async () => {
    const seen: LateDecision[] = [];
    const audit: AuditRecord[] = [];
    const r = await kernelFor(base, seen, audit).call("t_plan", { name: "vault", privileged: true });
    expect(r.isError).toBe(true);
    expect(seen[0]?.reasons.map((x) => x.code).sort()).toEqual(["blacklisted", "create_unsafe"]);
    expect(r.text).toMatch(/allow_privileged/);
    expect(audit.at(-1)?.outcome).toBe("denied");
    expect(audit.at(-1)?.targets).toContainEqual(
      expect.objectContaining({ kind: "check", ref: "service vault", allowed: false }),
    );
  });

  it("judges the related compose project, extra levels and compose files", async () => {
    const seen: LateDecision[] = [];
    const k = kernelFor(
      { ...base, permissions: { ...base.permissions, blacklist_compose_projects: ["proj"] } },
      seen,
    );
    expect((await k.call("t_plan", { name: "web", privileged: false })).isError).toBe(true);
    expect(seen[0]?.reasons[0]?.code).toBe("blacklisted");

    const seen2: LateDecision[] = [];
    const k2 = kernelFor(base, seen2);
    expect((await k2.call("t_plan", { name: "web", privileged: false, build: true })).isError).toBe(true);
    expect(seen2[0]?.reasons[0]?.code).toBe("level_off");

    const seen3: LateDecision[] = [];
    const k3 = kernelFor({ permissions: { create: true } }, seen3);
    expect((await k3.call("t_plan", { name: "web", privileged: false })).isError).toBe(true);
    expect(seen3[0]?.reasons[0]?.code).toBe("path_not_allowed");
  });
});
