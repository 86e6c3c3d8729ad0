import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { PROBLEM_TYPE_PREFIX, type OrgPolicyUnmet, type Problem, type ProblemCode, type ProblemFieldError } from '@latchkey/client';
import { DatabaseUnavailableError } from '../storage/storage.js';

/** Titles are for logs and developers; elements show their own localized text per code. */
export const TITLES: Record<ProblemCode, string> = {
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
  passkey_rejected: 'The passkey could not be verified; try again',
  passkey_exists: 'This authenticator already holds a passkey for this account',
  last_sign_in_method: 'That is the last way to sign in to this account',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  unknown_provider: 'No such sign-in provider is configured',
  no_flow: 'There is no sign-in flow to resume in this browser',
  idp_unreachable: 'The identity provider did not answer in time',
  last_way_in: 'That is the last way to sign in to this account',
  sso_required: "This address's organization requires its single sign-on",
  invalid_state: 'The sign-in state is missing, unknown, used, or not this browser\'s',
  saml_rejected: "The organization's sign-in answer was refused",
  reauthentication_required: 'Confirm it is you: this change needs a recent sign-in',
  mfa_required: 'An organization of this account requires a second factor',
  unauthorized: 'A valid admin token is required',
  admin_disabled: 'The admin API is off: no admin token is configured',
  domain_taken: 'The domain belongs to an organization already',
  slug_taken: 'Another organization has this slug',
  unsupported_connection_type: 'This connection type is not supported yet',
  forbidden: 'Your role in this organization does not allow this',
  last_owner: 'An organization keeps at least one owner',
  role_exists: 'A role with this key exists already',
  role_in_use: 'Members still hold this role',
  already_member: 'This account is a member already',
  invitation_invalid: 'The invitation is unknown, used, revoked or expired',
  invitation_not_for_you: 'This invitation is for another address',
  request_pending: 'A request to join is pending already',
  already_decided: 'The request was decided already',
  public_email_domain: 'A public mail domain cannot belong to an organization',
  domain_unverified: 'The domain is not verified by its DNS TXT record',
  no_connection: 'The organization has no enabled connection',
  org_policy_unmet: "This session does not meet the organization's security policy",
  account_suspended: 'This account is suspended',
  service_unavailable: 'The service is briefly unavailable; try again shortly',
  internal_error: 'Something went wrong on our side',
};

/** Each code's HTTP status (also what the OpenAPI document, modules/openapi, says of it). */
export const STATUS: Record<ProblemCode, ContentfulStatusCode> = {
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
  passkey_rejected: 400,
  passkey_exists: 409,
  last_sign_in_method: 409,
  not_found: 404,
  method_not_allowed: 405,
  unknown_provider: 404,
  no_flow: 404,
  idp_unreachable: 502,
  last_way_in: 409,
  sso_required: 403,
  invalid_state: 400,
  saml_rejected: 400,
  reauthentication_required: 403,
  mfa_required: 409,
  unauthorized: 401,
  admin_disabled: 403,
  domain_taken: 409,
  slug_taken: 409,
  unsupported_connection_type: 501,
  forbidden: 403,
  last_owner: 409,
  role_exists: 409,
  role_in_use: 409,
  already_member: 409,
  invitation_invalid: 404,
  invitation_not_for_you: 403,
  request_pending: 409,
  already_decided: 409,
  public_email_domain: 400,
  domain_unverified: 409,
  no_connection: 409,
  org_policy_unmet: 403,
  account_suspended: 403,
  service_unavailable: 503,
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
    readonly extra: {
      detail?: string;
      errors?: ProblemFieldError[];
      attemptsLeft?: number;
      retryAfterSeconds?: number;
      policy?: OrgPolicyUnmet;
      /** `rate_limited`: the budget that refused (`ip`, `pwd`…), for the metrics only; never in the answer. */
      budget?: string;
    } = {},
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
    ...(extra.policy ? { requirement: extra.policy.requirement, org_id: extra.policy.org_id } : {}),
  };
  // Retry-After is not a CORS-safelisted response header: exposed, so the elements can say how long to wait.
  const retry: Record<string, string> = extra.retryAfterSeconds !== undefined ? { 'retry-after': String(extra.retryAfterSeconds), 'access-control-expose-headers': 'retry-after' } : {};
  return c.body(JSON.stringify(body), STATUS[code], { ...retry, 'content-type': 'application/problem+json', 'cache-control': 'no-store' });
}

