import { changePassword, finishEmailChange, getPasswordStatus, listSessions, revokeOtherSessions, revokeSession, startEmailChange } from '@latchkey/client';
import { afterEach, describe, expect, it } from 'vitest';
import { ALICE, isoDate, keys, makeSubject, NEW_PASSWORD, PASSWORD, rejection, wrong, type Kind, type Setup, type Subject } from './contract-subject.js';

/**
 * The account page's sessions, password and email address (issue 23 §5) on
 * both brokers. Two sessions of one account come from signing in twice with
 * one client: the first stays live, the client holds the second. A recent
 * authentication is the real broker's alone to check (the account.hostile
 * suite); every scenario here runs right after signing in.
 */
// A roomy timeout: the first test of a file also opens PGlite, on a machine other suites share.
describe.each<Kind>(['fake', 'real'])('account page contract: %s broker', { timeout: 60_000 }, (kind) => {
  let subject: Subject | undefined;
  const open = async (setup?: Setup) => (subject = await makeSubject(kind, setup));
  afterEach(async () => {
    await subject?.close();
    subject = undefined;
  });

  /** ALICE signed in twice: the first session (`first`) lives on in "another browser", the client holds the second. */
  async function twoSessions() {
    const s = await open({ accounts: [ALICE] });
    const first = await s.client.signInWithPassword({ email: ALICE, password: PASSWORD });
    // The real broker's account was made in a browser of the harness's own, whose session lives on: out of the picture.
    await revokeOtherSessions(s.client.connection);
    const second = await s.client.signInWithPassword({ email: ALICE, password: PASSWORD });
    if (first.step !== 'done' || second.step !== 'done') throw new Error('sign-in did not finish');
    return { s, conn: s.client.connection, first: first.session.id, second: second.session.id };
  }

  it('lists both sessions, this one first and marked current, with the same fields', async () => {
    const { conn, first, second } = await twoSessions();
    const { sessions } = await listSessions(conn);
    expect(sessions.map((x) => [x.id, x.current])).toEqual([
      [second, true],
      [first, false],
    ]);
    for (const session of sessions) {
      expect(keys(session)).toEqual(['amr', 'browser', 'created_at', 'current', 'device', 'expires_at', 'id', 'ip', 'last_seen_at']);
      expect(session).toMatchObject({ amr: ['pwd'], created_at: isoDate, last_seen_at: isoDate, expires_at: isoDate });
    }
  });

  it('signs the other session out; an unknown one is not_found; then this one is alone', async () => {
    const { conn, first, second } = await twoSessions();
    await revokeSession(conn, first);
    expect((await rejection(revokeSession(conn, first))).code).toBe('not_found');
    expect((await rejection(revokeSession(conn, 'ses_unknown'))).code).toBe('not_found');
    expect((await listSessions(conn)).sessions.map((x) => x.id)).toEqual([second]);
  });

  it('revoke-others leaves this session; signing this one out signs the client out', async () => {
    const { s, conn, second } = await twoSessions();
    expect(await revokeOtherSessions(conn)).toEqual({ revoked: 1 });
    expect((await listSessions(conn)).sessions.map((x) => x.id)).toEqual([second]);
    await revokeSession(conn, second);
    const signedOut = await rejection(listSessions(conn));
    expect([signedOut.code, signedOut.status]).toEqual(['unauthenticated', 401]);
  });

  it('changes the password: the other session is signed out, a notice is mailed, the new password signs in', async () => {
    const { s, conn } = await twoSessions();
    expect(await getPasswordStatus(conn)).toEqual({ has_password: true });
    expect(await changePassword(conn, { password: NEW_PASSWORD })).toEqual({ replaced: true, revoked_sessions: 1 });
    expect((await listSessions(conn)).sessions).toHaveLength(1);
    expect((await s.inbox(ALICE))[0]).toEqual({ code: null });
    expect((await rejection(s.client.signInWithPassword({ email: ALICE, password: PASSWORD }))).code).toBe('invalid_credentials');
    expect((await s.client.signInWithPassword({ email: ALICE, password: NEW_PASSWORD })).step).toBe('done');
  });

  it('refuses a weak password with its reason at the field', async () => {
    const { conn } = await twoSessions();
    const error = await rejection(changePassword(conn, { password: 'password1' }));
    expect(error.code).toBe('weak_password');
    expect(error.problem?.errors?.[0]).toMatchObject({ path: 'password', reason: 'common' });
  });

  it('changes the address with a code mailed to the new one; the old one is told', async () => {
    const { s, conn } = await twoSessions();
    const step = await startEmailChange(conn, { email: 'alice@new.example' });
    expect(step).toMatchObject({ step: 'email-code', email: 'alice@new.example', purpose: 'email-change', methods: [], attempts_left: 5 });
    const code = await s.lastCode('alice@new.example');
    expect((await rejection(finishEmailChange(conn, { flow_id: step.flow_id, code: wrong(code) }))).problem).toMatchObject({ code: 'invalid_code', attempts_left: 4 });
    const user = await finishEmailChange(conn, { flow_id: step.flow_id, code });
    expect(user).toMatchObject({ email: 'alice@new.example', email_verified: true });
    expect((await s.inbox(ALICE))[0]).toEqual({ code: null });
    expect((await rejection(finishEmailChange(conn, { flow_id: step.flow_id, code }))).code).toBe('code_expired');
  });

  it('answers a taken address as a free one; no code comes, and any code is wrong', async () => {
    const s = await open({ accounts: [ALICE, 'bob@example.com'] });
    await s.client.signInWithPassword({ email: ALICE, password: PASSWORD });
    const step = await startEmailChange(s.client.connection, { email: 'bob@example.com' });
    expect(step).toMatchObject({ step: 'email-code', email: 'bob@example.com', purpose: 'email-change', attempts_left: 5 });
    expect((await s.inbox('bob@example.com'))[0]).toEqual({ code: null });
    expect((await rejection(finishEmailChange(s.client.connection, { flow_id: step.flow_id, code: '123456' }))).problem).toMatchObject({ code: 'invalid_code', attempts_left: 4 });
  });

  it('refuses its own address, and an address whose domain requires SSO', async () => {
    const s = await open({ accounts: [ALICE], ssoDomains: { 'acme.test': 'Acme' }, ssoRequired: ['acme.test'] });
    await s.client.signInWithPassword({ email: ALICE, password: PASSWORD });
    expect((await rejection(startEmailChange(s.client.connection, { email: ALICE }))).problem).toMatchObject({ code: 'invalid_request', errors: [{ path: 'email' }] });
    const sso = await rejection(startEmailChange(s.client.connection, { email: 'alice@acme.test' }));
    expect(sso.status).toBe(403);
    expect(sso.problem).toMatchObject({ code: 'sso_required', errors: [{ path: 'email' }] });
  });
});
