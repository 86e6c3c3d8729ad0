import * as signIn from './calls/sign-in.js';
import * as signUp from './calls/sign-up.js';
import * as session from './calls/session.js';
import { connect } from './connection.js';
import { createSessionStore } from './session-store.js';
import type { LatchkeyClient } from './types.js';
import type { DoneStep } from './wire/auth.js';

/**
 * Every broker call bound to one connection, plus the page's session store.
 * Sign-in, sign-up and sign-out through it keep `client.session` current.
 *
 * @example
 * const client = createClient({ url: 'https://auth.example.com' });
 * const step = await client.identify({ email });
 */
export function createClient(options: { url: string | URL; fetch?: typeof fetch }): LatchkeyClient {
  const conn = connect(options);
  const store = createSessionStore(conn);
  const signedIn = (done: DoneStep) => {
    store.set(done);
    return done;
  };
  return {
    connection: conn,
    session: store,
    identify: (body, o) => signIn.identify(conn, body, o),
    signInWithPassword: (body, o) => signIn.signInWithPassword(conn, body, o).then(signedIn),
    startEmailCodeSignIn: (body, o) => signIn.startEmailCodeSignIn(conn, body, o),
    finishEmailCodeSignIn: (body, o) => signIn.finishEmailCodeSignIn(conn, body, o).then(signedIn),
    resendEmailCode: (body, o) => signIn.resendEmailCode(conn, body, o),
    startSignUp: (body, o) => signUp.startSignUp(conn, body, o),
    finishSignUp: (body, o) => signUp.finishSignUp(conn, body, o).then(signedIn),
    startPasswordReset: (body, o) => signUp.startPasswordReset(conn, body, o),
    finishPasswordReset: (body, o) => signUp.finishPasswordReset(conn, body, o),
    getSession: (o) => session.getSession(conn, o),
    getSessionToken: (o) => session.getSessionToken(conn, o),
    signOut: async (o) => {
      await session.signOut(conn, o);
      store.set(null);
    },
  };
}
