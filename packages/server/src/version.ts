import { readFileSync } from "node:fs";

/** Set by the bundler (scripts/bundle.mjs): a bundle does not sit next to its package.json. */
declare const __DOCKER_MCP_VERSION__: string | undefined;

/** The version in this package's package.json (read at runtime: it lives outside src/). */
export const SERVER_VERSION: string = (() => {
  if (typeof __DOCKER_MCP_VERSION__ === "string") return __DOCKER_MCP_VERSION__;
  try {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version?: string;
    };
    return pkg.version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
})();
