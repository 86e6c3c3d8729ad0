import type { CallOptions, Connection } from './types.js';
import { LatchkeyError } from './errors.js';
import type { Problem } from './wire/problem.js';

/**
 * Where the broker is. Every call takes a connection first.
 *
 * @example
 * const conn = connect({ url: 'https://auth.example.com' });
 */
export function connect(options: { url: string | URL; fetch?: typeof fetch }): Connection {
  return {
    url: String(options.url).replace(/\/+$/, ''),
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
  };
}

const isProblem = (body: unknown): body is Problem =>
  typeof body === 'object' && body !== null && typeof (body as Problem).code === 'string' && typeof (body as Problem).status === 'number';

/**
 * Sends one request to the broker and returns its JSON body (undefined for 204).
 * Errors become `LatchkeyError`s; raw server text never reaches `message`.
 *
 * @example
 * const step = await request<PasswordStep>(conn, 'POST', '/v1/sign-in/identify', { email });
 */
export async function request<T>(conn: Connection, method: 'GET' | 'POST', path: string, body?: unknown, options: CallOptions = {}): Promise<T> {
  let response: Response;
  try {
    response = await conn.fetch(`${conn.url}${path}`, {
      method,
      credentials: 'include',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: options.signal,
    });
  } catch (cause) {
    if ((cause as Error)?.name === 'AbortError') throw cause;
    throw new LatchkeyError('network_error', 'The broker could not be reached', { cause });
  }
  if (response.status === 204) return undefined as T;
  const json = await response.json().catch(() => undefined);
  if (response.ok && json !== undefined) return json as T;
  if (!response.ok && isProblem(json)) {
    throw new LatchkeyError(json.code, json.title, { status: response.status, problem: json });
  }
  throw new LatchkeyError('unexpected_response', `Unexpected answer from the broker (HTTP ${response.status})`, { status: response.status });
}
