import { LatchkeyError } from '../errors.js';
import type { CallOptions, Connection } from '../types.js';
import { BROKER_STEPS, type Step } from '../wire/auth.js';
import { PROBLEM_TYPE_PREFIX, type Problem, type ProblemCode } from '../wire/problem.js';

/** The name of a step the broker may answer in this protocol version. */
export type BrokerStepName = (typeof BROKER_STEPS)[number];

// Typed as a full record so it stays in step with the ProblemCode union: a code
// added there and not here fails the type check.
const KNOWN_CODES: Record<ProblemCode, true> = {
  malformed_json: true,
  invalid_request: true,
  payload_too_large: true,
  unsupported_media_type: true,
  invalid_credentials: true,
  invalid_code: true,
  code_expired: true,
  too_many_attempts: true,
  rate_limited: true,
  weak_password: true,
  forbidden_origin: true,
  invalid_return_to: true,
  unauthenticated: true,
  passkey_rejected: true,
  passkey_exists: true,
  last_sign_in_method: true,
  not_found: true,
  method_not_allowed: true,
  unknown_provider: true,
  no_flow: true,
  idp_unreachable: true,
  last_way_in: true,
  sso_required: true,
  invalid_state: true,
  saml_rejected: true,
  reauthentication_required: true,
  mfa_required: true,
  unauthorized: true,
  admin_disabled: true,
  account_suspended: true,
  domain_taken: true,
  slug_taken: true,
  unsupported_connection_type: true,
  forbidden: true,
  last_owner: true,
  role_exists: true,
  role_in_use: true,
  already_member: true,
  invitation_invalid: true,
  invitation_not_for_you: true,
  request_pending: true,
  already_decided: true,
  public_email_domain: true,
  domain_unverified: true,
  no_connection: true,
  org_policy_unmet: true,
  service_unavailable: true,
  internal_error: true,
};

/** One broker endpoint, as the `calls/` functions describe it. */
export interface Endpoint {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: `/${string}`;
  /** Sent as JSON; omit for calls without a body. */
  body?: object;
  /** The call answers 204 No Content instead of a JSON object. */
  noContent?: boolean;
  /**
   * The call answers a `Step`, one of these. Checked before anyone sees it, so
   * code that switches on `step` never meets a variant it does not know.
   */
  steps?: readonly BrokerStepName[];
}

/**
 * Why `url` cannot be a broker's URL, or undefined when it can: an absolute
 * http(s) URL, or a path (`/auth`) for a broker mounted under the page's own
 * origin. A bare host (`auth.example.com`) is refused: fetch would quietly
 * send it to a path of the page's own server.
 *
 * @example
 * brokerUrlProblem('https://auth.example.com'); // undefined
 * brokerUrlProblem('auth.example.com'); // 'The broker URL "auth.example.com" is not a valid URL'
 */
export function brokerUrlProblem(url: string): string | undefined {
  if (!url.trim()) return 'No broker URL was given';
  let parsed: URL;
  try {
    parsed = new URL(url, url.startsWith('/') ? globalThis.document?.baseURI : undefined);
  } catch {
    return `The broker URL "${url}" is not a valid URL`;
  }
  return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? undefined : `The broker URL "${url}" is not an http(s) URL`;
}

const unexpected = (status: number) => new LatchkeyError('unexpected_response', `Unexpected answer from the sign-in service (HTTP ${status})`, { status });

/**
 * A step answer this client can act on, or the error that says why not: a step
 * of a newer protocol (`unsupported_step`, so the page can say "update"), or a
 * known step this endpoint never answers (the broker broke its contract).
 */
function checkStep(body: object, expected: readonly BrokerStepName[], status: number): void {
  const { step } = body as { step?: unknown };
  if (typeof step !== 'string') throw unexpected(status);
  if (!(BROKER_STEPS as readonly string[]).includes(step)) {
    throw new LatchkeyError('unsupported_step', `This sign-in step (${JSON.stringify(step.slice(0, 40))}) needs a newer version of Latchkey`, { status });
  }
  if (!(expected as readonly string[]).includes(step)) throw unexpected(status);
}

