import { LatchkeyError } from '../errors.js';
import type { CallOptions, Connection } from '../types.js';
import { PROBLEM_TYPE_PREFIX, type Problem, type ProblemCode } from '../wire/problem.js';

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
  not_found: true,
  method_not_allowed: true,
  internal_error: true,
};

/** One broker endpoint, as the `calls/` functions describe it. */
export interface Endpoint {
  method: 'GET' | 'POST';
  path: `/${string}`;
  /** Sent as JSON; omit for calls without a body. */
  body?: object;
  /** The call answers 204 No Content instead of a JSON object. */
  noContent?: boolean;
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
 * rethrow the AbortError as is.
 *
 * @example
 * const step = await request<PasswordStep>(conn, { method: 'POST', path: '/v1/sign-in/identify', body: { email } });
 */
export async function request<T>(conn: Connection, endpoint: Endpoint, options: CallOptions = {}): Promise<T> {
  const { signal } = options;
  const hasBody = endpoint.body !== undefined;
  let response: Response;
  try {
    response = await conn.fetch(`${conn.url}${endpoint.path}`, {
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
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as T;
  } else {
    const problem = asProblem(body);
    if (problem) throw new LatchkeyError(problem.code, problem.title, { status, problem });
  }
  // Whatever answered is not the broker speaking its contract (a proxy page, a
  // captive portal); its text may hold internals, so only the status is kept.
  throw new LatchkeyError('unexpected_response', `Unexpected answer from the sign-in service (HTTP ${status})`, { status });
}
