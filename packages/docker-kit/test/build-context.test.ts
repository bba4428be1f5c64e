import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { contextTar } from "../src/build-context.js";

const dir = mkdtempSync(join(tmpdir(), "docker-mcp-ctx-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe("contextTar", () => {
  it("streams a tar that GNU tar reads back: files, dirs, links, long names, .dockerignore applied", async () => {
    const root = join(dir, "ctx");
    const long = `${"d".repeat(60)}/${"f".repeat(80)}.txt`;
    mkdirSync(join(root, "src"), { recursive: true });
    mkdirSync(join(root, "d".repeat(60)), { recursive: true });
    mkdirSync(join(root, "node_modules/pkg"), { recursive: true });
    writeFileSync(join(root, "Dockerfile"), "FROM scratch\n");
    writeFileSync(join(root, ".dockerignore"), "node_modules\n*.secret\nDockerfile\n");
    writeFileSync(join(root, "src/app.js"), "x".repeat(1000));
    writeFileSync(join(root, "empty"), "");
    writeFileSync(join(root, long), "long name");
    writeFileSync(join(root, "token.secret"), "do-not-send");
    writeFileSync(join(root, "node_modules/pkg/index.js"), "nope");
    symlinkSync("/etc/passwd", join(root, "passwd-link"));

    const { stream, tally } = contextTar(root, { keep: ["Dockerfile"] });
    const tar = await collect(stream);
    expect(tar.length % 512).toBe(0);
    const file = join(dir, "ctx.tar");
    writeFileSync(file, tar);
    const listing = execFileSync("tar", ["-tvf", file], { encoding: "utf8" });
    const names = execFileSync("tar", ["-tf", file], { encoding: "utf8" }).trim().split("\n").sort();
    expect(names).toEqual(
      [
        ".dockerignore",
        "Dockerfile",
        `${"d".repeat(60)}/`,
        long,
        "empty",
        "passwd-link",
        "src/",
        "src/app.js",
      ].sort(),
    );
    expect(listing).toContain("passwd-link -> /etc/passwd");
    const out = join(dir, "out");
    mkdirSync(out);
    execFileSync("tar", ["-xf", file, "-C", out]);
    expect(execFileSync("cat", [join(out, long)], { encoding: "utf8" })).toBe("long name");
    expect(execFileSync("wc", ["-c", join(out, "src/app.js")], { encoding: "utf8" })).toMatch(/^1000 /);
    expect(tally.files).toBe(6);
  });

  it("sends a replaced file with the given bytes, once, whatever is on disk at that path", async () => {
    const root = join(dir, "replace");
    mkdirSync(join(root, "sub"), { recursive: true });
    writeFileSync(join(root, "sub/Dockerfile"), "FROM swapped\n");
    writeFileSync(join(root, "other"), "kept");
    const { stream, tally } = contextTar(root, {
      keep: ["sub/Dockerfile"],
      replace: { path: "sub/Dockerfile", content: Buffer.from("FROM judged\n") },
    });
    const file = join(dir, "replace.tar");
    writeFileSync(file, await collect(stream));
    const names = execFileSync("tar", ["-tf", file], { encoding: "utf8" }).trim().split("\n");
    expect(names.filter((n) => n === "sub/Dockerfile")).toHaveLength(1);
    expect(execFileSync("tar", ["-xOf", file, "sub/Dockerfile"], { encoding: "utf8" })).toBe("FROM judged\n");
    expect(tally.files).toBe(2);
  });

  it("stops when its signal fires", async () => {
    const root = join(dir, "abort");
    mkdirSync(root);
    writeFileSync(join(root, "a"), "a");
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    const { stream } = contextTar(root, { signal: controller.signal });
    await expect(collect(stream)).rejects.toThrow("stop");
  });
});