/**
 * Only a body in the broker's own problem shape counts as a problem: a JSON
 * error from a proxy or a newer broker's unknown code must not masquerade as one
 * of the codes elements switch on.
 */
function asProblem(body: unknown): Problem | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { code, type, title } = body as Partial<Problem>;
  const known = typeof code === 'string' && Object.hasOwn(KNOWN_CODES, code);
  return known && type === `${PROBLEM_TYPE_PREFIX}${code}` && typeof title === 'string' ? (body as Problem) : undefined;
}

/** `Retry-After` in seconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
function retryAfterSeconds(response: Response): number | undefined {
  const value = response.headers.get('retry-after')?.trim();
  if (!value) return undefined;
  const seconds = /^\d+$/.test(value) ? Number(value) : Math.ceil((Date.parse(value) - Date.now()) / 1000);
  return Number.isFinite(seconds) ? Math.max(0, seconds) : undefined;
}

const isAbort = (error: unknown, signal: AbortSignal | undefined) =>
  signal?.aborted === true || (error instanceof Error && error.name === 'AbortError');

/** The body as JSON; undefined when it is empty or not JSON. Aborts while reading rethrow. */
async function readJson(response: Response, signal: AbortSignal | undefined): Promise<unknown> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    if (isAbort(error, signal)) throw error;
    return undefined;
  }
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sends one call to the broker, always with the browser's cookies
 * (`credentials: 'include'`), and answers its JSON object (undefined for a
 * `noContent` call). Every failure is a `LatchkeyError`, except aborts, which
 * rethrow the AbortError as is. A URL that cannot reach any broker fails with
 * `not_configured` before anything is sent.
 *
 * @example
 * const session = await request<CurrentSession>(conn, { method: 'GET', path: '/v1/session' });
 */
export async function request<T>(conn: Connection, endpoint: Endpoint, options: CallOptions = {}): Promise<T> {
  const { signal } = options;
  // `connect('/')` leaves '' (a broker at the root of the page's own origin).
  const misconfigured = brokerUrlProblem(conn.url || '/');
  if (misconfigured) throw new LatchkeyError('not_configured', misconfigured);
  const url = `${conn.url}${endpoint.path}`;
  const hasBody = endpoint.body !== undefined;
  let response: Response;
  try {
    response = await conn.fetch(url, {
      method: endpoint.method,
      credentials: 'include',
      headers: hasBody ? { accept: 'application/json', 'content-type': 'application/json' } : { accept: 'application/json' },
      body: hasBody ? JSON.stringify(endpoint.body) : undefined,
      signal,
    });
  } catch (cause) {
    if (isAbort(cause, signal)) throw cause;
    throw new LatchkeyError('network_error', 'The sign-in service could not be reached', { cause });
  }

  const { status } = response;
  const body = await readJson(response, signal);
  if (response.ok) {
    if (endpoint.noContent) return undefined as T;
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
      if (endpoint.steps) checkStep(body, endpoint.steps, status);
      return body as T;
    }
  } else {
    const problem = asProblem(body);
    if (problem) throw new LatchkeyError(problem.code, problem.title, { status, problem, retryAfterSeconds: retryAfterSeconds(response) });
  }
  // Whatever answered is not the broker speaking its contract (a proxy page, a
  // captive portal); its text may hold internals, so only the status is kept.
  throw unexpected(status);
}

/**
 * `request` for a call that answers a `Step`: the answer is typed as exactly the
 * steps `endpoint.steps` names, and anything else rejects (see `checkStep`).
 *
 * @example
 * const step = await requestStep(conn, { method: 'POST', path: '/v1/email-code/resend', body, steps: ['email-code'] }); // EmailCodeStep
 */
export function requestStep<N extends BrokerStepName>(
  conn: Connection,
  endpoint: Endpoint & { steps: readonly N[] },
  options?: CallOptions,
): Promise<Extract<Step, { step: N }>> {
  return request(conn, endpoint, options);
}
