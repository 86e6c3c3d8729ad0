import { describe, expect, it } from 'vitest';
import { sweep } from './housekeeping.js';
import type { MemoryRateLimitStore } from './http/guard/memory-rate-limit.js';
import { insertConnection, insertConnectionTest, insertOrganization, rememberAssertion } from './storage/queries/index.js';
import { storageKinds, type StorageKind, useTestBroker } from './test/harness.js';

const count = async (t: { storage: { query: <R>(sql: string) => Promise<R[]> } }, table: string) =>
  (await t.storage.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n;

describe.each(storageKinds)('housekeeping on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind);
  // The broker's budgets: its rate_limits table on PostgreSQL; on PGlite its memory, written behind to the table.
  const windows = async () => {
    if (kind === 'postgres') return count(t, 'rate_limits');
    const store = t.broker.deps.rateLimits as MemoryRateLimitStore;
    await store.flush();
    expect(await count(t, 'rate_limits')).toBe(store.size);
    return store.size;
  };

  it('sweeps expired flows, spent rate-limit windows and day-old dev mail, and nothing live', async () => {
    await t.broker.signUp('ada@example.com');
    await t.broker.post('/v1/sign-in/email-code', { email: 'ada@example.com' });
    await t.broker.outboxCount();
    await rememberAssertion(t.storage, { connectionId: 'con_1', assertionId: '_a1', expiresAt: new Date(t.broker.clock.now().getTime() + 300_000), now: t.broker.clock.now() });
    // A connection test, kept a day.
    const now = t.broker.clock.now();
    await insertOrganization(t.storage, { id: 'org_1', name: 'Globex', slug: 'globex', createdAt: now });
    await insertConnection(t.storage, {
      id: 'con_1', orgId: 'org_1', type: 'saml', name: 'Globex', enabled: true, sealedSecret: null, defaultRole: 'member', allowLinking: false, idpInitiated: false, createdAt: now,
      config: { idpEntityId: 'https://idp.test', ssoUrl: 'https://idp.test/sso', certificates: [], attributes: { preset: 'custom' }, groupRoles: {}, wantResponseSigned: false, clockSkewSeconds: 60 },
    });
    await insertConnectionTest(t.storage, { id: 'ctest_1', connectionId: 'con_1', createdAt: now, expiresAt: new Date(now.getTime() + 86_400_000) });
    expect(await sweep(t.broker.deps)).toEqual({ flows: 0, rateLimits: 0, mail: 0, samlAssertions: 0, connectionTests: 0, auditEvents: 0 });
    const live = { flows: await count(t, 'flows'), rateLimits: await windows(), mail: await count(t, 'mail_outbox'), samlAssertions: 1, connectionTests: 1, auditEvents: 0 };
    expect(live.flows).toBeGreaterThan(0);
    expect(live.rateLimits).toBeGreaterThan(0);

    t.broker.clock.advance(2 * 86_400_000);
    expect(await sweep(t.broker.deps)).toEqual(live);
    expect(await count(t, 'flows')).toBe(0);
    expect(await windows()).toBe(0);
    expect(await count(t, 'mail_outbox')).toBe(0);
    expect(await count(t, 'saml_assertions')).toBe(0);
    expect(await count(t, 'connection_tests')).toBe(0);
    // The account and its session are not housekeeping's business.
    expect(await count(t, 'users')).toBe(1);
  });
});
