import { MASK, secretValuesFromArgv, secretValuesFromEnv } from "@arktechnwa/mcp-mask";
import { dockerVocabulary, loadPolicy } from "@arktechnwa/mcp-policy";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  type AuditRecord,
  type CallResult,
  createKernel,
  defineTool,
  KERNEL_API_VERSION,
  type Plugin,
  type ResolvedResource,
  ToolError,
} from "../src/index.js";

// The same secrets go through an answer, an error and an audit record: none may survive in any.

const ENV_VALUE = "Env-Plain-Value-9x";
const ARGV_VALUE = "Argv-Plain-Value-7q";
const URL_PASSWORD = "Url-Pa55word-3k";

/** [what, the text that carries it, the part that must never show]. */
const SECRETS: readonly [string, string, string][] = [
  ["an environment value of the target", ENV_VALUE, ENV_VALUE],
  ["a value from the target's argv", ARGV_VALUE, ARGV_VALUE],
  ["an AWS user key", "AKIAIOSFODNN7EXAMPLE", "IOSFODNN7EXAMPLE"],
  ["an AWS STS key", "ASIAY34FZKBOKMUTVV7A", "Y34FZKBOKMUTVV7A"],
  ["a GitHub token", "ghp_0123456789abcdefghijABCDEFGHIJ012345", "0123456789abcdefghij"],
  ["a GitHub fine-grained token", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopq", "11ABCDEFG0123456789"],
  ["a GitLab token", "glpat-abcdefghij0123456789", "abcdefghij0123456789"],
  ["an Anthropic key", "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123", "abcdefghijklmnopqrstuvwxyz"],
  [
    "a JWT",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "dozjgNryP4J3jVmNHl0w5N",
  ],
  [
    "a private key block",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo\n-----END RSA PRIVATE KEY-----",
    "MIIEowIBAAKCAQEAu1SU1",
  ],
  ["a URL password", `postgres://app:${URL_PASSWORD}@db:5432/app`, URL_PASSWORD],
  ["a secret-named assignment", "API_TOKEN=Assigned-Value-5m", "Assigned-Value-5m"],
];

const NAME = "app-secret-token";
const target: ResolvedResource = {
  kind: "container",
  id: "a".repeat(64),
  names: [NAME],
  image: "busybox:latest",
  secrets: [
    ...secretValuesFromEnv([`DB_PASSWORD=${ENV_VALUE}`, "MODE=prod"]),
    ...secretValuesFromArgv(["server", "--password", ARGV_VALUE]),
  ],
};

const input = z.strictObject({
  container: z.string(),
  command: z.array(z.string()),
  fail: z.boolean().optional(),
});
const runTool = defineTool({
  name: "t_run",
  title: "Run",
  description: "echoes its command, or fails quoting it",
  levels: ["exec"],
  timeoutClass: "exec",
  effect: "destructive",
  input,
  output: z.object({ container: z.string(), stdout: z.string(), command: z.array(z.string()) }),
  targetKinds: ["container"],
  targets: (a) => [{ kind: "container", ref: a.container }],
  command: (a) => a.command,
  render: (o) => `${o.container}: ${o.stdout}`,
});
const listTool = defineTool({
  name: "t_list",
  title: "List",
  description: "lists containers with a status",
  levels: ["read"],
  timeoutClass: "read",
  effect: "read",
  input: z.strictObject({}),
  output: z.object({ rows: z.array(z.object({ name: z.string(), status: z.string() })) }),
  render: (o) => o.rows.map((r) => `${r.name}: ${r.status}`).join("\n"),
});

const plugin: Plugin<unknown> = {
  manifest: { name: "masking", apiVersion: KERNEL_API_VERSION, tools: [runTool, listTool] },
  handlers: {
    t_run: () => async (args: z.output<typeof input>, ctx) => {
      const said = args.command.slice(1).join(" ");
      if (args.fail) throw new ToolError("failed", `the command failed: ${said}`);
      return { container: ctx.targets[0]?.names[0] ?? "?", stdout: `${said}\n`, command: args.command };
    },
    t_list: () => async (_args, ctx) => {
      const { visible } = ctx.visible([target], (c) => c);
      return { rows: visible.map((c) => ({ name: c.names[0] as string, status: "3 lines" })) };
    },
  },
  resolvers: {
    container: () => async (ref) => {
      if (ref !== NAME) throw new ToolError("not_found", `No container "${ref}".`);
      return target;
    },
  },
};

function kernel() {
  const records: AuditRecord[] = [];
  const k = createKernel({
    plugins: [plugin],
    deps: undefined,
    policy: loadPolicy({ permissions: { read: true, exec: true } }),
    levels: dockerVocabulary.levels.map((l) => l.name),
    exec: { maxOutputBytes: 10_000, timeoutMs: 1000 },
    timeouts: { read: 5000, exec: 5000 },
    audit: (r) => records.push(r),
  });
  return { k, records };
}

function everything(result: CallResult, records: AuditRecord[]): string {
  return JSON.stringify({ result, records });
}

describe("one masking table for answers, errors and audit records", () => {
  for (const [what, carrier, hidden] of SECRETS) {
    it(`${what}: not in the answer nor its audit record`, async () => {
      const { k, records } = kernel();
      const r = await k.call("t_run", { container: NAME, command: ["echo", carrier] });
      expect(r.isError).toBe(false);
      expect(records).toHaveLength(1);
      expect(everything(r, records)).not.toContain(hidden);
      expect(r.text).toContain(MASK);
    });

    it(`${what}: not in the error nor its audit record`, async () => {
      const { k, records } = kernel();
      const r = await k.call("t_run", { container: NAME, command: ["echo", carrier], fail: true });
      expect(r).toMatchObject({ isError: true, code: "failed" });
      expect(records[0]?.outcome).toBe("error");
      expect(everything(r, records)).not.toContain(hidden);
      expect(r.text).toContain(MASK);
      expect(records[0]?.error).toContain(MASK);
    });

    it(`${what}: not in a denial's audit record`, async () => {
      const records: AuditRecord[] = [];
      const k = createKernel({
        plugins: [plugin],
        deps: undefined,
        policy: loadPolicy({ permissions: { read: true, exec: true, blacklist_containers: [NAME] } }),
        levels: dockerVocabulary.levels.map((l) => l.name),
        exec: { maxOutputBytes: 10_000, timeoutMs: 1000 },
        timeouts: { read: 5000, exec: 5000 },
        audit: (rec) => records.push(rec),
      });
      const r = await k.call("t_run", { container: NAME, command: ["echo", carrier] });
      expect(r.isError).toBe(true);
      expect(JSON.stringify(records)).not.toContain(hidden);
    });
  }

  it("a secret passed as a separate argv word is masked in the echoed command and the record", async () => {
    const { k, records } = kernel();
    const r = await k.call("t_run", { container: NAME, command: ["app", "--api-key", "Sep-Word-Key-42"] });
    expect(everything(r, records)).not.toContain("Sep-Word-Key-42");
    expect(r.structured?.command).toEqual(["app", "--api-key", MASK]);
  });

  it(`a container named ${NAME} keeps its name and what follows it, in answers and audit records`, async () => {
    const { k, records } = kernel();
    const r = await k.call("t_run", { container: NAME, command: ["echo", "all", "good"] });
    expect(r.text).toBe(`${NAME}: all good\n`);
    expect(r.structured?.container).toBe(NAME);
    expect(records[0]?.resources?.[0]?.names).toEqual([NAME]);
    expect(records[0]?.targets[0]).toMatchObject({ ref: NAME, names: [NAME] });

    const listed = await k.call("t_list", {});
    expect(listed.text).toBe(`${NAME}: 3 lines`);

    const failed = await k.call("t_run", { container: NAME, command: ["echo", "x"], fail: true });
    expect(failed.text).toBe("the command failed: x");
    expect(records.at(-1)?.targets[0]?.names).toEqual([NAME]);
  });
});
