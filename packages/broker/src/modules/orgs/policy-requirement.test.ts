import { describe, expect, it } from 'vitest';
import { ProblemError } from '../../http/problem.js';
import { findUserByEmail, insertOrganization, upsertMembership } from '../../storage/queries/index.js';
import { rowCounts, storageKinds, type StorageKind, useTestBroker } from '../../test/harness.js';
import type { Browser } from '../sign-in/browser.js';
import { completeFirstFactor } from '../sign-in/complete.js';
import type { Factor } from '../sign-in/factors.js';

/**
 * The engine checks the policies of the organization a session opens in
 * (issue 24 §4): a sign-in through Acme's connection into an Acme that
 * requires a passkey (or its SSO) is refused before any session opens.
 */
describe.each(storageKinds)('organization policies at sign-in on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind, async (b) => {
    await b.signUp('ana@acme.test');
    b.cookies.clear();
  });
  const browser: Browser = { bindingHash: 'b'.repeat(43), ip: '203.0.113.10', userAgent: 'test', devices: [] };
  const ana = async () => (await findUserByEmail(t.storage, 'ana@acme.test'))!;

  async function acme(policy: { requirePasskey?: boolean; requireSso?: boolean; graceUntil?: Date | null }) {
    const at = t.broker.clock.now();
    await insertOrganization(t.storage, { id: 'org_acme', name: 'Acme', slug: 'acme', createdAt: at });
    await t.storage.query(`UPDATE organizations SET require_passkey = $1, require_sso = $2, policy_grace_until = $3 WHERE id = 'org_acme'`, [
      policy.requirePasskey ?? false,
      policy.requireSso ?? false,
      policy.graceUntil ?? null,
    ]);
    await upsertMembership(t.storage, { orgId: 'org_acme', userId: (await ana()).id, role: 'member', createdAt: at });
  }
  const signIn = async (factor: Factor) => {
    // Read before the transaction: PGlite's one connection is the transaction's until it ends.
    const user = await ana();
    return t.storage.transaction((tx) => completeFirstFactor(tx, t.broker.deps, browser, user, factor, null));
  };
  const at = () => t.broker.clock.now().toISOString();
  const viaAcme = (): Factor => ({ method: 'oidc', at: at(), connection: 'con_acme', org: 'org_acme' });

  it("refuses an SSO sign-in into an organization that requires a passkey, and opens nothing", async () => {
    await acme({ requirePasskey: true });
    const before = await rowCounts(t.storage);
    const refused = await signIn(viaAcme()).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ProblemError);
    expect(refused).toMatchObject({ code: 'org_policy_unmet', extra: { policy: { requirement: 'passkey', org_id: 'org_acme' } } });
    expect(await rowCounts(t.storage)).toEqual(before);
    expect(await t.storage.query(`SELECT id FROM audit_events WHERE type = 'sign_in.succeeded'`)).toHaveLength(1); // the sign-up's only
  });

  it("passes require_sso through the organization's own connection, which is how a session opens in it", async () => {
    await acme({ requireSso: true });
    const done = await signIn(viaAcme());
    expect(done.step).toMatchObject({ step: 'done', session: { org_id: 'org_acme' } });
  });

  it('lets the sign-in in during the grace period', async () => {
    await acme({ requirePasskey: true, graceUntil: new Date(t.broker.clock.now().getTime() + 3_600_000) });
    expect((await signIn(viaAcme())).step).toMatchObject({ step: 'done', session: { org_id: 'org_acme' } });
  });

  it('checks only the organization the session opens in: a password sign-in opens in none and meets the policy at its switch', async () => {
    await acme({ requirePasskey: true, requireSso: true });
    const done = await t.broker.post('/v1/sign-in/password', { email: 'ana@acme.test', password: 'correct horse battery staple' });
    expect(done.body).toMatchObject({ step: 'done', session: { org_id: null } });
    expect((await t.broker.post('/v1/session/token?org=org_acme')).body).toMatchObject({ code: 'org_policy_unmet', requirement: 'sso' });
  });
});
