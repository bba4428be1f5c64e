// Packs the installable @arktechnwa/docker-mcp: the bundled bin (dist/bundle, from `pnpm run build`),
// config.schema.json and the README, with a package.json that has no dependencies (all are inlined), so
// `npm install -g` of the tarball needs no registry. Usage: node scripts/pack.mjs [OUT_DIR]; prints the
// tarball's path.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = resolve(process.argv[2] ?? root);
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
if (!existsSync(join(root, "dist/bundle/docker-mcp.js"))) {
  console.error("pack: dist/bundle/docker-mcp.js is missing; run `pnpm run build` first");
  process.exit(1);
}

const stage = mkdtempSync(join(tmpdir(), "docker-mcp-pack-"));
try {
  cpSync(join(root, "dist/bundle"), join(stage, "dist"), { recursive: true });
  cpSync(join(root, "config.schema.json"), join(stage, "config.schema.json"));
  cpSync(join(root, "../../README.md"), join(stage, "README.md"));
  writeFileSync(
    join(stage, "package.json"),
    `${JSON.stringify(
      {
        name: pkg.name,
        version: pkg.version,
        description:
          "MCP server for the Docker daemon: read-only until your policy says otherwise, deadlines on every call, secrets masked",
        license: pkg.license,
        type: "module",
        bin: { "docker-mcp": "dist/docker-mcp.js" },
        exports: { "./config.schema.json": "./config.schema.json", "./package.json": "./package.json" },
        files: ["dist", "config.schema.json", "README.md"],
        engines: { node: ">=20" },
        keywords: ["mcp", "model-context-protocol", "docker"],
      },
      null,
      2,
    )}\n`,
  );
  mkdirSync(out, { recursive: true });
  const name = execFileSync("npm", ["pack", "--silent", "--pack-destination", out], {
    cwd: stage,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  })
    .trim()
    .split("\n")
    .pop();
  console.log(join(out, name));
} finally {
  rmSync(stage, { recursive: true, force: true });
}
