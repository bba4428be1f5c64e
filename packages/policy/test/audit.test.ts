import { MASK } from "@arktechnwa/mcp-mask";
import { describe, expect, it } from "vitest";
import { decide, loadPolicy, toAuditRecord } from "../src/index.js";

describe("toAuditRecord", () => {
  const policy = loadPolicy({ permissions: { exec: true, create: true } });

  it("records the request, the decision and the revision at the given time", () => {
    const request = {
      tool: "docker_exec",
      levels: ["exec"],
      resources: [{ kind: "container", names: ["/web"], id: "abc" }],
      command: ["ls"],
    };
    const decision = decide(policy, request);
    const record = toAuditRecord(request, decision, new Date("2025-01-02T03:04:05Z"));
    expect(record).toEqual({
      time: "2025-01-02T03:04:05.000Z",
      tool: "docker_exec",
      levels: ["exec"],
      resources: [{ kind: "container", names: ["/web"], id: "abc" }],
      command: ["ls"],
      allowed: true,
      bypassed: false,
      reasons: decision.reasons,
      revision: policy.revision,
    });
    expect(JSON.parse(JSON.stringify(record))).toEqual(record);
  });

  it("accepts epoch milliseconds and ISO strings", () => {
    const d = decide(policy, { tool: "t", levels: ["read"] });
    expect(toAuditRecord({ tool: "t", levels: ["read"] }, d, 0).time).toBe("1970-01-01T00:00:00.000Z");
    expect(toAuditRecord({ tool: "t", levels: ["read"] }, d, "2025-01-01T00:00:00Z").time).toBe(
      "2025-01-01T00:00:00.000Z",
    );
  });

  it("masks environment values and secrets in the command", () => {
    const command = [
      "env",
      "DATABASE_URL=postgres://app:hunter2@db/app",
      "API_TOKEN=abc123",
      "psql",
      "--password",
      "hunter2",
      "--token=s3cr3t",
      "-e",
      "SECRET=x",
      "postgres://app:hunter2@db/app",
      "ghp_0123456789abcdefghijABCDEFGHIJ",
      "Authorization: Bearer abcdef123456",
    ];
    const request = { tool: "docker_exec", levels: ["exec"], command };
    const record = toAuditRecord(request, decide(policy, request), 0);
    const text = JSON.stringify(record);
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("abc123");
    expect(text).not.toContain("s3cr3t");
    expect(text).not.toContain("ghp_0123456789");
    expect(text).not.toContain("abcdef123456");
    expect(record.command).toContain(`API_TOKEN=${MASK}`);
    expect(record.command).toContain("--password");
    expect(record.command).toContain("psql");
  });

  it("masks secrets in the create spec and in reason messages", () => {
    const request = {
      tool: "docker_create",
      levels: ["create"],
      create: {
        privileged: true,
        env: ["PGPASSWORD=hunter2", "MODE=dev"],
        labels: { api_key: "k-123" },
      } as never,
      command: ["sh -c 'rm -rf / --token=glpat-abcdefghijklmnopqrstu'"],
    };
    const record = toAuditRecord(request, decide(policy, request), 0);
    const text = JSON.stringify(record);
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("k-123");
    expect(text).not.toContain("glpat-abcdefghij");
    expect(record.allowed).toBe(false);
    expect(record.create).toMatchObject({ env: [`PGPASSWORD=${MASK}`, `MODE=${MASK}`], privileged: true });
  });

  it("marks bypassed decisions", () => {
    const bypassed = loadPolicy({}, { bypass: true });
    const request = { tool: "t", levels: ["exec"] };
    expect(toAuditRecord(request, decide(bypassed, request), 0).bypassed).toBe(true);
  });
});