/** Fields PostgreSQL fills with names from our own schema, never with values. */
const DATABASE_NAME_FIELDS = ['schema', 'table', 'column', 'constraint', 'dataType', 'routine'] as const;

/**
 * What an unexpected error may put in the log: its class, its code, a message with every
 * quoted span and long token blanked, the stack frames and the same for its causes — and
 * nothing else. PGlite and pg errors carry the SQL (`query`), its parameters (`params`),
 * `detail` (`Key (email)=(ada@example.com)`), `where` and `internalQuery`, and PostgreSQL
 * quotes the offending value in the message (`invalid input syntax for type integer:
 * "$argon2id$…"`): argon2id hashes, code HMACs and addresses must not reach a log.
 */
export function describeErrorForLog(error: unknown, depth = 0): string {
  if (!(error instanceof Error)) return `a thrown ${error === null ? 'null' : typeof error}`;
  const fields = error as unknown as Record<string, unknown>;
  const fromDatabase = typeof fields.severity === 'string' && typeof fields.code === 'string';
  // PGlite's classes are minified (`O`); the SQLSTATE code says more than the class there.
  const kind = fromDatabase ? 'DatabaseError' : error.constructor?.name || error.name || 'Error';
  const code = typeof fields.code === 'string' || typeof fields.code === 'number' ? ` ${String(fields.code).replace(/[^\w.-]/g, '?').slice(0, 40)}` : '';
  const message = String(error.message)
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\$argon2\S*/g, '…')
    .replace(/[\w+/=-]{32,}/g, '…')
    .replace(/0x[\da-f]{2}(?: 0x[\da-f]{2})*/gi, '0x…')
    .replace(/\s+/g, ' ')
    .replace(/[\p{Cc}\p{Cs}]/gu, '\uFFFD')
    .slice(0, 300);
  const names = fromDatabase
    ? DATABASE_NAME_FIELDS.filter((field) => typeof fields[field] === 'string').map((field) => ` ${field}=${String(fields[field]).slice(0, 63)}`).join('')
    : '';
  const frames = String(error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line)).slice(0, 12);
  const cause = depth < 3 && error.cause !== undefined ? `\ncaused by ${describeErrorForLog(error.cause, depth + 1)}` : '';
  return [`${kind}${code}: ${message}${names}`, ...frames].join('\n') + cause;
}

/**
 * Hono's onError: known problems as they are, anything else a 500 with the request's id
 * (its `X-Request-Id`, see ops/observe.ts) and no details. Where the broker has a logger, the
 * request's log line carries the error; otherwise it goes to stderr here, naming the request
 * (id, method, path without its query string) and the error as `describeErrorForLog` allows,
 * never the request's values.
 */
export function onError(error: Error, c: Context) {
  if (error instanceof ProblemError) return problemResponse(c, error.code, error.extra);
  const requestId = c.get('requestId') ?? crypto.randomUUID();
  const unavailable = error instanceof DatabaseUnavailableError;
  if (!c.get('errorsLogged')) {
    // A decoded path can hold a line break (`%0A`): a request must not forge log lines.
    const path = c.req.path.replace(/[\p{Cc}\p{Cs}]/gu, '\uFFFD').slice(0, 200);
    console.error(`[latchkey] request ${requestId} ${c.req.method} ${path} failed: ${unavailable ? describeErrorForLog(error).split('\n')[0] + ` (${describeErrorForLog(error.cause).split('\n')[0]})` : describeErrorForLog(error)}`);
  }
  // The database out of reach (a restart, a failover) is no bug of ours: a retryable 503. A
  // second is about what a PostgreSQL restart or a pool's reconnection takes.
  if (unavailable) return problemResponse(c, 'service_unavailable', { requestId, retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS });
  return problemResponse(c, 'internal_error', { requestId });
}

/** Retry-After of a `service_unavailable` answer. */
export const DATABASE_RETRY_AFTER_SECONDS = 1;

export function notFound(c: Context) {
  return problemResponse(c, 'not_found');
}
