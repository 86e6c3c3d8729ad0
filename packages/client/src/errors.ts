import type { Problem, ProblemCode } from './wire/problem.js';

/**
 * Every way a call can fail: a broker problem code, or one the client itself decides:
 *
 * - `network_error`: the broker could not be reached (status 0).
 * - `unexpected_response`: something answered that is not the broker speaking
 *   its wire contract (a proxy's 502 page, an unknown problem code, a body that
 *   is not JSON, a step this endpoint never answers).
 * - `unsupported_step`: the broker answered a sign-in step this client does not
 *   know (a newer broker's `passkey` or `mfa`, say); update `@latchkey/client`.
 * - `not_configured`: there is no broker to call: no URL, or one that is not an
 *   http(s) URL. Nothing was sent.
 *
 * @example
 * function describe(code: LatchkeyErrorCode) {
 *   switch (code) {
 *     case 'invalid_credentials': return 'wrong email or password';
 *     case 'network_error': return 'offline?';
 *     default: return 'something went wrong';
 *   }
 * }
 */
export type LatchkeyErrorCode = ProblemCode | 'network_error' | 'unexpected_response' | 'unsupported_step' | 'not_configured';

/**
 * The one error type the client throws. Aborts are the exception: an aborted
 * call rejects with the signal's own AbortError, so `name === 'AbortError'`
 * checks keep working. Switch on `code`; `problem` is the broker's
 * problem+json body when it sent one, and `message` is at most its `title`.
 *
 * @example
 * try {
 *   await signInWithPassword(conn, { email, password });
 * } catch (error) {
 *   if (error instanceof LatchkeyError && error.code === 'invalid_credentials') showWrongPassword();
 *   else throw error;
 * }
 */
export class LatchkeyError extends Error {
  readonly code: LatchkeyErrorCode;
  /** HTTP status of the answer; 0 when the broker could not be reached or was never called. */
  readonly status: number;
  /** The parsed problem+json body, or undefined when the answer was not one. */
  readonly problem: Problem | undefined;
  /** How long the broker asked to wait before trying again (its `Retry-After`), in seconds. */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: LatchkeyErrorCode, message: string, options: { status?: number; problem?: Problem; retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = this.constructor.name;
    this.code = code;
    this.status = options.status ?? 0;
    this.problem = options.problem;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
