/** One problem found in a policy document: where it is (a dotted JSON path) and what to do about it. */
export interface PolicyIssue {
  /** Dotted JSON path, e.g. `permissions.lifecycle` or `exec_safety.blocked_commands[2]`; `""` is the whole document. */
  readonly path: string;
  readonly message: string;
}

/**
 * Thrown by `loadPolicy` when the document is not a valid policy. `issues` lists every problem found,
 * not just the first, so a user can fix the whole file in one go.
 */
export class PolicyError extends Error {
  readonly issues: readonly PolicyIssue[];

  constructor(issues: readonly PolicyIssue[]) {
    const list = issues.map((i) => `  - ${i.message}`).join("\n");
    super(
      `The policy is invalid (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n${list}\n` +
        "Fix the policy file and start again; nothing was loaded.",
    );
    this.name = "PolicyError";
    this.issues = Object.freeze(issues.map((i) => Object.freeze({ path: i.path, message: i.message })));
  }
}
