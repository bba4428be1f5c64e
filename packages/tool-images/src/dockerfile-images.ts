/** An image a Dockerfile reads from: a FROM, a `COPY --from=` or a `RUN --mount=...,from=`. */
export interface DockerfileImage {
  /** The reference after build-arg substitution, e.g. `nginx:1.27`. */
  reference: string;
  /** 1-based line of the instruction. */
  line: number;
  instruction: "FROM" | "COPY --from" | "RUN --mount from";
}

export interface DockerfileImages {
  images: DockerfileImage[];
  /** Instructions whose image cannot be known before the build (an unset variable): refuse them. */
  unknown: { line: number; text: string }[];
}

/**
 * The images a Dockerfile pulls content from, so the image lists can judge them before a build: a
 * whitelisted tag must never end up pointing at a blacklisted image's files. Stage names (`AS build`),
 * stage numbers and `scratch` are not images. Variables are substituted from the build args and the
 * ARG defaults before the first FROM (and the stage's own ARGs for COPY/RUN), as BuildKit and the classic
 * builder do; one that stays unknown makes the instruction unknown.
 */
export function dockerfileImages(text: string, buildArgs: Record<string, string> = {}): DockerfileImages {
  const images: DockerfileImage[] = [];
  const unknown: DockerfileImages["unknown"] = [];
  const stages = new Set<string>();
  const globalArgs = new Map<string, string | undefined>();
  let stageArgs = new Map<string, string | undefined>();
  let inStage = false;
  let stageCount = 0;

  for (const { line, text: instruction } of logicalLines(text)) {
    const match = /^(\w+)\s*(.*)$/s.exec(instruction);
    if (!match) continue;
    const keyword = (match[1] as string).toUpperCase();
    const rest = (match[2] as string).trim();
    const vars = (scope: Map<string, string | undefined>) => (name: string) =>
      Object.hasOwn(buildArgs, name) && scope.has(name) ? buildArgs[name] : scope.get(name);

    if (keyword === "ARG") {
      for (const decl of rest.split(/\s+/)) {
        if (!decl) continue;
        const eq = decl.indexOf("=");
        const name = eq === -1 ? decl : decl.slice(0, eq);
        const value = eq === -1 ? undefined : unquote(decl.slice(eq + 1));
        if (inStage) stageArgs.set(name, value ?? globalArgs.get(name));
        else globalArgs.set(name, value);
      }
      continue;
    }
    if (keyword === "FROM") {
      const words = rest.split(/\s+/).filter((w) => !w.startsWith("--"));
      const raw = words[0] ?? "";
      const as = words[1]?.toUpperCase() === "AS" ? words[2] : undefined;
      const reference = substitute(raw, vars(globalArgs));
      if (reference === undefined || reference === "") unknown.push({ line, text: `FROM ${raw}` });
      else if (reference.toLowerCase() !== "scratch" && !stages.has(reference.toLowerCase())) {
        images.push({ reference, line, instruction: "FROM" });
      }
      if (as) stages.add(as.toLowerCase());
      stageCount++;
      inStage = true;
      stageArgs = new Map();
      continue;
    }
    if (keyword === "COPY" || keyword === "ADD" || keyword === "RUN") {
      const flags = rest.match(/--[a-z-]+=\S+/g) ?? [];
      for (const flag of flags) {
        let from: string | undefined;
        let kind: DockerfileImage["instruction"] | undefined;
        if (flag.startsWith("--from=") && keyword !== "RUN") {
          from = flag.slice("--from=".length);
          kind = "COPY --from";
        } else if (flag.startsWith("--mount=")) {
          const fromPart = flag
            .slice("--mount=".length)
            .split(",")
            .find((p) => p.startsWith("from="));
          if (fromPart) {
            from = fromPart.slice("from=".length);
            kind = "RUN --mount from";
          }
        }
        if (from === undefined || kind === undefined) continue;
        // Inside a stage only the ARGs it declares itself are in scope.
        const value = substitute(unquote(from), vars(stageArgs));
        if (value === undefined || value === "") {
          unknown.push({ line, text: `${keyword} ${flag}` });
          continue;
        }
        const lower = value.toLowerCase();
        if (stages.has(lower) || (/^\d+$/.test(value) && Number(value) < stageCount) || lower === "scratch")
          continue;
        images.push({ reference: value, line, instruction: kind });
      }
    }
  }
  return { images, unknown };
}

/** Joins `\`-continued lines and drops comments and parser directives; keeps each instruction's first line number. */
function logicalLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let current = "";
  let start = 0;
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (current === "" && (trimmed === "" || trimmed.startsWith("#"))) return;
    if (current !== "" && trimmed.startsWith("#")) return;
    if (current === "") start = index + 1;
    if (trimmed.endsWith("\\")) {
      current += `${trimmed.slice(0, -1)} `;
      return;
    }
    current += trimmed;
    out.push({ line: start, text: current.trim() });
    current = "";
  });
  if (current.trim() !== "") out.push({ line: start, text: current.trim() });
  return out;
}

/** `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR:+alt}`; undefined when a variable without default is unset. */
function substitute(text: string, lookup: (name: string) => string | undefined): string | undefined {
  let failed = false;
  const out = text.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (
      _m,
      braced: string | undefined,
      op: string | undefined,
      word: string | undefined,
      bare: string | undefined,
    ) => {
      const value = lookup((braced ?? bare) as string);
      if (op === "-") return value === undefined || value === "" ? (word ?? "") : value;
      if (op === "+") return value === undefined || value === "" ? "" : (word ?? "");
      if (value === undefined) failed = true;
      return value ?? "";
    },
  );
  return failed ? undefined : out;
}

function unquote(value: string): string {
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}
