import { finishEmailCodeSignIn, identify, resendEmailCode, signInWithPassword, startEmailCodeSignIn } from './calls/sign-in.js';
import { finishPasswordReset, finishSignUp, startPasswordReset, startSignUp } from './calls/sign-up.js';
import { getSession, getSessionToken, signOut } from './calls/session.js';
import { connect } from './connection.js';
import { createSessionStore } from './session-store.js';
import type { LatchkeyClient } from './types.js';

/**
 * Every broker call bound to one connection, plus that broker's session store.
 * Calls that sign in (a `done` answer) or out keep `client.session` current;
 * so does a password reset of the signed-in account, which revokes its sessions.
 * Make one per broker per page and share it: each client has its own store.
 *
 * @example
 * const client = createClient({ url: 'https://auth.example.com' });
 * client.session.subscribe((state) => console.log(state.status));
 * const step = await client.identify({ email: 'ada@example.com' });
 * await client.signInWithPassword({ email: step.email, password }); // session is now signed-in
 */
export function createClient(options: { url: string | URL; fetch?: typeof fetch }): LatchkeyClient {
  const conn = connect(options);
  const session = createSessionStore(conn);
  const signedIn = <T extends Parameters<typeof session.set>[0]>(answer: T) => {
    session.set(answer);
    return answer;
  };
  return {
    connection: conn,
    session,
    identify: (body, o) => identify(conn, body, o),
    signInWithPassword: (body, o) => signInWithPassword(conn, body, o).then(signedIn),
    startEmailCodeSignIn: (body, o) => startEmailCodeSignIn(conn, body, o),
    finishEmailCodeSignIn: (body, o) => finishEmailCodeSignIn(conn, body, o).then(signedIn),
    resendEmailCode: (body, o) => resendEmailCode(conn, body, o),
    startSignUp: (body, o) => startSignUp(conn, body, o),
    finishSignUp: (body, o) => finishSignUp(conn, body, o).then(signedIn),
    startPasswordReset: (body, o) => startPasswordReset(conn, body, o),
    finishPasswordReset: async (body, o) => {
      const step = await finishPasswordReset(conn, body, o);
      // The broker revoked every session of that account, this tab's included.
      const current = session.state;
      if (current.status === 'signed-in' && current.user.email.toLowerCase() === step.email.toLowerCase()) session.set(null);
      return step;
    },
    getSession: (o) => getSession(conn, o),
    getSessionToken: (o) => getSessionToken(conn, o),
    signOut: async (o) => {
      await signOut(conn, o);
      session.set(null);
    },
  };
}
