import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ComposeCli } from "../src/compose-cli.js";
import { parseComposeConfig } from "../src/compose-model.js";
import { FILES_LABEL } from "../src/compose-project.js";
import { featuresOf, parseComposeVersion } from "../src/compose-version.js";
import { judgedModelInput } from "../src/judged-model.js";

const version = parseComposeVersion("1.29.2");
if (!version) throw new Error("version");
const cli: ComposeCli = {
  command: ["docker-compose"],
  version,
  features: featuresOf(version),
  describe: "docker-compose 1.29.2",
};
const target = { project: "p", files: ["/srv/app/docker-compose.yml"], workingDir: "/srv/app" };

describe("judgedModelInput", () => {
  it("hands the CLI the judged model on stdin, labeled with its files, in the project's directory", () => {
    const model = parseComposeConfig(
      "services:\n  web:\n    image: a\n    environment:\n      D: $$HOME\n  db:\n    image: b\n    labels: [x=y]\n",
      "yaml",
    );
    const { args, stdin } = judgedModelInput(cli, target, model);
    expect(args.slice(0, 6)).toEqual(["-f", "-", "--project-directory", "/srv/app", "-p", "p"]);
    expect(args.slice(8)).toEqual(["--ansi", "never"]);
    // The project's .env is not read again: an empty file stands in for it.
    expect(args[6]).toBe("--env-file");
    expect(readFileSync(args[7] as string, "utf8")).toBe("");
    const fed = JSON.parse(stdin);
    expect(fed.services.web.environment).toEqual({ D: "$$HOME" });
    expect(fed.services.web.labels).toEqual({ [FILES_LABEL]: "/srv/app/docker-compose.yml" });
    expect(fed.services.db.labels).toEqual(["x=y", `${FILES_LABEL}=/srv/app/docker-compose.yml`]);
    // The judged model itself is not changed.
    expect((model.raw["services"] as Record<string, { labels?: unknown }>)["web"]?.labels).toBeUndefined();
  });

  it("refuses a model with a lone '$' that compose would substitute a second time", () => {
    const model = parseComposeConfig("services:\n  web:\n    image: a\n    command: echo $HOME\n", "yaml");
    expect(() => judgedModelInput(cli, target, model)).toThrow(/services\.web\.command/);
  });
});
