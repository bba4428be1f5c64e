import type { FindingClass } from "./findings.js";

export interface StartFailure {
  class: FindingClass;
  summary: string;
  fix: string;
}

/**
 * Reads State.Error, the daemon's reason for not starting the process. moby maps "executable file not
 * found" and "no such file or directory" to exit 127, "permission denied" to 126, a directory mounted
 * onto a file (ENOTDIR) to 127 with a hint, and anything else to 125.
 */
export function classifyStartError(error: string, exitCode: number | null): StartFailure {
  const code = exitCode === null ? "" : ` (exit ${exitCode})`;
  const port =
    /(?:Bind for |listen tcp[46]? )([\d.:[\]a-f]*:\d+)(?: failed: port is already allocated|: bind: address already in use)/.exec(
      error,
    );
  if (port || /port is already allocated|address already in use/.test(error)) {
    const where = port?.[1] ?? "a host port";
    return {
      class: "port_conflict",
      summary: `The container could not start${code}: ${where} is already taken on the host (${error}).`,
      fix: `Free ${where} (stop whatever holds it: another container or a host process) or publish the service on a different host port.`,
    };
  }
  if (/not a directory|Are you trying to mount a directory onto a file/i.test(error)) {
    return {
      class: "bad_mount",
      summary: `The container could not start${code}: a mount does not match what is at its target (${error}).`,
      fix: "Check the bind mounts: a directory mounted onto a file path (or the reverse) fails. Mount the right kind of path or change the target.",
    };
  }
  if (/executable file not found|no such file or directory|not found in \$PATH/i.test(error)) {
    const what = /exec: "([^"]+)"/.exec(error)?.[1] ?? /stat ([^:]+): no such file/.exec(error)?.[1];
    return {
      class: "command_not_found",
      summary: `The container could not start${code}: its command${what ? ` "${what}"` : ""} does not exist in the image (${error}).`,
      fix: `Check the entrypoint and command${what ? ` ("${what}")` : ""}: the binary must exist in the image at that path or be on its PATH. Fix the command, or install the binary in the image.`,
    };
  }
  if (/permission denied/i.test(error)) {
    const what = /exec: "([^"]+)"/.exec(error)?.[1];
    return {
      class: "command_not_executable",
      summary: `The container could not start${code}: its command${what ? ` "${what}"` : ""} cannot be executed (${error}).`,
      fix: "Make the entrypoint an executable file (chmod +x in the image, not a directory), or check the user the container runs as can execute it.",
    };
  }
  return {
    class: "start_failed",
    summary: `The daemon could not start the container${code}: ${error}`,
    fix: "Read the daemon's error above: it names the part of the configuration that failed (runtime, mount, network, device). Fix it and start again.",
  };
}
