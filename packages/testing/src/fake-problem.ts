import type { Problem, ProblemCode } from '@latchkey/client';

/**
 * The fakes' refusals: a `Problem` as the broker sends it (problem+json with a
 * stable `code` and the broker's status), thrown by a route and answered by the
 * fake `fetch`. Shared by the fake broker and its organizations (fake-orgs.ts).
 */

const STATUS: Partial<Record<ProblemCode, number>> = {
  invalid_credentials: 401,
  unauthenticated: 401,
  rate_limited: 429,
  not_found: 404,
  unknown_provider: 404,
  no_flow: 404,
  idp_unreachable: 502,
  last_way_in: 409,
  sso_required: 403,
  reauthentication_required: 403,
  forbidden_origin: 403,
  passkey_exists: 409,
  last_sign_in_method: 409,
  domain_taken: 409,
  slug_taken: 409,
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

export class FakeProblem extends Error {
  constructor(
    readonly body: Problem,
    /** Sent as `Retry-After`, as the broker does with every `rate_limited`. */
    readonly retryAfterSeconds?: number,
  ) {
    super(body.code);
  }
}

/** A scripted `rate_limited` (failNext) waits as long as the broker's 15-minute password window. */
const SCRIPTED_RETRY_AFTER_SECONDS = 900;

export function problem(code: ProblemCode, extra: Partial<Problem> = {}, retryAfterSeconds = code === 'rate_limited' ? SCRIPTED_RETRY_AFTER_SECONDS : undefined) {
  return new FakeProblem({ type: `urn:latchkey:problem:${code}`, code, title: `fake ${code}`, status: STATUS[code] ?? 400, ...extra }, retryAfterSeconds);
}
