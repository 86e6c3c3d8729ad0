import { finishEmailCodeSignIn, identify, resendEmailCode, signInWithPassword, startEmailCodeSignIn } from './calls/sign-in.js';
import { finishPasswordReset, finishSignUp, startPasswordReset, startSignUp } from './calls/sign-up.js';
import { getSession, getSessionToken, signOut } from './calls/session.js';
import { finishPasskeySignIn, finishPasskeySignUp, restartPasskeySignUp, startPasskeySignIn } from './calls/passkeys.js';
import { getPublicConfig, resumeSignIn, startSocialSignIn } from './calls/federation.js';
import { createSessionClient, followStep } from './session-client.js';
import type { CallOptions, Connection, LatchkeyClient, SessionStoreOptions } from './types.js';
import type { Step } from './wire/auth.js';

/**
 * Every broker call bound to one connection, plus that broker's session store.
 * Whatever call answers `done` signs `client.session` in, and sign-out signs it
 * out; so does a password reset of the signed-in account, which revokes its
 * sessions. Make one per broker per page and share it: each client has its own store.
 *
 * @throws {LatchkeyError} `not_configured` when `url` is empty, or neither an
 *   http(s) URL nor a path on the page's own origin (`/auth`).
 *
 * @example
 * const client = createClient({ url: 'https://auth.example.com' });
 * client.session.subscribe((state) => console.log(state.status));
 * const step = await client.identify({ email: 'ada@example.com' });
 * if (step.step === 'password') await client.signInWithPassword({ email: step.email, password }); // `done`: signed in
 */
export function createClient(options: { url: string | URL; fetch?: typeof fetch } & SessionStoreOptions): LatchkeyClient {
  const { connection: conn, session } = createSessionClient(options);
  /** Every step answer passes here, so the session follows the broker whichever call ended the flow. */
  const follow = <S extends Step>(step: S): S => followStep(session, step);
  const stepCall =
    <B, S extends Step>(call: (conn: Connection, body: B, options?: CallOptions) => Promise<S>) =>
    (body: B, o?: CallOptions) =>
      call(conn, body, o).then(follow);

  return {
    connection: conn,
    session,
    identify: stepCall(identify),
    signInWithPassword: stepCall(signInWithPassword),
    startEmailCodeSignIn: stepCall(startEmailCodeSignIn),
    finishEmailCodeSignIn: stepCall(finishEmailCodeSignIn),
    resendEmailCode: stepCall(resendEmailCode),
    startSignUp: stepCall(startSignUp),
    finishSignUp: stepCall(finishSignUp),
    startPasswordReset: stepCall(startPasswordReset),
    finishPasswordReset: stepCall(finishPasswordReset),
    startPasskeySignIn: stepCall(startPasskeySignIn),
    finishPasskeySignIn: stepCall(finishPasskeySignIn),
    restartPasskeySignUp: stepCall(restartPasskeySignUp),
    finishPasskeySignUp: stepCall(finishPasskeySignUp),
    getPublicConfig: (o) => getPublicConfig(conn, o),
    startSocialSignIn: stepCall(startSocialSignIn),
    resumeSignIn: (o) => resumeSignIn(conn, o).then(follow),
    getSession: (o) => getSession(conn, o),
    getSessionToken: (o) => getSessionToken(conn, o),
    signOut: async (o) => {
      await signOut(conn, o);
      session.set(null);
    },
  };
}
