import { describe, expect, it } from 'vitest';
import type { Db, Storage } from '../../storage/storage.js';
import { ADMIN_TOKEN, adminCall } from '../../test/admin.js';
import { storageKinds, testBroker, useTestBroker, type StorageKind, type TestBroker } from '../../test/harness.js';
import { addPasskey, PASSKEY_METHODS, SoftAuthenticator } from '../../test/passkeys.js';
import { appCode, enrolApp, PASSWORD, waitingForSecondFactor } from '../mfa/mfa.fixtures.js';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe.each(storageKinds)('operator user management, the admin API on %s', (kind: StorageKind) => {
  const ctx = useTestBroker(kind, undefined, { adminToken: ADMIN_TOKEN, signIn: { methods: [...PASSKEY_METHODS] } });
  const admin = (method: string, path: string, json?: unknown, options?: Parameters<typeof adminCall>[4]) => adminCall(ctx.broker, method, path, json, options);
  const count = async (sql: string, params: unknown[] = []) => (await ctx.storage.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params))[0]!.n;

  /** Signs `email` up in a browser of its own: the user's id, and that browser (signed in). */
  async function user(email: string, b: TestBroker = ctx.broker) {
    const browser = b.browser({ ip: '198.51.100.7' });
    const started = await browser.post('/v1/sign-up', { email, password: PASSWORD });
    const done = await browser.post('/v1/sign-up/verify', { flow_id: started.body.flow_id, code: await b.lastCode(email) });
    expect(done.status).toBe(201);
    return { id: done.body.user.id as string, browser };
  }

  const organization = async (name: string) => (await admin('POST', '/organizations', { name })).body.id as string;
  const passwordSignIn = (email: string, password = PASSWORD) => ctx.broker.browser({ ip: '192.0.2.44' }).post('/v1/sign-in/password', { email, password });

  it('refuses every user route without the admin token (401), or with a wrong one', async () => {
    const { id } = await user('ada@example.test');
    const calls: Array<[string, string]> = [
      ['GET', '/users'],
      ['GET', `/users/${id}`],
      ['POST', `/users/${id}/suspend`],
      ['POST', `/users/${id}/unsuspend`],
      ['DELETE', `/users/${id}`],
      ['GET', `/users/${id}/export`],
    ];
    for (const [method, path] of calls) {
      for (const token of [null, 'not-the-admin-token-0123456789abcdef']) {
        const answer = await admin(method, path, undefined, { token });
        expect(answer.status, `${method} ${path}`).toBe(401);
        expect(answer.body.type).toBe('urn:latchkey:problem:unauthorized');
      }
    }
    expect((await admin('GET', `/users/${id}`)).body).toMatchObject({ id, suspended: false });
    expect(await count(`audit_events WHERE type LIKE 'user.%'`)).toBe(0);
  });

  it('answers 404 for an unknown user on every user route, writing nothing', async () => {
    for (const [method, path] of [
      ['GET', '/users/usr_nobody'],
      ['POST', '/users/usr_nobody/suspend'],
      ['POST', '/users/usr_nobody/unsuspend'],
      ['DELETE', '/users/usr_nobody'],
      ['GET', '/users/usr_nobody/export'],
    ] as const) {
      const answer = await admin(method, path);
      expect(answer.status, `${method} ${path}`).toBe(404);
      expect(answer.body.type).toBe('urn:latchkey:problem:not_found');
    }
    expect(await count('audit_events')).toBe(0);
  });

  it('lists users a page at a time in id order, and by email address', async () => {
    for (const email of ['ada@example.test', 'bo@example.test', 'cy@example.test']) await user(email);
    const first = await admin('GET', '/users?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(2);
    expect(first.body.data[0]).toEqual({
      id: expect.any(String),
      email: expect.any(String),
      email_verified: true,
      name: null,
      has_password: true,
      suspended: false,
      suspended_at: null,
      created_at: expect.stringMatching(ISO),
      updated_at: expect.stringMatching(ISO),
    });
    expect(first.body.next_after).toBe(first.body.data[1].id);
    const rest = await admin('GET', `/users?limit=2&after=${first.body.next_after}`);
    expect(rest.body).toMatchObject({ data: [expect.any(Object)], next_after: null });
    expect([...first.body.data, ...rest.body.data].map((u: { email: string }) => u.email).sort()).toEqual(['ada@example.test', 'bo@example.test', 'cy@example.test']);
    // The address as sign-in normalizes it.
    const bo = await admin('GET', `/users?email=${encodeURIComponent('BO@Example.TEST')}`);
    expect(bo.body).toMatchObject({ data: [{ email: 'bo@example.test' }], next_after: null });
    expect((await admin('GET', '/users?email=nobody%40example.test')).body).toEqual({ data: [], next_after: null });
    expect((await admin('GET', '/users?email=not-an-address')).status).toBe(400);
    expect((await admin('GET', '/users?limit=0')).status).toBe(400);
    expect((await admin('GET', '/users?colour=red')).status).toBe(400);
  });

  it('suspends a user: the live session gets 401 at once, and a password sign-in opens no session', async () => {
    const { id, browser } = await user('ada@example.test');
    expect((await browser.post('/v1/session/token')).status).toBe(200);

    const suspended = await admin('POST', `/users/${id}/suspend`);
    expect(suspended.status).toBe(200);
    expect(suspended.body).toMatchObject({ id, suspended: true, suspended_at: expect.stringMatching(ISO), revoked_sessions: 1 });

    const refresh = await browser.post('/v1/session/token');
    expect(refresh.status).toBe(401);
    expect(refresh.body.type).toBe('urn:latchkey:problem:unauthenticated');

    const sessionsBefore = await count('sessions');
    const signIn = await passwordSignIn('ada@example.test');
    expect(signIn.status).toBe(403);
    expect(signIn.body.type).toBe('urn:latchkey:problem:account_suspended');
    expect(signIn.setCookies.filter((line) => /lk_session=[^;]/.test(line))).toEqual([]);
    // Without the password, a suspended account answers as an unknown one does: nothing told.
    const guess = await passwordSignIn('ada@example.test', 'not the password at all');
    const unknown = await passwordSignIn('nobody@example.test', 'not the password at all');
    expect([guess.status, guess.body.type]).toEqual([unknown.status, unknown.body.type]);
    expect(guess.body.type).toBe('urn:latchkey:problem:invalid_credentials');

    // Another method: the mailed code passes, the engine still refuses.
    const codeBrowser = ctx.broker.browser({ ip: '192.0.2.45' });
    const started = await codeBrowser.post('/v1/sign-in/email-code', { email: 'ada@example.test' });
    expect(started.status).toBe(202);
    const verified = await codeBrowser.post('/v1/sign-in/email-code/verify', { flow_id: started.body.flow_id, code: await ctx.broker.lastCode('ada@example.test') });
    expect(verified.status).toBe(403);
    expect(verified.body.type).toBe('urn:latchkey:problem:account_suspended');
    expect(await count('sessions')).toBe(sessionsBefore);
    expect(await count(`sessions WHERE user_id = $1 AND revoked_at IS NULL`, [id])).toBe(0);

    // Suspending again keeps the first date and records nothing new.
    const again = await admin('POST', `/users/${id}/suspend`);
    expect(again.body.suspended_at).toBe(suspended.body.suspended_at);
    const events = await ctx.storage.query<{ type: string; actor_id: string | null; actor_email: string; target_id: string; org_id: string | null }>(
      `SELECT type, actor_id, actor_email, target_id, org_id FROM audit_events WHERE type LIKE 'user.%' ORDER BY seq`,
    );
    expect(events).toEqual([{ type: 'user.suspended', actor_id: null, actor_email: 'admin-api', target_id: id, org_id: null }]);
  });

  it('refuses a sign-in that waits at its second factor when the user is suspended meanwhile', async () => {
    const { secret, browser, flowId } = await waitingForSecondFactor(ctx.broker, '192.0.2.60');
    const [{ id }] = (await admin('GET', '/users?email=ada%40example.test')).body.data;
    expect((await admin('POST', `/users/${id}/suspend`)).status).toBe(200);
    const sessions = await count('sessions');
    const answer = await browser.post('/v1/sign-in/mfa', { flow_id: flowId, method: 'totp', code: appCode(ctx.broker, secret) });
    expect(answer.status).toBe(403);
    expect(answer.body.type).toBe('urn:latchkey:problem:account_suspended');
    expect(await count('sessions')).toBe(sessions);
  });

  it('lifts a suspension: the user signs in again, and the lifting is recorded', async () => {
    const { id } = await user('ada@example.test');
    await admin('POST', `/users/${id}/suspend`);
    const lifted = await admin('POST', `/users/${id}/unsuspend`);
    expect(lifted.status).toBe(200);
    expect(lifted.body).toMatchObject({ id, suspended: false, suspended_at: null });
    const signIn = await passwordSignIn('ada@example.test');
    expect(signIn.status).toBe(200);
    expect(signIn.body.step).toBe('done');
    expect(await count(`audit_events WHERE type = 'user.unsuspended' AND target_id = $1 AND actor_email = 'admin-api'`, [id])).toBe(1);
  });

  it('deletes a user and everything that hangs off them; each organization records the member leaving', async () => {
    const { id, browser } = await user('ada@example.test');
    const other = await user('bo@example.test');
    const org = await organization('Acme');
    expect((await admin('PUT', `/organizations/${org}/memberships/${id}`, { role: 'member' })).status).toBe(200);
    expect((await admin('PUT', `/organizations/${org}/memberships/${other.id}`, { role: 'owner' })).status).toBe(200);

    const deleted = await admin('DELETE', `/users/${id}`);
    expect(deleted.status).toBe(204);
    expect((await admin('GET', `/users/${id}`)).status).toBe(404);
    for (const table of ['users WHERE id = $1', 'sessions WHERE user_id = $1', 'memberships WHERE user_id = $1', 'flows WHERE user_id = $1', 'recovery_codes WHERE user_id = $1']) {
      expect(await count(table, [id]), table).toBe(0);
    }
    expect((await browser.post('/v1/session/token')).status).toBe(401);
    expect(await count(`audit_events WHERE type = 'user.deleted' AND target_id = $1`, [id])).toBe(1);
    expect(await count(`audit_events WHERE type = 'member.removed' AND org_id = $1 AND target_id = $2`, [org, id])).toBe(1);
    // The other account is untouched.
    expect((await other.browser.post('/v1/session/token')).status).toBe(200);
    expect((await admin('DELETE', `/users/${id}`)).status).toBe(404);
  });

  it("refuses to delete an organization's last owner with 409 last_owner, changing nothing", async () => {
    const { id, browser } = await user('ada@example.test');
    const org = await organization('Acme');
    await admin('PUT', `/organizations/${org}/memberships/${id}`, { role: 'owner' });
    const events = await count('audit_events');

    const refused = await admin('DELETE', `/users/${id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.type).toBe('urn:latchkey:problem:last_owner');
    expect(refused.body.detail).toContain(org);
    expect(await count('users WHERE id = $1', [id])).toBe(1);
    expect(await count('memberships WHERE user_id = $1', [id])).toBe(1);
    expect(await count('audit_events')).toBe(events);
    expect((await browser.post('/v1/session/token')).status).toBe(200);

    // With a second owner, the first may go.
    const other = await user('bo@example.test');
    await admin('PUT', `/organizations/${org}/memberships/${other.id}`, { role: 'owner' });
    expect((await admin('DELETE', `/users/${id}`)).status).toBe(204);
  });

  it('deletes all or nothing: a failure at the last statement leaves the user, sessions, memberships and log as they were', async () => {
    const { id, browser } = await user('ada@example.test');
    const org = await organization('Acme');
    await admin('PUT', `/organizations/${org}/memberships/${id}`, { role: 'member' });
    const before = { events: await count('audit_events'), memberships: await count('memberships'), sessions: await count('sessions WHERE revoked_at IS NULL') };

    // A second broker on the same database whose storage fails the account's own DELETE (the last write of the transaction).
    const failing = failingOn(ctx.storage, /^DELETE FROM users/);
    const broken = testBroker(failing, { adminToken: ADMIN_TOKEN, clock: ctx.broker.clock });
    const errors = muteConsoleError();
    const answer = await adminCall(broken, 'DELETE', `/users/${id}`);
    errors.restore();
    expect(answer.status).toBe(500);
    expect(answer.body.type).toBe('urn:latchkey:problem:internal_error');

    expect(await count('users WHERE id = $1', [id])).toBe(1);
    expect({ events: await count('audit_events'), memberships: await count('memberships'), sessions: await count('sessions WHERE revoked_at IS NULL') }).toEqual(before);
    expect((await browser.post('/v1/session/token')).status).toBe(200);
    expect((await admin('DELETE', `/users/${id}`)).status).toBe(204);
  });

  it('exports everything stored about a user as JSON, without a secret', async () => {
    // The broker's own browser: signed up, an authenticator app, then a passkey (a recent sign-in with its second factor).
    const id: string = (await ctx.broker.signUp('ada@example.test', PASSWORD)).user.id;
    await enrolApp(ctx.broker);
    const added = await addPasskey(ctx.broker, new SoftAuthenticator(), {}, 'Laptop');
    expect(added.status).toBe(201);
    const org = await organization('Acme');
    await admin('PUT', `/organizations/${org}/memberships/${id}`, { role: 'member' });
    await passwordSignIn('ada@example.test');

    const answer = await admin('GET', `/users/${id}/export`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-disposition')).toMatch(/^attachment; filename="user-[\w-]+\.json"$/);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const document = answer.body;
    expect(document.user).toMatchObject({ id, email: 'ada@example.test', has_password: true, suspended: false });
    expect(document.emails).toEqual([{ email: 'ada@example.test', primary: true, verified: true }]);
    expect(document.passkeys).toEqual([expect.objectContaining({ name: 'Laptop', device_type: expect.any(String), created_at: expect.stringMatching(ISO) })]);
    expect(document.mfa.totp).toEqual({ id: expect.any(String), created_at: expect.stringMatching(ISO), last_used_at: expect.anything() });
    expect(document.mfa.recovery_codes.remaining).toBe(10);
    expect(document.sessions.length).toBeGreaterThanOrEqual(1);
    expect(document.sessions[0]).toEqual(expect.objectContaining({ amr: expect.any(Array), created_at: expect.stringMatching(ISO), ip: expect.anything() }));
    expect(document.memberships).toEqual([{ org_id: org, name: 'Acme', slug: 'acme', role: 'member' }]);
    const types = document.audit_events.map((event: { type: string }) => event.type);
    expect(types).toEqual(expect.arrayContaining(['sign_in.succeeded', 'factor.added', 'user.exported']));

    // No secret: not the password hash, the sealed TOTP secret, a recovery code hash, a passkey's public key, or a session's id or secret hash.
    const text = JSON.stringify(document);
    const [{ password_hash }] = (await ctx.storage.query<{ password_hash: string }>(`SELECT password_hash FROM users WHERE id = $1`, [id])) as [{ password_hash: string }];
    const secrets = [
      password_hash,
      ...(await ctx.storage.query<{ s: string }>(`SELECT sealed_secret AS s FROM totp_factors WHERE user_id = $1`, [id])).map((r) => r.s),
      ...(await ctx.storage.query<{ s: string }>(`SELECT code_hash AS s FROM recovery_codes WHERE user_id = $1`, [id])).map((r) => r.s),
      ...(await ctx.storage.query<{ id: string; secret_hash: string }>(`SELECT id, secret_hash FROM sessions WHERE user_id = $1`, [id])).flatMap((r) => [r.id, r.secret_hash]),
    ];
    expect(secrets.length).toBeGreaterThanOrEqual(1 + 1 + 10 + 2);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/password_hash|sealed_secret|code_hash|secret_hash|public_key|"ses_/);
    expect(await count(`audit_events WHERE type = 'user.exported' AND target_id = $1 AND actor_email = 'admin-api'`, [id])).toBe(1);
  });
});

/** `storage` with every statement matching `pattern` failing, in and out of transactions. */
function failingOn(storage: Storage, pattern: RegExp): Storage {
  const wrap = (db: Db): Db => ({
    query: (sql, params) => (pattern.test(sql.trim()) ? Promise.reject(new Error('simulated failure')) : db.query(sql, params)),
    exec: (sql) => db.exec(sql),
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
  });
  return { ...storage, ...wrap(storage) } as Storage;
}

/** The 500's log line is expected here; kept out of the test output. */
function muteConsoleError() {
  const original = console.error;
  console.error = () => {};
  return { restore: () => void (console.error = original) };
}
