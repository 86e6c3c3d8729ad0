import { describe, expect, it } from 'vitest';
import { findUserByEmail } from '../../storage/queries/index.js';
import { storageKinds, type StorageKind, useTestBroker } from '../../test/harness.js';
import { passkeyBroker, signInWithPasskey, signUpWithPasskey, SoftAuthenticator } from '../../test/passkeys.js';
import { appCode, passwordFirst, userWithTotp, waitingForSecondFactor, PASSWORD } from '../mfa/mfa.fixtures.js';
import type { Browser } from './browser.js';
import { completeFirstFactor } from './complete.js';

/**
 * Sign-in audit events (issue 24 §5): `sign_in.succeeded` lands with each
 * session the engine opens, in the same write; `sign_in.failed` with each
 * wrong password or code, the same row for an unknown account as for a known
 * one but for its id.
 */
describe.each(storageKinds)('sign-in audit events on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind);
  type Event = { type: string; orgId: string | null; actorId: string | null; actorEmail: string | null; targetType: string | null; targetId: string | null; data: Record<string, unknown>; ip: string | null; userAgent: string | null };
  const events = (type: string) =>
    t.storage.query<Event>(
      `SELECT type, org_id AS "orgId", actor_id AS "actorId", actor_email AS "actorEmail", target_type AS "targetType", target_id AS "targetId", data, ip, user_agent AS "userAgent"
       FROM audit_events WHERE type = $1 ORDER BY seq`,
      [type],
    );

  it('records each session opened by a password, with its methods, the browser and no organization', async () => {
    const { user } = await t.broker.signUp('ada@example.com', PASSWORD);
    const laptop = t.broker.browser({ ip: '198.51.100.7' });
    const done = await laptop.call('POST', '/v1/sign-in/password', { json: { email: 'ada@example.com', password: PASSWORD }, headers: { 'user-agent': 'Firefox/140' } });
    expect(done.body.step).toBe('done');
    const recorded = await events('sign_in.succeeded');
    // The sign-up opened a session too.
    expect(recorded).toHaveLength(2);
    expect(recorded[1]).toEqual({
      type: 'sign_in.succeeded',
      orgId: null,
      actorId: user.id,
      actorEmail: 'ada@example.com',
      targetType: 'session',
      targetId: done.body.session.id,
      data: { methods: ['pwd'] },
      ip: '198.51.100.7',
      userAgent: 'Firefox/140',
    });
  });

  it('records the organization a session opens in', async () => {
    await t.broker.signUp('ana@acme.test', PASSWORD);
    const user = (await findUserByEmail(t.storage, 'ana@acme.test'))!;
    const browser: Browser = { bindingHash: 'b'.repeat(43), ip: undefined, userAgent: null, devices: [] };
    const at = t.broker.clock.now().toISOString();
    const outcome = await t.storage.transaction((tx) => completeFirstFactor(tx, t.broker.deps, browser, user, { method: 'oidc', at, connection: 'con_acme', org: 'org_acme' }, null));
    const recorded = (await events('sign_in.succeeded')).at(-1)!;
    expect(recorded).toMatchObject({ orgId: 'org_acme', actorId: user.id, targetId: (outcome.step as { session: { id: string } }).session.id, data: { methods: ['fed'] }, ip: null });
  });

  it('records a passkey sign-in in its one statement', async () => {
    const b = passkeyBroker(t.storage);
    const authenticator = new SoftAuthenticator({ origin: 'http://app.test' });
    await signUpWithPasskey(b, authenticator, 'pia@example.com');
    const browser = b.browser({ ip: '198.51.100.9' });
    const done = await signInWithPasskey(browser, authenticator);
    expect(done.body.step).toBe('done');
    const recorded = (await events('sign_in.succeeded')).at(-1)!;
    expect(recorded).toMatchObject({ targetId: done.body.session.id, data: { methods: done.body.session.amr }, ip: '198.51.100.9', orgId: null });
  });

  it('records nothing for a sign-in that waits for its second factor, and the success once it is done', async () => {
    const { secret } = await userWithTotp(t.broker);
    const before = (await events('sign_in.succeeded')).length;
    const browser = t.broker.browser({ ip: '198.51.100.8' });
    const waiting = await passwordFirst(browser);
    expect(waiting.body.step).toBe('mfa');
    expect(await events('sign_in.succeeded')).toHaveLength(before);
    const done = await browser.post('/v1/sign-in/mfa', { flow_id: waiting.body.flow_id, method: 'totp', code: appCode(t.broker, secret) });
    expect(done.body.step).toBe('done');
    expect((await events('sign_in.succeeded')).at(-1)).toMatchObject({ targetId: done.body.session.id, data: { methods: ['pwd', 'otp', 'mfa'] } });
  });

  it('records a wrong password alike for a known and an unknown account, with the account id only for the known', async () => {
    const { user } = await t.broker.signUp('ada@example.com', PASSWORD);
    const stranger = t.broker.browser({ ip: '198.51.100.66' });
    const known = await stranger.post('/v1/sign-in/password', { email: 'ada@example.com', password: 'not the password at all' });
    const unknown = await stranger.post('/v1/sign-in/password', { email: 'nobody@example.com', password: 'not the password at all' });
    expect(known.status).toBe(401);
    expect(unknown.body).toEqual(known.body);
    const [first, second] = await events('sign_in.failed');
    expect(first).toEqual({ type: 'sign_in.failed', orgId: null, actorId: user.id, actorEmail: 'ada@example.com', targetType: null, targetId: null, data: { method: 'pwd' }, ip: '198.51.100.66', userAgent: null });
    expect(second).toEqual({ ...first, actorId: null, actorEmail: 'nobody@example.com' });
  });

  it('records a wrong emailed sign-in code, for an address without an account too', async () => {
    const { user } = await t.broker.signUp('ada@example.com', PASSWORD);
    const browser = t.broker.browser({ ip: '198.51.100.5' });
    for (const email of ['ada@example.com', 'nobody@example.com']) {
      const started = await browser.post('/v1/sign-in/email-code', { email });
      const code = email === 'ada@example.com' ? await t.broker.lastCode(email) : '123456';
      const wrong = await browser.post('/v1/sign-in/email-code/verify', { flow_id: started.body.flow_id, code: code === '000000' ? '111111' : '000000' });
      expect(wrong.body.code).toBe('invalid_code');
    }
    const recorded = await events('sign_in.failed');
    expect(recorded.map((e) => [e.actorId, e.actorEmail, e.data])).toEqual([
      [user.id, 'ada@example.com', { method: 'email_code' }],
      [null, 'nobody@example.com', { method: 'email_code' }],
    ]);
  });

  it('records a wrong code at the MFA step, and no failure for a right one', async () => {
    const { browser, flowId, secret } = await waitingForSecondFactor(t.broker, '198.51.100.4');
    const right = appCode(t.broker, secret);
    const wrong = await browser.post('/v1/sign-in/mfa', { flow_id: flowId, method: 'totp', code: right === '000000' ? '111111' : '000000' });
    expect(wrong.body.code).toBe('invalid_code');
    expect((await events('sign_in.failed')).map((e) => e.data)).toEqual([{ method: 'otp' }]);
    expect((await browser.post('/v1/sign-in/mfa', { flow_id: flowId, method: 'totp', code: right })).body.step).toBe('done');
    expect(await events('sign_in.failed')).toHaveLength(1);
  });
});
