import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { PROBLEM_TYPE_PREFIX, type Problem, type ProblemCode, type ProblemFieldError } from '@latchkey/client';

/** Titles are for logs and developers; elements show their own localized text per code. */
const TITLES: Record<ProblemCode, string> = {
  malformed_json: 'The request body is not valid JSON',
  invalid_request: 'The request is not valid',
  payload_too_large: 'The request body is too large',
  unsupported_media_type: 'The request body must be application/json',
  invalid_credentials: 'The email or password is not right',
  invalid_code: 'The code is not right',
  code_expired: 'The code has expired or was already used',
  too_many_attempts: 'Too many wrong codes; start again',
  rate_limited: 'Too many requests; try again later',
  weak_password: 'The password is too weak',
  forbidden_origin: 'Requests from this origin are not allowed',
  invalid_return_to: 'The return URL is not allowed',
  unauthenticated: 'Not signed in',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  internal_error: 'Something went wrong on our side',
};

const STATUS: Record<ProblemCode, ContentfulStatusCode> = {
  malformed_json: 400,
  invalid_request: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  invalid_credentials: 401,
  invalid_code: 400,
  code_expired: 400,
  too_many_attempts: 400,
  rate_limited: 429,
  weak_password: 400,
  forbidden_origin: 403,
  invalid_return_to: 400,
  unauthenticated: 401,
  not_found: 404,
  method_not_allowed: 405,
  internal_error: 500,
};

/**
 * Throw this from any handler or guard; `onError` turns it into problem+json.
 *
 * @example
 * throw new ProblemError('invalid_credentials');
 */
export class ProblemError extends Error {
  constructor(
    readonly code: ProblemCode,
    readonly extra: { detail?: string; errors?: ProblemFieldError[]; headers?: Record<string, string>; attemptsLeft?: number } = {},
  ) {
    super(TITLES[code]);
    this.name = this.constructor.name;
  }
}

/** Writes a problem+json answer. */
export function problemResponse(c: Context, code: ProblemCode, extra: ProblemError['extra'] & { requestId?: string } = {}) {
  const body: Problem = {
    type: `${PROBLEM_TYPE_PREFIX}${code}`,
    code,
    title: TITLES[code],
    status: STATUS[code],
    ...(extra.detail ? { detail: extra.detail } : {}),
    ...(extra.errors ? { errors: extra.errors } : {}),
    ...(extra.requestId ? { request_id: extra.requestId } : {}),
    ...(extra.attemptsLeft !== undefined ? { attempts_left: extra.attemptsLeft } : {}),
  };
  return c.body(JSON.stringify(body), STATUS[code], { ...extra.headers, 'content-type': 'application/problem+json', 'cache-control': 'no-store' });
}

/** Hono's onError: known problems as they are, anything else a 500 with a request id and no details. */
export function onError(error: Error, c: Context) {
  if (error instanceof ProblemError) return problemResponse(c, error.code, error.extra);
  const requestId = crypto.randomUUID();
  console.error(`[latchkey] request ${requestId} ${c.req.method} ${c.req.path} failed:`, error);
  return problemResponse(c, 'internal_error', { requestId });
}

export function notFound(c: Context) {
  return problemResponse(c, 'not_found');
}
