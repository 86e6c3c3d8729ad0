import { describe, expect, it } from 'vitest';
import { addPasskey, PASSKEY_METHODS, SoftAuthenticator } from '../../../test/passkeys.js';
import { storageKinds, useTestBroker, type StorageKind, type TestBroker } from '../../../test/harness.js';
import { addMember, organization, person, type Person } from '../../../test/joining.js';
import { appCode } from '../../mfa/mfa.fixtures.js';

const roomy = { limit: 100_000, windowSeconds: 60 };
const NEW_PASSWORD = 'a brand new battery staple';

/** The factor events of `userId`, by organization (null: none), oldest first. */
async function factorEvents(b: TestBroker, userId: string) {
  return b.deps.storage.query<{ org_id: string | null; type: string; actor_id: string; actor_email: string | null; data: Record<string, unknown>; ip: string | null }>(
    `SELECT org_id, type, actor_id, actor_email, data, ip FROM audit_events WHERE actor_id = $1 AND type LIKE 'factor.%' ORDER BY seq`,
    [userId],
  );
}

/** Ana, a member of Acme and Globex (each owned by someone else). */
async function anaInTwoOrgs(b: TestBroker) {
  const ana = await person(b, 'ana@example.test');
  const acme = await organization(b, 'Acme', await person(b, 'olga@acme.test'));
  const globex = await organization(b, 'Globex', await person(b, 'gina@globex.test'));
  await addMember(b, acme, ana.userId, 'member');
  await addMember(b, globex, ana.userId, 'admin');
  return { ana, acme, globex };
}

async function enrolApp(b: TestBroker, who: Person) {
  const enrollment = await who.post('/v1/mfa/totp');
  const confirmed = await who.post('/v1/mfa/totp/confirm', { enrollment_id: enrollment.body.enrollment_id, code: appCode(b, enrollment.body.secret) });
  if (confirmed.status !== 201) throw new Error(`confirmation failed: ${JSON.stringify(confirmed.body)}`);
  return confirmed.body.factor.id as string;
}

describe.each(storageKinds)('factor changes in the audit log on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind, undefined, { rateLimits: { perIp: roomy, mailPerAccount: roomy }, signIn: { methods: [...PASSKEY_METHODS] } });

  it("records a password set once in each of the user's organizations, with the address and browser", async () => {
    const b = t.broker;
    const { ana, acme, globex } = await anaInTwoOrgs(b);
    expect((await ana.post('/v1/password', { password: NEW_PASSWORD })).status).toBe(200);
    const events = await factorEvents(b, ana.userId);
    expect(events.map((e) => e.org_id).sort()).toEqual([acme, globex].sort());
    for (const event of events) expect(event).toMatchObject({ type: 'factor.added', actor_email: 'ana@example.test', data: { method: 'password', replaced: false }, ip: ana.ip });
    // A change the broker refuses records nothing.
    expect((await ana.post('/v1/password', { password: 'short' })).status).toBe(400);
    expect(await factorEvents(b, ana.userId)).toHaveLength(2);
    // Ids as every other id: a prefix and 128 bits or so, base64url, each its own.
    const ids = await b.deps.storage.query<{ id: string }>(`SELECT id FROM audit_events WHERE actor_id = $1`, [ana.userId]);
    for (const { id } of ids) expect(id).toMatch(/^evt_[\w-]{22}$/);
    expect(new Set(ids.map((row) => row.id)).size).toBe(2);
  });

  it('records a change of a user in no organization once, without an organization', async () => {
    const b = t.broker;
    const solo = await person(b, 'solo@example.test');
    await solo.post('/v1/password', { password: NEW_PASSWORD });
    await solo.post('/v1/password', { password: `${NEW_PASSWORD} again` });
    expect((await factorEvents(b, solo.userId)).map((e) => [e.org_id, e.data])).toEqual([
      [null, { method: 'password', replaced: false }],
      [null, { method: 'password', replaced: true }],
    ]);
  });

  it('records an authenticator app enrolled and removed, and recovery codes made again', async () => {
    const b = t.broker;
    const { ana, acme } = await anaInTwoOrgs(b);
    const factorId = await enrolApp(b, ana);
    expect((await ana.post('/v1/mfa/recovery-codes')).status).toBe(201);
    expect((await ana.call('DELETE', `/v1/mfa/totp/${factorId}`)).status).toBe(204);
    const inAcme = (await factorEvents(b, ana.userId)).filter((e) => e.org_id === acme);
    expect(inAcme.map((e) => [e.type, e.data])).toEqual([
      ['factor.added', { method: 'totp' }],
      ['factor.added', { method: 'recovery_codes' }],
      ['factor.removed', { method: 'totp' }],
    ]);
    expect(await factorEvents(b, ana.userId)).toHaveLength(6);
  });

  it('records passkeys added and deleted', async () => {
    const b = t.broker;
    const { ana, globex } = await anaInTwoOrgs(b);
    const first = await addPasskey(ana, new SoftAuthenticator());
    expect(first.status).toBe(201);
    expect((await addPasskey(ana, new SoftAuthenticator())).status).toBe(201);
    expect((await ana.call('DELETE', `/v1/passkeys/${first.body.id}`)).status).toBe(204);
    // A refused delete (another's or unknown id) records nothing.
    expect((await ana.call('DELETE', `/v1/passkeys/${first.body.id}`)).status).toBe(404);
    const inGlobex = (await factorEvents(b, ana.userId)).filter((e) => e.org_id === globex);
    expect(inGlobex.map((e) => [e.type, e.data])).toEqual([
      ['factor.added', { method: 'passkey' }],
      ['factor.added', { method: 'passkey' }],
      ['factor.removed', { method: 'passkey' }],
    ]);
  });

  it('records a password reset by mailed code', async () => {
    const b = t.broker;
    const { ana, acme } = await anaInTwoOrgs(b);
    const laptop = b.browser({ ip: '192.0.2.44' });
    const started = await laptop.post('/v1/password-reset', { email: 'ana@example.test' });
    const finished = await laptop.post('/v1/password-reset/finish', { flow_id: started.body.flow_id, code: await b.lastCode('ana@example.test'), password: NEW_PASSWORD });
    expect(finished.status).toBe(200);
    const inAcme = (await factorEvents(b, ana.userId)).filter((e) => e.org_id === acme);
    expect(inAcme).toEqual([expect.objectContaining({ type: 'factor.added', data: { method: 'password', replaced: false, reset: true }, ip: '192.0.2.44' })]);
  });
});
