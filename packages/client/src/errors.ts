import type { Problem, ProblemCode } from './wire/problem.js';

/** Every way a call can fail: a broker problem code, or no usable answer at all. */
export type LatchkeyErrorCode = ProblemCode | 'network_error' | 'unexpected_response';

/**
 * The one error type the client throws (aborts excepted: those rethrow the
 * AbortError as is). Switch on `code`; `problem` is the broker's body when it sent one.
 *
 * @example
 * try {
 *   await signInWithPassword(conn, { email, password });
 * } catch (error) {
 *   if (error instanceof LatchkeyError && error.code === 'invalid_credentials') showWrongPassword();
 * }
 */
export class LatchkeyError extends Error {
  readonly code: LatchkeyErrorCode;
  /** HTTP status; 0 when the broker could not be reached. */
  readonly status: number;
  readonly problem: Problem | undefined;

  constructor(code: LatchkeyErrorCode, message: string, options: { status?: number; problem?: Problem; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = this.constructor.name;
    this.code = code;
    this.status = options.status ?? 0;
    this.problem = options.problem;
  }
}
