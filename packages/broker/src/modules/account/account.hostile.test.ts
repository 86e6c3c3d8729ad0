import { describe, expect, it } from 'vitest';
import { rowCounts, storageKinds, useTestBroker, type StorageKind } from '../../test/harness.js';
import { expectSameTime, pairedMedians, timedPost } from '../../test/timing.js';
import { ADA, BO, NEW_PASSWORD, otherAccount, passwordHashOf, signInElsewhere } from './account.fixtures.js';

const roomy = { limit: 100_000, windowSeconds: 60 };

/** Six digits that are not `code`. */
const wrong = (code: string) => (code === '000000' ? '111111' : '000000');

describe.each(storageKinds)('the account page under attack on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind, (b) => b.signUp(ADA), { rateLimits: { perIp: roomy, mailPerAccount: roomy } });

  it("answers another user's session id as an unknown one, and leaves it live", async () => {
    const b = t.broker;
    const bo = await otherAccount(b, BO);
    const stolen = await b.call('DELETE', `/v1/sessions/${bo.sessionId}`);
    const unknown = await b.call('DELETE', '/v1/sessions/ses_AAAAAAAAAAAAAAAAAAAAAA');
    const malformed = await b.call('DELETE', `/v1/sessions/${encodeURIComponent("ses_1' OR '1'='1")}`);
    for (const answer of [stolen, unknown, malformed]) {
      expect(answer.status).toBe(404);
      expect(answer.body.code).toBe('not_found');
    }
    expect(stolen.body).toEqual(unknown.body);
    expect((await bo.post('/v1/session/token')).status).toBe(200);
    // Nor does it show in the list.
    expect((await b.get('/v1/sessions')).body.sessions.map((s: { id: string }) => s.id)).not.toContain(bo.sessionId);
  });

  it('revoke-others leaves exactly the current session, and other users alone', async () => {
    const b = t.broker;
    const others = await Promise.all(['198.51.100.50', '198.51.100.51', '198.51.100.52'].map((ip) => signInElsewhere(b, ADA, { ip })));
    const bo = await otherAccount(b, BO);
    const current = (await b.get('/v1/sessions')).body.sessions.find((s: { current: boolean }) => s.current).id;
    expect((await b.post('/v1/sessions/revoke-others')).body).toEqual({ revoked: 3 });
    const live = await t.storage.query<{ id: string }>(`SELECT s.id FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1 AND s.revoked_at IS NULL`, [ADA]);
    expect(live.map((r) => r.id)).toEqual([current]);
    for (const other of others) expect((await other.post('/v1/session/token')).status).toBe(401);
    expect((await bo.post('/v1/session/token')).status).toBe(200);
  });

  it('counts at most five of fifty parallel wrong email-change codes, and then takes no right one', async () => {
    const b = t.broker;
    const started = await b.post('/v1/email', { email: 'ada@new.example' });
    const code = await b.lastCode('ada@new.example');
    const answers = await Promise.all(Array.from({ length: 50 }, () => b.post('/v1/email/verify', { flow_id: started.body.flow_id, code: wrong(code) })));
    const [row] = await t.storage.query<{ attempts: number }>(`SELECT attempts FROM flows WHERE id = $1`, [started.body.flow_id]);
    expect(row!.attempts).toBe(5);
    expect(answers.filter((a) => a.body.code === 'invalid_code')).toHaveLength(4);
    // The account's budget of wrong codes may refuse some before they are compared (rate_limited): none of those counts either.
    for (const answer of answers) expect(['invalid_code', 'too_many_attempts', 'rate_limited']).toContain(answer.body.code);
    expect((await b.post('/v1/email/verify', { flow_id: started.body.flow_id, code })).body.code).toBe('too_many_attempts');
    expect((await b.get('/v1/session')).body.user.email).toBe(ADA);
  });

  it('takes a right email-change code once under fifty parallel answers: one change, one notice', async () => {
    const b = t.broker;
    const started = await b.post('/v1/email', { email: 'ada@new.example' });
    const code = await b.lastCode('ada@new.example');
    const answers = await Promise.all(Array.from({ length: 50 }, () => b.post('/v1/email/verify', { flow_id: started.body.flow_id, code })));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    for (const answer of answers.filter((a) => a.status !== 200)) expect(['code_expired', 'rate_limited']).toContain(answer.body.code);
    expect((await b.get('/v1/session')).body.user.email).toBe('ada@new.example');
    expect((await b.outbox(ADA)).filter((m) => m.subject === 'The email address of your account was changed')).toHaveLength(1);
  });

  it('answers a change to a taken address as to a free one, mails its owner instead, and fails the verify as a wrong code', async () => {
    const b = t.broker;
    await otherAccount(b, BO);
    const free = await b.post('/v1/email', { email: 'ada@new.example' });
    const taken = await b.post('/v1/email', { email: BO });
    expect(taken.status).toBe(free.status);
    expect(Object.keys(taken.body).sort()).toEqual(Object.keys(free.body).sort());
    expect({ ...taken.body, flow_id: 'x', email: 'x', expires_at: 'x', resend_after: 'x' }).toEqual({ ...free.body, flow_id: 'x', email: 'x', expires_at: 'x', resend_after: 'x' });
    expect([...taken.headers.keys()].sort()).toEqual([...free.headers.keys()].sort());
    expect(taken.setCookies.map((c) => c.split('=')[0])).toEqual(free.setCookies.map((c) => c.split('=')[0]));
    const notice = (await b.outbox(BO))[0]!;
    expect(notice.subject).toBe('Someone tried to use your email address');
    expect(notice.text).not.toMatch(/\b\d{6}\b/);
    expect(notice.text).not.toContain(ADA);
    // Any code fails as a wrong one does, attempts counted alike.
    const onTaken = await b.post('/v1/email/verify', { flow_id: taken.body.flow_id, code: '123456' });
    const onFree = await b.post('/v1/email/verify', { flow_id: free.body.flow_id, code: wrong(await b.lastCode('ada@new.example')) });
    expect(onTaken.status).toBe(onFree.status);
    expect(onTaken.body).toEqual(onFree.body);
    expect(onTaken.body).toMatchObject({ code: 'invalid_code', attempts_left: 4 });
    expect((await b.get('/v1/session')).body.user.email).toBe(ADA);
  });

  it('takes as long to start a change to a taken address as to a free one', { timeout: 180_000 }, async () => {
    const b = t.broker;
    await otherAccount(b, BO);
    const medians = await pairedMedians(
      { known: BO, unknown: 'nobody@example.test' },
      60,
      (email) => timedPost(b, '/v1/email', { email }),
      (status) => expect(status).toBe(202),
    );
    // Both look the address up and store a flow; the mail leaves later, at a random moment (mail-queue.ts).
    expectSameTime(medians, 0.5, 'taken − free');
  });

  it('refuses a password change without a recent authentication: 403, nothing changed, nothing mailed', async () => {
    const b = t.broker;
    const phone = await signInElsewhere(b, ADA);
    b.clock.advance(601_000);
    const before = { hash: await passwordHashOf(b, ADA), rows: await rowCounts(t.storage) };
    const refused = await b.post('/v1/password', { password: NEW_PASSWORD });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('reauthentication_required');
    // Refused before the body is read: a malformed one gets the same answer.
    expect((await b.call('POST', '/v1/password', { body: '{not json', headers: { 'content-type': 'application/json' } })).body.code).toBe('reauthentication_required');
    expect(await passwordHashOf(b, ADA)).toBe(before.hash);
    expect(await rowCounts(t.storage)).toEqual(before.rows);
    expect((await phone.post('/v1/session/token')).status).toBe(200);
  });

  it('refuses a weak password with its reason: nothing changed, no session revoked, nothing mailed', async () => {
    const b = t.broker;
    const phone = await signInElsewhere(b, ADA);
    const before = { hash: await passwordHashOf(b, ADA), rows: await rowCounts(t.storage) };
    for (const [password, reason] of [
      ['password1', 'common'],
      ['short', 'too_short'],
      ['aaaaaaaaaaaaaaa', 'pattern'],
    ] as const) {
      const refused = await b.post('/v1/password', { password });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ code: 'weak_password', errors: [{ path: 'password', reason }] });
    }
    expect((await b.post('/v1/password', { password: 'x'.repeat(300) })).body.code).toBe('invalid_request');
    expect(await passwordHashOf(b, ADA)).toBe(before.hash);
    expect(await rowCounts(t.storage)).toEqual(before.rows);
    expect((await phone.post('/v1/session/token')).status).toBe(200);
  });

  it('refuses an email change from a session that is not the one it was started in after that session was signed out', async () => {
    const b = t.broker;
    const started = await b.post('/v1/email', { email: 'ada@new.example' });
    const code = await b.lastCode('ada@new.example');
    await b.post('/v1/sign-out');
    expect((await b.post('/v1/email/verify', { flow_id: started.body.flow_id, code })).body.code).toBe('unauthenticated');
    // Another browser of the same user: the flow is bound to the browser that started it.
    const phone = await signInElsewhere(b, ADA);
    expect((await phone.post('/v1/email/verify', { flow_id: started.body.flow_id, code })).body.code).toBe('code_expired');
  });
});
