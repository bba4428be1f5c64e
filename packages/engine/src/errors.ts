import type { EngineErrorCode } from "./types.js";

/** A container an ambiguous ID prefix matches. Data for programs: never put it in a message. */
export interface AmbiguousCandidate {
  /** Full ID. */
  id: string;
  /** Names without Docker's leading "/". */
  names: string[];
}

export interface EngineErrorOptions {
  cause?: unknown;
  /** HTTP status the daemon answered, when there was one. */
  statusCode?: number;
  /** Where the engine was talking to. */
  endpoint?: string;
  /**
   * For AMBIGUOUS: the containers the prefix matches. Some may be containers the caller's policy hides,
   * so the message only counts them.
   */
  candidates?: AmbiguousCandidate[];
}

/**
 * The only error type the engine throws. `message` says what happened, why, and what to check;
 * `code` is for programs (the kernel maps TIMEOUT on a write to "outcome unknown").
 */
export class EngineError extends Error {
  readonly code: EngineErrorCode;
  readonly statusCode: number | undefined;
  readonly endpoint: string | undefined;
  readonly candidates: AmbiguousCandidate[] | undefined;

  constructor(code: EngineErrorCode, message: string, options: EngineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "EngineError";
    this.code = code;
    this.statusCode = options.statusCode;
    this.endpoint = options.endpoint;
    this.candidates = options.candidates;
  }
}

export function isEngineError(error: unknown): error is EngineError {
  return error instanceof EngineError;
}
