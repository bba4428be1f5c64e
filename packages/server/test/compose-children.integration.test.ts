import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUSYBOX_IMAGE, waitFor } from "@arktechnwa/docker-mcp-testkit";
import { afterAll, describe, expect, it } from "vitest";
import { connect, writeConfig } from "./harness.js";

/** Live (not zombie) processes of a process group, from /proc. */
function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue;
    }
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) === pgid && fields[0] !== "Z") members.push(Number(name));
  }
  return members;
}

const root = realpathSync(mkdtempSync(join(tmpdir(), "docker-mcp-children-")));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * A PATH on which `docker compose` does not exist and `docker-compose` is a stub that answers version
 * and config like compose 1.29, then hangs in `up` with a helper child, writing its pid to `pidFile`.
 */
function hangingCompose(name: string): { bin: string; pidFile: string; file: string } {
  const bin = join(root, name, "bin");
  const project = join(root, name, "project");
  mkdirSync(bin, { recursive: true });
  mkdirSync(project, { recursive: true });
  const pidFile = join(root, name, "up.pid");
  const model = join(root, name, "model.yml");
  writeFileSync(model, `services:\n  web:\n    image: ${BUSYBOX_IMAGE}\nversion: '2.4'\n`);
  const file = join(project, "docker-compose.yml");
  writeFileSync(file, `version: "2.4"\nservices:\n  web:\n    image: ${BUSYBOX_IMAGE}\n`);
  writeFileSync(
    join(bin, "docker"),
    `#!/bin/sh\necho "docker: 'compose' is not a docker command." >&2\nexit 1\n`,
  );
  writeFileSync(
    join(bin, "docker-compose"),
    `#!/bin/sh
case " $* " in
  *" version "*) echo 1.29.2; exit 0 ;;
  *" config"*) cat ${model}; exit 0 ;;
esac
echo $$ > ${pidFile}
sleep 1000 &
sleep 1000
`,
  );
  chmodSync(join(bin, "docker"), 0o755);
  chmodSync(join(bin, "docker-compose"), 0o755);
  return { bin, pidFile, file };
}

async function startHungUp(name: string) {
  const { bin, pidFile, file } = hangingCompose(name);
  const config = writeConfig({
    permissions: { create: true, lifecycle: true },
    compose_safety: { allowed_directories: [root] },
  });
  const server = await connect(["--config", config], { PATH: `${bin}:${process.env["PATH"] ?? ""}` });
  const call = server.client
    .callTool({ name: "docker_compose_up", arguments: { file, project: `children${name}` } })
    .catch((error: unknown) => error);
  await waitFor("the compose stub to start up", () => existsSync(pidFile), { timeoutMs: 20_000 });
  const pgid = Number(readFileSync(pidFile, "utf8").trim());
  expect(groupMembers(pgid).length).toBeGreaterThanOrEqual(2);
  return { server, pgid, call };
}

describe("no compose process outlives the server", () => {
  it("when the client disconnects in the middle of an up", async () => {
    const { server, pgid, call } = await startHungUp("disconnect");
    await server.close();
    await call;
    await waitFor("the compose process group to end", () => groupMembers(pgid).length === 0, {
      timeoutMs: 8_000,
    });
  });

  it("when the client cancels the call", async () => {
    const { bin, pidFile, file } = hangingCompose("cancel");
    const config = writeConfig({
      permissions: { create: true, lifecycle: true },
      compose_safety: { allowed_directories: [root] },
    });
    const server = await connect(["--config", config], { PATH: `${bin}:${process.env["PATH"] ?? ""}` });
    try {
      const controller = new AbortController();
      const call = server.client
        .callTool({ name: "docker_compose_up", arguments: { file, project: "childrencancel" } }, undefined, {
          signal: controller.signal,
        })
        .catch((error: unknown) => error);
      await waitFor("the compose stub to start up", () => existsSync(pidFile), { timeoutMs: 20_000 });
      const pgid = Number(readFileSync(pidFile, "utf8").trim());
      controller.abort();
      await call;
      await waitFor("the compose process group to end", () => groupMembers(pgid).length === 0, {
        timeoutMs: 8_000,
      });
      // The server keeps serving after the cancel.
      const ps = await server.client.callTool({ name: "docker_compose_ps", arguments: {} });
      expect(ps.isError).toBeFalsy();
    } finally {
      await server.close();
    }
  });
});
