import { parseReference } from "./image-reference.js";

/** An image a Dockerfile reads from: a FROM, a `COPY --from=` or a `RUN --mount=...,from=`. */
export interface DockerfileImage {
  /** The reference after build-arg substitution, e.g. `nginx:1.27`. */
  reference: string;
  /** 1-based line of the instruction. */
  line: number;
  instruction: "FROM" | "COPY --from" | "RUN --mount from";
  /** A FROM's `--platform=` value, variables substituted where they have one. */
  platform?: string;
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
  // The escape directive changes what continues a line. Where the file might set it, it is read both
  // ways and every image either reading finds is judged: a line the builder ends while this parser
  // joined it (or the reverse) must never hide an instruction.
  const escapes = mayEscapeWithBacktick(text) ? ["\\", "`"] : ["\\"];
  const images: DockerfileImage[] = [];
  const unknown: DockerfileImages["unknown"] = [];
  const seen = new Set<string>();
  for (const token of escapes) {
    const found = scan(logicalLines(text, token), buildArgs);
    for (const image of found.images) {
      const key = `${image.line}\u0000${image.instruction}\u0000${image.reference}`;
      if (!seen.has(key)) images.push(image);
      seen.add(key);
    }
    for (const entry of found.unknown) {
      const key = `${entry.line}\u0000${entry.text}`;
      if (!seen.has(key)) unknown.push(entry);
      seen.add(key);
    }
  }
  return { images, unknown };
}

/**
 * The images of ONBUILD triggers a base image carries: they run in the build that uses it as a base,
 * so what they read from is judged like the Dockerfile's own instructions.
 */
export function triggerImages(triggers: readonly string[]): DockerfileImages {
  return scan(
    triggers.map((text, index) => ({ line: index + 1, text: text.trim() })),
    {},
  );
}

/** Docker's stage name grammar; anything else after AS is not a stage the builder accepts. */
const STAGE_NAME = /^[a-z][a-z0-9_.-]*$/;

/**
 * What the builder reads an image from: a clean reference, an image ID or a stage. Quotes, escapes and
 * substitutions this parser does not know (`\${X%y}`) are processed by the builder's shell lexer
 * (`FROM "vault"`, `FROM va\\ult` both read vault), so a word that is not clean cannot be judged.
 */
function judgeable(reference: string): boolean {
  return parseReference(reference) !== undefined || /^(sha256:)?[0-9a-f]{64}$/.test(reference);
}

function scan(lines: { line: number; text: string }[], buildArgs: Record<string, string>): DockerfileImages {
  const images: DockerfileImage[] = [];
  const unknown: DockerfileImages["unknown"] = [];
  const stages = new Set<string>();
  const globalArgs = new Map<string, string | undefined>();
  let stageArgs = new Map<string, string | undefined>();
  let inStage = false;
  let stageCount = 0;

  const handle = (line: number, instruction: string, nested: boolean): void => {
    const match = /^(\w+)\s*(.*)$/s.exec(instruction);
    if (!match) return;
    const keyword = (match[1] as string).toUpperCase();
    const rest = (match[2] as string).trim();
    const vars = (scope: Map<string, string | undefined>) => (name: string) =>
      Object.hasOwn(buildArgs, name) && scope.has(name) ? buildArgs[name] : scope.get(name);

    // An ONBUILD trigger runs in a later build that uses this image as its base: judge it now too.
    if (keyword === "ONBUILD" && !nested) {
      handle(line, rest, true);
      return;
    }
    if (keyword === "ARG") {
      for (const decl of rest.split(/\s+/)) {
        if (!decl) continue;
        const eq = decl.indexOf("=");
        const name = eq === -1 ? decl : decl.slice(0, eq);
        const value = eq === -1 ? undefined : unquote(decl.slice(eq + 1));
        if (inStage) stageArgs.set(name, value ?? globalArgs.get(name));
        else globalArgs.set(name, value);
      }
      return;
    }
    if (keyword === "FROM") {
      const flagWords = rest.split(/\s+/).filter((w) => w.startsWith("--"));
      const words = rest.split(/\s+/).filter((w) => !w.startsWith("--"));
      const platformFlag = flagWords.find((w) => w.toLowerCase().startsWith("--platform="));
      const platform = platformFlag
        ? substitute(unquote(platformFlag.slice("--platform=".length)), vars(globalArgs))
        : undefined;
      const raw = words[0] ?? "";
      const as = words[1]?.toUpperCase() === "AS" ? words[2]?.toLowerCase() : undefined;
      const reference = substitute(raw, vars(globalArgs));
      const lower = reference?.toLowerCase();
      if (reference === undefined || reference === "") unknown.push({ line, text: `FROM ${raw}` });
      else if (lower === "scratch" || stages.has(lower as string)) {
      } else if (!judgeable(reference)) unknown.push({ line, text: `FROM ${raw}` });
      else images.push({ reference, line, instruction: "FROM", ...(platform ? { platform } : {}) });
      if (as !== undefined && STAGE_NAME.test(as)) stages.add(as);
      stageCount++;
      inStage = true;
      stageArgs = new Map();
      return;
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
        if (!judgeable(value)) {
          unknown.push({ line, text: `${keyword} ${flag}` });
          continue;
        }
        images.push({ reference: value, line, instruction: kind });
      }
    }
  };

  for (const { line, text } of lines) handle(line, text, false);
  return { images, unknown };
}

/**
 * Whether a parser directive `# escape=\`` may be in effect: one among the comments before the first
 * instruction (the builder reads directives only there; where exactly is left to the builder, so any
 * such line there counts).
 */
function mayEscapeWithBacktick(text: string): boolean {
  for (const raw of text.split(/\r?\n/)) {
    const trimmed = raw.trim();
    if (trimmed === "") continue;
    if (!trimmed.startsWith("#")) return false;
    if (/^#\s*escape\s*=\s*`/i.test(trimmed)) return true;
  }
  return false;
}

/** Joins `\`-continued lines and drops comments and parser directives; keeps each instruction's first line number. */
function logicalLines(text: string, continuation = "\\"): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let current = "";
  let start = 0;
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    // Inside a continuation the builder skips empty and comment lines.
    if (trimmed === "" || trimmed.startsWith("#")) return;
    if (current === "") start = index + 1;
    if (trimmed.endsWith(continuation)) {
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
