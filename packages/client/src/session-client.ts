import { connect } from './connection.js';
import { LatchkeyError } from './errors.js';
import { brokerUrlProblem } from './internal/request.js';
import { createSessionStore } from './session-store.js';
import type { LatchkeyClient, SessionStore, SessionStoreOptions } from './types.js';
import type { Step } from './wire/auth.js';

/**
 * A connection and its session store, without the bound calls of `createClient`:
 * pass `client.connection` to the standalone calls you import, and `followStep`
 * their answers, so an app (and each element) bundles only the calls it uses.
 * Any `LatchkeyClient` is one.
 */
export type SessionClient = Pick<LatchkeyClient, 'connection' | 'session'>;

/**
 * A connection and its session store for one broker.
 *
 * @throws {LatchkeyError} `not_configured` when `url` is empty, or neither an
 *   http(s) URL nor a path on the page's own origin (`/auth`).
 *
 * @example
 * const client = createSessionClient({ url: 'https://auth.example.com' });
 * const step = followStep(client.session, await identify(client.connection, { email }));
 */
export function createSessionClient(options: { url: string | URL; fetch?: typeof fetch } & SessionStoreOptions): SessionClient {
  const misconfigured = brokerUrlProblem(String(options.url ?? ''));
  if (misconfigured) throw new LatchkeyError('not_configured', misconfigured);
  const connection = connect(options);
  return { connection, session: createSessionStore(connection, options.tabStorage === undefined ? {} : { tabStorage: options.tabStorage }) };
}

/**
 * Keeps a session store in step with a broker answer: `done` signs it in, and a
 * password reset of the signed-in account signs it out (the broker revoked every
 * session of that account, this tab's included). Answers the step unchanged.
 *
 * @example
 * const step = followStep(client.session, await signInWithPassword(client.connection, { email, password }));
 */
export function followStep<S extends Step>(session: SessionStore, step: S): S {
  if (step.step === 'done') session.set(step);
  if (step.step === 'password' && step.notice === 'password-reset') {
    const current = session.state;
    if (current.status === 'signed-in' && current.user.email.toLowerCase() === step.email.toLowerCase()) session.set(null);
  }
  return step;
}
