/** A compose release, as `version --short` prints it ("1.29.2", "v2.29.7", "2.40.3-desktop.1", "5.0.0"). */
export interface ComposeVersion {
  major: number;
  minor: number;
  patch: number;
  /** As printed, without a leading "v". */
  text: string;
}

/**
 * What differs between compose releases, decided by version, never by binary name: compose is past v2
 * (v5 exists), and standalone v2+ binaries are called docker-compose too.
 */
export interface ComposeFeatures {
  /** Container names: `proj_web_1` (v1) or `proj-web-1` (v2+). */
  separator: "_" | "-";
  /** `ps --format json`: none in v1, one JSON array in v2.0-2.20, JSON Lines from v2.21. */
  psJson: "none" | "array" | "lines";
  /** `config --format json` (reliable from v2.26); before, `config` prints YAML. */
  configJson: boolean;
  /** `up --wait` (v2.1.1+): returns once services are running and healthy. */
  upWait: boolean;
  /** `up --wait-timeout` (v2.17+). */
  waitTimeout: boolean;
  /** `--progress` as a global flag (v2.19+); `--progress json` prints JSON lines on stderr (v2.29+). */
  progressFlag: boolean;
  progressJson: boolean;
  /** `down` works from the project name alone, without a compose file (v2+). */
  downWithoutFile: boolean;
  /** `--ansi never` (v1.28+ and v2); older v1 only knows `--no-ansi`. */
  ansiNever: boolean;
  /** `--env-file` as a global flag (v1.25+ and v2). */
  envFile: boolean;
}

const VERSION = /^v?(\d+)\.(\d+)(?:\.(\d+))?([-+][0-9A-Za-z.+-]*)?$/;

/** Reads the first version-looking word of `version --short` output; undefined when there is none. */
export function parseComposeVersion(output: string): ComposeVersion | undefined {
  for (const word of output.trim().split(/[\s,]+/)) {
    const m = VERSION.exec(word);
    if (m) {
      return {
        major: Number(m[1]),
        minor: Number(m[2]),
        patch: Number(m[3] ?? 0),
        text: word.replace(/^v/, ""),
      };
    }
  }
  return undefined;
}

/** true when `v` is at least major.minor.patch. */
export function atLeast(v: ComposeVersion, major: number, minor = 0, patch = 0): boolean {
  if (v.major !== major) return v.major > major;
  if (v.minor !== minor) return v.minor > minor;
  return v.patch >= patch;
}

export function featuresOf(v: ComposeVersion): ComposeFeatures {
  const v2 = atLeast(v, 2);
  return {
    separator: v2 ? "-" : "_",
    psJson: !v2 ? "none" : atLeast(v, 2, 21) ? "lines" : "array",
    configJson: atLeast(v, 2, 26),
    upWait: atLeast(v, 2, 1, 1),
    waitTimeout: atLeast(v, 2, 17),
    progressFlag: atLeast(v, 2, 19),
    progressJson: atLeast(v, 2, 29),
    downWithoutFile: v2,
    ansiNever: atLeast(v, 1, 28),
    envFile: atLeast(v, 1, 25),
  };
}
