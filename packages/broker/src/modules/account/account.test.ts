import { describe, expect, it } from 'vitest';
import { adminCall, ADMIN_TOKEN } from '../../test/admin.js';
import { storageKinds, useTestBroker, type StorageKind } from '../../test/harness.js';
import { PASSKEY_METHODS, signUpWithPasskey, SoftAuthenticator } from '../../test/passkeys.js';
import { ADA, BO, CHROME_MAC, FIREFOX_LINUX, NEW_PASSWORD, otherAccount, PASSWORD, passwordHashOf, signInElsewhere } from './account.fixtures.js';

const STEP_UP_MS = 601_000;

describe.each(storageKinds)('the account page on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind, (b) => b.signUp(ADA), { adminToken: ADMIN_TOKEN, signIn: { methods: [...PASSKEY_METHODS] } });

  describe('active sessions', () => {
    it('lists the live sessions with browser, device, address, last activity and how each was made, this one first', async () => {
      const b = t.broker;
      const laptop = await signInElsewhere(b, ADA, { ip: '198.51.100.21', userAgent: CHROME_MAC });
      b.clock.advance(60_000);
      await signInElsewhere(b, ADA, { ip: '198.51.100.22', userAgent: FIREFOX_LINUX });
      const gone = await signInElsewhere(b, ADA, { ip: '198.51.100.23' });
      await gone.post('/v1/sign-out');
      await otherAccount(b, BO);
      const list = await b.get('/v1/sessions');
      expect(list.status).toBe(200);
      expect(list.headers.get('cache-control')).toBe('no-store');
      const { sessions } = list.body;
      expect(sessions.map((s: { current: boolean }) => s.current)).toEqual([true, false, false]);
      expect(Object.keys(sessions[0]).sort()).toEqual(['amr', 'browser', 'created_at', 'current', 'device', 'expires_at', 'id', 'ip', 'last_seen_at']);
      expect(sessions[1]).toMatchObject({ ip: '198.51.100.22', browser: 'Firefox', device: 'Linux', amr: ['pwd'] });
      expect(sessions[2]).toMatchObject({ id: laptop.sessionId, ip: '198.51.100.21', browser: 'Chrome', device: 'macOS', amr: ['pwd'] });
      expect(sessions[0]).toMatchObject({ ip: '203.0.113.10', browser: null, device: null });
    });

    it('touches last activity when a session is used again after five minutes', async () => {
      const b = t.broker;
      const phone = await signInElsewhere(b, ADA);
      b.clock.advance(6 * 60_000);
      await phone.post('/v1/session/token');
      const seen = (await b.get('/v1/sessions')).body.sessions.find((s: { id: string }) => s.id === phone.sessionId);
      expect(seen.last_seen_at).toBe(b.clock.now().toISOString());
    });

    it("signs another session out: its token refresh is refused, and it leaves the list", async () => {
      const b = t.broker;
      const phone = await signInElsewhere(b, ADA);
      expect((await b.call('DELETE', `/v1/sessions/${phone.sessionId}`)).status).toBe(204);
      expect((await phone.post('/v1/session/token')).body.code).toBe('unauthenticated');
      expect((await b.get('/v1/sessions')).body.sessions).toHaveLength(1);
      expect((await b.post('/v1/session/token')).status).toBe(200);
    });

    it("signing out this browser's own session clears its cookie, as signing out does", async () => {
      const b = t.broker;
      const own = (await b.get('/v1/sessions')).body.sessions[0].id;
      const answer = await b.call('DELETE', `/v1/sessions/${own}`);
      expect(answer.status).toBe(204);
      expect(answer.setCookies.some((c) => /^__Host-lk_session=;|^lk_session=;/.test(c) || /max-age=0/i.test(c))).toBe(true);
      expect((await b.get('/v1/session')).body).toEqual({ user: null });
    });

    it('signs every other session out and says how many', async () => {
      const b = t.broker;
      await signInElsewhere(b, ADA);
      await signInElsewhere(b, ADA, { ip: '198.51.100.24' });
      expect((await b.post('/v1/sessions/revoke-others')).body).toEqual({ revoked: 2 });
      expect((await b.post('/v1/sessions/revoke-others')).body).toEqual({ revoked: 0 });
    });

    it('answers 401 without a session, and takes the Origin guard', async () => {
      const stranger = t.broker.browser({ ip: '198.51.100.40' });
      expect((await stranger.get('/v1/sessions')).body.code).toBe('unauthenticated');
      expect((await t.broker.call('POST', '/v1/sessions/revoke-others', { json: {}, headers: { origin: 'https://evil.test' } })).body.code).toBe('forbidden_origin');
    });
  });

  describe('password', () => {
    it('changes the password: other sessions signed out, this one kept, a notice mailed, the new password signs in', async () => {
      const b = t.broker;
      const phone = await signInElsewhere(b, ADA);
      expect((await b.get('/v1/password')).body).toEqual({ has_password: true });
      const changed = await b.post('/v1/password', { password: NEW_PASSWORD });
      expect(changed.status).toBe(200);
      expect(changed.body).toEqual({ replaced: true, revoked_sessions: 1 });
      expect((await phone.post('/v1/session/token')).body.code).toBe('unauthenticated');
      expect((await b.post('/v1/session/token')).status).toBe(200);
      expect((await b.outbox(ADA))[0]!.subject).toBe('Your password was changed');
      await expect(signInElsewhere(b, ADA, { password: PASSWORD })).rejects.toThrow(/invalid_credentials/);
      await signInElsewhere(b, ADA, { password: NEW_PASSWORD, ip: '198.51.100.25' });
    });

    it('sets a first password on a passkey-only account', async () => {
      const b = t.broker;
      b.cookies.clear();
      await signUpWithPasskey(b, new SoftAuthenticator(), 'pia@example.test');
      expect((await b.get('/v1/password')).body).toEqual({ has_password: false });
      expect((await b.post('/v1/password', { password: NEW_PASSWORD })).body).toEqual({ replaced: false, revoked_sessions: 0 });
      expect((await b.get('/v1/password')).body).toEqual({ has_password: true });
      expect((await b.outbox('pia@example.test'))[0]!.subject).toBe('A password was added to your account');
    });

    it('refuses a password built from the name of the service or the address, as sign-up does', async () => {
      const b = t.broker;
      const answer = await b.post('/v1/password', { password: 'ada@example.test1' });
      expect(answer.status).toBe(400);
      expect(answer.body.errors[0]).toMatchObject({ path: 'password', reason: 'personal' });
    });

    it('asks for a recent authentication once the sign-in is older than the step-up window', async () => {
      const b = t.broker;
      b.clock.advance(STEP_UP_MS);
      expect((await b.post('/v1/password', { password: NEW_PASSWORD })).body.code).toBe('reauthentication_required');
      expect((await b.get('/v1/password')).status).toBe(200);
    });
  });

  describe('email address', () => {
    it('moves the account to a proven new address and tells the old one', async () => {
      const b = t.broker;
      const started = await b.post('/v1/email', { email: ' Ada@New.example ' });
      expect(started.status).toBe(202);
      expect(started.body).toMatchObject({ step: 'email-code', email: 'ada@new.example', purpose: 'email-change', methods: [] });
      const code = await b.lastCode('ada@new.example');
      expect((await b.outbox('ada@new.example'))[0]!.subject).toBe('Confirm your new email address');
      const verified = await b.post('/v1/email/verify', { flow_id: started.body.flow_id, code });
      expect(verified.status).toBe(200);
      expect(verified.body).toMatchObject({ email: 'ada@new.example', email_verified: true });
      expect((await b.get('/v1/session')).body.user.email).toBe('ada@new.example');
      const notice = (await b.outbox(ADA))[0]!;
      expect(notice.subject).toBe('The email address of your account was changed');
      expect(notice.text).toContain('ada@new.example');
      await signInElsewhere(b, 'ada@new.example', { ip: '198.51.100.26' });
      await expect(signInElsewhere(b, ADA, { ip: '198.51.100.27' })).rejects.toThrow(/invalid_credentials/);
    });

    it('resends the code through the shared resend route', async () => {
      const b = t.broker;
      const started = await b.post('/v1/email', { email: 'ada@new.example' });
      b.clock.advance(31_000);
      expect((await b.post('/v1/email-code/resend', { flow_id: started.body.flow_id })).body).toMatchObject({ step: 'email-code', purpose: 'email-change' });
      expect((await b.post('/v1/email/verify', { flow_id: started.body.flow_id, code: await b.lastCode('ada@new.example') })).status).toBe(200);
    });

    it('refuses its own address, and asks for a recent authentication first', async () => {
      const b = t.broker;
      expect((await b.post('/v1/email', { email: ADA })).body).toMatchObject({ code: 'invalid_request', errors: [{ path: 'email' }] });
      b.clock.advance(STEP_UP_MS);
      expect((await b.post('/v1/email', { email: 'ada@new.example' })).body.code).toBe('reauthentication_required');
      expect(await b.outboxCount()).toBe(1); // the sign-up's code only
    });

    it('another user cannot finish a change started by this one, even in the same browser', async () => {
      const b = t.broker;
      const started = await b.post('/v1/email', { email: 'ada@new.example' });
      const code = await b.lastCode('ada@new.example');
      b.cookies.delete('lk_session');
      await b.post('/v1/sign-up', { email: BO, password: PASSWORD }).then(async (s) => b.post('/v1/sign-up/verify', { flow_id: s.body.flow_id, code: await b.lastCode(BO) }));
      expect((await b.post('/v1/email/verify', { flow_id: started.body.flow_id, code })).body.code).toBe('code_expired');
      expect(await passwordHashOf(b, 'ada@new.example')).toBeNull();
    });

    it("refuses an address at a domain that requires its organization's SSO, and any change for an account at one", async () => {
      const b = t.broker;
      const org = (await adminCall(b, 'POST', '/organizations', { name: 'Acme' })).body;
      await adminCall(b, 'POST', `/organizations/${org.id}/domains`, { domain: 'acme.test', sso_required: true });
      const into = await b.post('/v1/email', { email: 'ada@acme.test' });
      expect(into.status).toBe(403);
      expect(into.body).toMatchObject({ code: 'sso_required', errors: [{ path: 'email' }] });

      const globex = (await adminCall(b, 'POST', '/organizations', { name: 'Globex' })).body;
      await adminCall(b, 'POST', `/organizations/${globex.id}/domains`, { domain: 'example.test', sso_required: true });
      const out = await b.post('/v1/email', { email: 'ada@elsewhere.example' });
      expect(out.body.code).toBe('sso_required');
      expect(out.body.errors).toBeUndefined();
      expect((await b.post('/v1/password', { password: NEW_PASSWORD })).body.code).toBe('sso_required');
    });
  });
});
