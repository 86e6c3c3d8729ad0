import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStorage, storageKinds, type StorageKind } from '../test/harness.js';
import { createPostgresStorage } from './postgres.js';
import { migrate, MigrationChangedError, migrations, migrationsApplied } from './migrate.js';
import { attemptFlow, consumeFlow, countLiveSessions, findLiveSession, findLiveSessionInOrg, findOpenFlow, findUserByEmail, giveBackRateLimit, insertFlow, insertSession, insertUser, listLiveUserSessions, renewFlow, takeRateLimit } from './queries/index.js';
import { isUniqueViolation } from './storage.js';

const at = new Date('2026-11-24T12:00:00Z');
const user = { id: 'usr_1', email: 'ada@example.com', emailVerifiedAt: at, passwordHash: 'h', name: null, createdAt: at };

describe.each(storageKinds)('storage contract on %s', (kind: StorageKind) => {
  let storage: Awaited<ReturnType<typeof openTestStorage>>;
  beforeEach(async () => {
    storage = await openTestStorage(kind);
  });
  afterEach(() => storage.drop());

  it('has every migration applied, and applying again changes nothing', async () => {
    expect(await migrationsApplied(storage)).toBe(true);
    expect(await migrate(storage)).toEqual([]);
    expect(migrations.length).toBeGreaterThan(0);
  });

  it('reports a second account for one address as a unique violation', async () => {
    await insertUser(storage, user);
    const error = await insertUser(storage, { ...user, id: 'usr_2' }).catch((e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
  });

  it('rolls back every write of a failed transaction', async () => {
    await expect(
      storage.transaction(async (tx) => {
        await insertUser(tx, user);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await findUserByEmail(storage, user.email)).toBeUndefined();
  });

  it('round-trips timestamps, arrays and JSON, and an insert answers the row a read finds', async () => {
    await insertUser(storage, user);
    const later = new Date(at.getTime() + 60_000);
    const factors = [{ method: 'pwd' as const, at: at.toISOString() }, { method: 'oidc' as const, at: later.toISOString(), connection: 'con_1', org: 'org_1' }];
    const inserted = await insertSession(storage, { id: 'ses_1', secretHash: 'x', userId: 'usr_1', factors, amr: ['pwd', 'fed'], orgId: 'org_1', createdAt: at, expiresAt: later, ip: '192.0.2.1', userAgent: null });
    const { session, touchDue } = (await findLiveSession(storage, 'x', at, 60_000, 0))!;
    expect(session.amr).toEqual(['pwd', 'fed']);
    expect(session.factors).toEqual(factors);
    expect(session.orgId).toBe('org_1');
    expect(session.createdAt).toEqual(at);
    expect(touchDue).toBe(false);
    const { id, userId, amr, orgId, createdAt, expiresAt, ip, userAgent, lastSeenAt } = inserted;
    expect(session).toEqual({ id, userId, factors, amr, orgId, createdAt, expiresAt });
    // The columns the live lookup leaves to the account page's list.
    expect(await listLiveUserSessions(storage, 'usr_1', at, 0)).toEqual([{ id, amr, createdAt, lastSeenAt, expiresAt, ip, userAgent }]);
    // last_seen_at older than the interval: the lookup says a write is due.
    expect((await findLiveSession(storage, 'x', new Date(at.getTime() + 59_000), 30_000, 0))?.touchDue).toBe(true);
    // An idle timeout (30 s, the session expiring at 60 s) counts from last_seen_at, compared in the lookup: live until it is up, then not found nor listed.
    const justUnder = new Date(at.getTime() + 29_999);
    const justOver = new Date(at.getTime() + 30_000);
    expect((await findLiveSession(storage, 'x', justUnder, 30_000, 30))?.session.id).toBe('ses_1');
    expect((await findLiveSessionInOrg(storage, 'x', justUnder, 30_000, undefined, 30))?.session.id).toBe('ses_1');
    expect(await findLiveSession(storage, 'x', justOver, 30_000, 30)).toBeUndefined();
    expect(await findLiveSessionInOrg(storage, 'x', justOver, 30_000, undefined, 30)).toBeUndefined();
    expect(await listLiveUserSessions(storage, 'usr_1', justOver, 30)).toEqual([]);
    expect(await countLiveSessions(storage, justOver, 30)).toBe(0);
    expect(await countLiveSessions(storage, justUnder, 30)).toBe(1);
    expect(await countLiveSessions(storage, justOver, 0)).toBe(1);
    const flow = await insertFlow(storage, { ...openFlow, data: { name: 'Ada', n: 1 } });
    const found = await findOpenFlow(storage, key);
    expect(found?.data).toEqual({ name: 'Ada', n: 1 });
    expect(found?.attempts).toBe(0);
    expect(flow).toEqual(found);
  });

  const openFlow = { id: 'flw_1', kind: 'email-code', bindingHash: 'browser-a', userId: null, secretHash: 'right', data: {}, maxAttempts: 5, createdAt: at, expiresAt: new Date(at.getTime() + 60_000) };
  const key = { id: 'flw_1', kind: 'email-code', bindingHash: 'browser-a', now: at };

  it('lets exactly one of fifty concurrent consumers use a flow', async () => {
    await insertFlow(storage, openFlow);
    const wins = await Promise.all(Array.from({ length: 50 }, () => consumeFlow(storage, key)));
    expect(wins.filter(Boolean)).toHaveLength(1);
  });

  it('compares at most max_attempts of fifty parallel guesses, and the right secret after them is refused', async () => {
    await insertFlow(storage, openFlow);
    const guesses = await Promise.all(Array.from({ length: 50 }, (_, i) => attemptFlow(storage, key, `wrong-${i}`)));
    expect(guesses.filter(Boolean)).toHaveLength(5);
    expect(await attemptFlow(storage, key, 'right')).toBeUndefined();
  });

  it('accepts the right secret once among fifty parallel attempts with it', async () => {
    await insertFlow(storage, { ...openFlow, maxAttempts: 50 });
    const attempts = await Promise.all(Array.from({ length: 50 }, () => attemptFlow(storage, key, 'right')));
    expect(attempts.filter((a) => a?.accepted)).toHaveLength(1);
  });

  it('answers a flow only to the browser it is bound to, and only of its kind', async () => {
    await insertFlow(storage, openFlow);
    expect(await attemptFlow(storage, { ...key, bindingHash: 'browser-b' }, 'right')).toBeUndefined();
    expect(await attemptFlow(storage, { ...key, kind: 'sign-in' }, 'right')).toBeUndefined();
    expect(await consumeFlow(storage, { ...key, now: new Date(at.getTime() + 60_000) })).toBeUndefined();
    expect((await attemptFlow(storage, key, 'right'))?.accepted).toBe(true);
  });

  it('renews a flow once when two renewals race, and not before its time', async () => {
    await insertFlow(storage, { ...openFlow, data: { resend_after: new Date(at.getTime() + 1000).toISOString() } });
    const renewal = { secretHash: 'new', expiresAt: new Date(at.getTime() + 120_000), data: { resend_after: new Date(at.getTime() + 31_000).toISOString() }, notBeforeField: 'resend_after' };
    expect(await renewFlow(storage, key, renewal)).toBeUndefined();
    const later = { ...key, now: new Date(at.getTime() + 2000) };
    const renewed = await Promise.all(Array.from({ length: 10 }, () => renewFlow(storage, later, renewal)));
    expect(renewed.filter(Boolean)).toHaveLength(1);
    expect((await attemptFlow(storage, later, 'new'))?.accepted).toBe(true);
  });

  it('gives at most the limit of fifty parallel takers a unit, per key and window', async () => {
    const taken = await Promise.all(Array.from({ length: 50 }, () => takeRateLimit(storage, 'pwd:ada', at, at, 10)));
    expect(taken.filter((t) => t !== undefined)).toHaveLength(10);
    expect(await takeRateLimit(storage, 'pwd:bob', at, at, 10)).toBe(1);
    expect(await takeRateLimit(storage, 'pwd:ada', new Date(at.getTime() + 60_000), at, 10)).toBe(1);
    await giveBackRateLimit(storage, 'pwd:ada', at);
    expect(await takeRateLimit(storage, 'pwd:ada', at, at, 10)).toBe(10);
  });

  it('makes a taker wait out the backoff once the free units are used', async () => {
    const backoff = { free: 2, baseSeconds: 1, maxSeconds: 60 };
    const after = (ms: number) => new Date(at.getTime() + ms);
    expect(await takeRateLimit(storage, 'k', at, at, 10, backoff)).toBe(1);
    expect(await takeRateLimit(storage, 'k', at, at, 10, backoff)).toBe(2);
    expect(await takeRateLimit(storage, 'k', at, after(999), 10, backoff)).toBeUndefined();
    expect(await takeRateLimit(storage, 'k', at, after(1000), 10, backoff)).toBe(3);
    expect(await takeRateLimit(storage, 'k', at, after(2999), 10, backoff)).toBeUndefined();
    expect(await takeRateLimit(storage, 'k', at, after(3000), 10, backoff)).toBe(4);
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)('PostgreSQL with several broker instances', () => {
  it('migrates once when two instances start at the same moment', async () => {
    const schema = `lk_test_race_${Date.now().toString(36)}`;
    const connectionString = process.env.TEST_DATABASE_URL!;
    const [a, b] = await Promise.all([createPostgresStorage({ connectionString, schema }), createPostgresStorage({ connectionString, schema })]);
    try {
      const rows = await a.query<{ n: number }>(`SELECT count(*)::int AS n FROM latchkey_migrations`);
      expect(rows[0]!.n).toBe(migrations.length);
      expect(await migrationsApplied(b)).toBe(true);
    } finally {
      await a.query(`DROP SCHEMA ${schema} CASCADE`);
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('migrations', () => {
  it('refuses to start on a database where an applied migration has since been edited', async () => {
    const storage = await openTestStorage('pglite');
    try {
      const edited = migrations.map((m, i) => (i === 0 ? { ...m, checksum: 'edited' } : m));
      await expect(migrate(storage, edited)).rejects.toThrow(MigrationChangedError);
      await expect(migrate(storage, edited)).rejects.toThrow(/001_initial\.sql was changed after it was applied/);
      expect(await migrate(storage)).toEqual([]);
    } finally {
      await storage.drop();
    }
  });
});
