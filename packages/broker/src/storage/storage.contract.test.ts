import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStorage, storageKinds, type StorageKind } from '../test/harness.js';
import { createPostgresStorage } from './postgres.js';
import { migrate, migrations, migrationsApplied } from './migrate.js';
import { consumeEmailFlow, findUserByEmail, hitRateLimit, insertEmailFlow, insertSession, insertUser } from './queries/index.js';
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

  it('round-trips timestamps, arrays and JSON', async () => {
    await insertUser(storage, user);
    const session = await insertSession(storage, { id: 'ses_1', secretHash: 'x', userId: 'usr_1', amr: ['pwd', 'otp'], createdAt: at, expiresAt: at, ip: null, userAgent: null });
    expect(session.amr).toEqual(['pwd', 'otp']);
    expect(session.createdAt).toEqual(at);
    const flow = await insertEmailFlow(storage, { id: 'flw_1', purpose: 'sign-up', email: user.email, userId: null, codeHash: null, data: { name: 'Ada', n: 1 }, returnTo: null, createdAt: at, expiresAt: new Date(at.getTime() + 1000), resendAfter: at });
    expect(flow.data).toEqual({ name: 'Ada', n: 1 });
    expect(flow.attempts).toBe(0);
  });

  it('lets exactly one of several concurrent consumers use a flow', async () => {
    await insertEmailFlow(storage, { id: 'flw_1', purpose: 'sign-in', email: user.email, userId: null, codeHash: 'h', data: {}, returnTo: null, createdAt: at, expiresAt: new Date(at.getTime() + 60_000), resendAfter: at });
    const wins = await Promise.all([1, 2, 3, 4].map(() => consumeEmailFlow(storage, 'flw_1', at)));
    expect(wins.filter(Boolean)).toHaveLength(1);
  });

  it('counts rate-limit hits per key and window', async () => {
    expect(await hitRateLimit(storage, 'ip:1', at)).toBe(1);
    expect(await hitRateLimit(storage, 'ip:1', at)).toBe(2);
    expect(await hitRateLimit(storage, 'ip:2', at)).toBe(1);
    expect(await hitRateLimit(storage, 'ip:1', new Date(at.getTime() + 60_000))).toBe(1);
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
