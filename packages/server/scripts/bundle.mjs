// Bundles the docker-mcp bin into dist/bundle/: one ESM file for what a start needs, plus chunks loaded
// only when used (the Anthropic SDK on the first fallback call, the HTTP transport, the subcommands).
// Every dependency is inlined: the packed package installs with no registry at all.
import { readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const { version } = JSON.parse(readFileSync(`${root}/package.json`, "utf8"));
const outdir = `${root}/dist/bundle`;

// zod's namespace export carries ~50 locales (370 kB every start would parse); docker-mcp never switches
// zod's locale, and zod itself registers English by default: the bundle keeps only English.
const zodEnglishOnly = {
  name: "zod-english-only",
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)$/.test(args.resolveDir)
        ? { path: `${args.resolveDir}/../locales/en.js`, namespace: "zod-english-only" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "zod-english-only" }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: root,
    }));
  },
};
rmSync(outdir, { recursive: true, force: true });
// The MCP SDK's server imports its ajv validator (ajv and its formats: ~15 ms of every start) even when
// given another, as docker-mcp does (LazyJsonSchemaValidator loads the same one after initialize).
const sdkServerWithoutAjv = {
  name: "sdk-server-without-ajv",
  setup(b) {
    b.onResolve({ filter: /^\.\.\/validation\/ajv-provider\.js$/ }, (args) =>
      /[\\/]@modelcontextprotocol[\\/]sdk[\\/]dist[\\/]esm[\\/]server[\\/]index\.js$/.test(args.importer)
        ? { path: "ajv-provider", namespace: "sdk-server-without-ajv" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "sdk-server-without-ajv" }, () => ({
      contents:
        "export class AjvJsonSchemaValidator { constructor() { throw new Error('docker-mcp gives the SDK server its own jsonSchemaValidator'); } }",
    }));
  },
};

await build({
  absWorkingDir: root,
  entryPoints: { "docker-mcp": "dist/bin.js" },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  chunkNames: "chunks/[name]-[hash]",
  // CommonJS dependencies call require() and read __dirname; an ESM bundle has to define them.
  banner: {
    js: [
      'import { createRequire as __dmCreateRequire } from "node:module";',
      'import { fileURLToPath as __dmFileURLToPath } from "node:url";',
      'import { dirname as __dmDirname } from "node:path";',
      "const require = __dmCreateRequire(import.meta.url);",
      "const __filename = __dmFileURLToPath(import.meta.url);",
      "const __dirname = __dmDirname(__filename);",
    ].join(" "),
  },
  define: { __DOCKER_MCP_VERSION__: JSON.stringify(version) },
  // cosmiconfig's TypeScript config loader (not a supported config format) stays out.
  external: ["typescript"],
  plugins: [zodEnglishOnly, sdkServerWithoutAjv],
  // Fewer bytes to parse at every start; names stay, so stack traces still say where.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: "linked",
  logLevel: "warning",
});
