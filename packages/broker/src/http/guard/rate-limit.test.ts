import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../storage/storage.js';
import { openTestStorage, recordStatements, storageKinds, testBroker, testClock, type StorageKind } from '../../test/harness.js';
import { memoryRateLimitStore, type MemoryRateLimitStore } from './memory-rate-limit.js';
import { databaseRateLimitStore, type RateLimitStore, type RateWindow } from './rate-limit.js';

/** Every store the broker may run on: the database store on each database, and the memory store. */
const stores: Array<[string, () => Promise<{ store: RateLimitStore; close(): Promise<void> }>]> = [
  ['memory', async () => ({ store: memoryRateLimitStore(), close: async () => {} })],
  ...storageKinds.map((kind): (typeof stores)[number] => [
    `the database on ${kind}`,
    async () => {
      const storage = await openTestStorage(kind);
      return { store: databaseRateLimitStore(storage), close: () => storage.drop() };
    },
  ]),
  ...storageKinds.map((kind): (typeof stores)[number] => [
    `memory, written behind to ${kind}`,
    async () => {
      const storage = await openTestStorage(kind);
      const store = memoryRateLimitStore({ writeBehind: { db: storage } });
      return { store, close: () => store.close().then(() => storage.drop()) };
    },
  ]),
];

const minute: RateWindow = { limit: 3, windowSeconds: 60 };
const refused = (retryAfterSeconds: number) => ({ ok: false, retryAfterSeconds });

describe.each(stores)('rate-limit store in %s', (_name, open) => {
  let store: RateLimitStore;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ store, close } = await open());
  });
  afterEach(() => close());
  // Starts on a whole hour, so every window below starts at the clock's start.
  const clock = () => testClock();

  it('counts fifty parallel takes on one key exactly, and grants no more than the limit', async () => {
    const { now } = clock();
    const fifty = await Promise.all(Array.from({ length: 50 }, () => store.take('ip:a', { limit: 50, windowSeconds: 60 }, now())));
    expect(fifty.filter((t) => t.ok)).toHaveLength(50);
    expect(await store.take('ip:a', { limit: 50, windowSeconds: 60 }, now())).toEqual(refused(60));

    const ten = await Promise.all(Array.from({ length: 50 }, () => store.take('ip:b', { limit: 10, windowSeconds: 60 }, now())));
    expect(ten.filter((t) => t.ok)).toHaveLength(10);
    expect(ten.filter((t) => !t.ok)).toEqual(Array.from({ length: 40 }, () => refused(60)));
  });

  it('counts each key apart and refuses with the seconds left in the window', async () => {
    const c = clock();
    for (let i = 0; i < 3; i++) expect((await store.take('pwd:ada', minute, c.now())).ok).toBe(true);
    c.advance(15_000);
    expect(await store.take('pwd:ada', minute, c.now())).toEqual(refused(45));
    expect((await store.take('pwd:bob', minute, c.now())).ok).toBe(true);
    c.advance(44_500);
    expect(await store.take('pwd:ada', minute, c.now())).toEqual(refused(1));
  });

  it('opens a fresh window when the clock passes the old one', async () => {
    const c = clock();
    for (let i = 0; i < 3; i++) await store.take('ip:a', minute, c.now());
    expect((await store.take('ip:a', minute, c.now())).ok).toBe(false);
    c.advance(59_999);
    expect(await store.take('ip:a', minute, c.now())).toEqual(refused(1));
    c.advance(1);
    for (let i = 0; i < 3; i++) expect((await store.take('ip:a', minute, c.now())).ok).toBe(true);
    expect(await store.take('ip:a', minute, c.now())).toEqual(refused(60));
  });

  it('takes a unit given back again, within its own window only', async () => {
    const c = clock();
    const tickets = [];
    for (let i = 0; i < 3; i++) {
      const taken = await store.take('pwd:ada', minute, c.now());
      if (taken.ok) tickets.push(taken.ticket);
    }
    await tickets[0]!.giveBack();
    expect((await store.take('pwd:ada', minute, c.now())).ok).toBe(true);
    expect((await store.take('pwd:ada', minute, c.now())).ok).toBe(false);

    c.advance(60_000);
    for (let i = 0; i < 3; i++) await store.take('pwd:ada', minute, c.now());
    // A unit of the last window, handed back late, frees nothing in this one.
    await tickets[1]!.giveBack();
    expect((await store.take('pwd:ada', minute, c.now())).ok).toBe(false);
  });

  it('makes a taker wait out the backoff once the free units are used, and says how long', async () => {
    const c = clock();
    const backoff: RateWindow = { limit: 4, windowSeconds: 60, backoff: { free: 2, baseSeconds: 1, maxSeconds: 60 } };
    expect((await store.take('k', backoff, c.now())).ok).toBe(true);
    expect((await store.take('k', backoff, c.now())).ok).toBe(true);
    c.advance(999);
    expect(await store.take('k', backoff, c.now())).toEqual(refused(1));
    c.advance(1);
    expect((await store.take('k', backoff, c.now())).ok).toBe(true);
    c.advance(500);
    // The third unit, at 1 s, earns a wait of 2 s: until 3 s.
    expect(await store.take('k', backoff, c.now())).toEqual(refused(2));
    c.advance(1_500);
    expect((await store.take('k', backoff, c.now())).ok).toBe(true);
    // The limit reached, the wait is the window's end.
    c.advance(10_000);
    expect(await store.take('k', backoff, c.now())).toEqual(refused(47));
  });

  it('sweeps the windows that started before a time, and only those', async () => {
    const c = clock();
    const start = c.now();
    const one: RateWindow = { limit: 1, windowSeconds: 60 };
    await store.take('ip:a', one, c.now());
    await store.take('ip:b', one, c.now());
    c.advance(120_000);
    await store.take('ip:c', one, c.now());
    expect(await store.sweep(new Date(start.getTime() + 60_000))).toBe(2);
    expect(await store.sweep(new Date(start.getTime() + 60_000))).toBe(0);
    // The later window is still counted; the swept ones are forgotten.
    expect((await store.take('ip:c', one, c.now())).ok).toBe(false);
    expect((await store.take('ip:a', one, start)).ok).toBe(true);
  });
});

describe('memory rate-limit store at its cap', () => {
  const one: RateWindow = { limit: 1, windowSeconds: 60 };
  const hour: RateWindow = { limit: 1, windowSeconds: 3600 };

  it('makes room from windows that have ended before any live one', async () => {
    const store = memoryRateLimitStore({ maxWindows: 3 });
    const c = testClock();
    await store.take('ip:a', one, c.now());
    await store.take('ip:b', one, c.now());
    await store.take('pwd:ada', hour, c.now());
    c.advance(60_000);
    await store.take('ip:d', one, c.now());
    expect(store.size).toBe(2);
    // The live hour window (the least recently taken) kept its count.
    expect((await store.take('pwd:ada', hour, c.now())).ok).toBe(false);
    expect(store.size).toBe(2);
  });

  it('evicts the least recently taken live window, and never lets a take through uncounted', async () => {
    const store = memoryRateLimitStore({ maxWindows: 3 });
    const { now } = testClock();
    const two: RateWindow = { limit: 2, windowSeconds: 60 };
    for (const key of ['a', 'b', 'c']) await store.take(key, two, now());
    await store.take('a', two, now());
    await store.take('d', two, now());
    expect(store.size).toBe(3);
    // `b` was the quietest and is forgotten; `a`, taken since, still holds its two units.
    expect(await store.take('a', two, now())).toEqual(refused(60));
    expect((await store.take('b', two, now())).ok).toBe(true);

    // Full, fifty parallel takes on one new key still count exactly.
    const fifty = await Promise.all(Array.from({ length: 50 }, () => store.take('e', { limit: 10, windowSeconds: 60 }, now())));
    expect(fifty.filter((t) => t.ok)).toHaveLength(10);
    expect(store.size).toBe(3);
  });

  it('keeps a hammered budget through a flood of new keys', async () => {
    const store = memoryRateLimitStore({ maxWindows: 100 });
    const { now } = testClock();
    const budget: RateWindow = { limit: 5, windowSeconds: 900 };
    for (let i = 0; i < 5; i++) expect((await store.take('pwd:ada', budget, now())).ok).toBe(true);
    for (let i = 0; i < 1_000; i++) {
      await store.take(`ip:flood-${i}`, one, now());
      if (i % 50 === 0) expect((await store.take('pwd:ada', budget, now())).ok).toBe(false);
      expect(store.size).toBeLessThanOrEqual(100);
    }
    expect(await store.take('pwd:ada', budget, now())).toEqual(refused(900));
  });

  it('refuses a cap that is not a positive whole number', () => {
    expect(() => memoryRateLimitStore({ maxWindows: 0 })).toThrow(RangeError);
  });
});

describe.each(storageKinds)('memory rate-limit store written behind to %s', (kind: StorageKind) => {
  let storage: Awaited<ReturnType<typeof openTestStorage>>;
  beforeEach(async () => {
    storage = await openTestStorage(kind);
  });
  afterEach(() => storage.drop());
  const rows = () => storage.query<{ key: string; hits: number }>(`SELECT key, hits FROM rate_limits ORDER BY key`);
  const hour: RateWindow = { limit: 2, windowSeconds: 3600 };

  it('reads back at its first take the windows that have not ended, with their hits and last hit', async () => {
    const c = testClock();
    const before = memoryRateLimitStore({ writeBehind: { db: storage } });
    for (let i = 0; i < 3; i++) await before.take('ip:a', minute, c.now());
    await before.take('pwd:ada', hour, c.now());
    const backoff: RateWindow = { limit: 5, windowSeconds: 3600, backoff: { free: 1, baseSeconds: 10, maxSeconds: 60 } };
    await before.take('pwd:bob', backoff, c.now());
    c.advance(5_000);
    await before.close();
    expect(await rows()).toEqual([{ key: 'ip:a', hits: 3 }, { key: 'pwd:ada', hits: 1 }, { key: 'pwd:bob', hits: 1 }]);

    const after = memoryRateLimitStore({ writeBehind: { db: storage } });
    // Bob's backoff runs from his last hit, 5 s ago; the minute window of ip:a is still open.
    expect(await after.take('pwd:bob', backoff, c.now())).toEqual(refused(5));
    expect(await after.take('ip:a', minute, c.now())).toEqual(refused(55));
    expect(after.size).toBe(3);
    c.advance(55_000);
    // A window that ended before the next start is not read back.
    const later = memoryRateLimitStore({ writeBehind: { db: storage } });
    expect((await later.take('pwd:ada', hour, c.now())).ok).toBe(true);
    expect(later.size).toBe(2);
    expect(await later.take('pwd:ada', hour, c.now())).toEqual(refused(3540));
    await Promise.all([after.close(), later.close()]);
  });

  it('sends no statement per take: one read-back before the first, then one write per batch of changed windows', async () => {
    const { now } = testClock();
    const recorded = recordStatements(storage);
    const store = memoryRateLimitStore({ writeBehind: { db: recorded.storage } });
    for (let i = 0; i < 1_000; i++) await store.take(`ip:${i % 300}`, { limit: 5, windowSeconds: 60 }, now());
    expect(recorded.statements).toEqual([expect.stringMatching(/^SELECT key, window_start/)]);
    await store.flush();
    expect(recorded.statements).toHaveLength(2);
    expect(recorded.statements[1]).toMatch(/^INSERT INTO rate_limits .* FROM unnest/s);
    expect((await storage.query<{ n: number }>(`SELECT count(*)::int AS n FROM rate_limits`))[0]!.n).toBe(300);
    await store.flush(); // nothing changed: no statement
    expect(recorded.statements).toHaveLength(2);
    await store.close();
  });

  it('neither loses nor counts twice the hits taken while a write is under way', async () => {
    const { now } = testClock();
    const store = memoryRateLimitStore({ writeBehind: { db: storage } });
    const ten: RateWindow = { limit: 10, windowSeconds: 60 };
    for (let i = 0; i < 3; i++) await store.take('ip:a', ten, now());
    const writing = store.flush();
    const during = await Promise.all([store.take('ip:a', ten, now()), store.take('ip:a', ten, now())]);
    await writing;
    await store.flush();
    await store.flush();
    expect(await rows()).toEqual([{ key: 'ip:a', hits: 5 }]);
    if (during[0].ok) await during[0].ticket.giveBack();
    await store.close();
    expect(await rows()).toEqual([{ key: 'ip:a', hits: 4 }]);
  });

  it('writes on its own shortly after a take, and retries a write that failed', async () => {
    const { now } = testClock();
    let failNext = true;
    const flaky: Db = {
      ...storage,
      query: (sql, params) => {
        if (failNext && sql.startsWith('INSERT INTO rate_limits')) {
          failNext = false;
          return Promise.reject(new Error('connection lost'));
        }
        return storage.query(sql, params);
      },
    };
    const store = memoryRateLimitStore({ writeBehind: { db: flaky, flushIntervalMs: 20 } });
    await store.take('ip:a', minute, now());
    await expect(store.flush()).rejects.toThrow('connection lost');
    const deadline = Date.now() + 5_000;
    while ((await rows()).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await rows()).toEqual([{ key: 'ip:a', hits: 1 }]);
    await store.close();
  });
});

describe.each(storageKinds)('the broker on %s', (kind: StorageKind) => {
  it(
    kind === 'pglite' ? 'counts its budgets in memory with no statement per take, shared by every broker on the database, written behind' : 'counts its budgets in the database',
    async () => {
      const storage = await openTestStorage(kind);
      try {
        const clock = testClock();
        const tight = { rateLimits: { perIp: { limit: 2, windowSeconds: 60 } }, clock };
        const recorded = recordStatements(storage);
        const first = testBroker(recorded.storage, tight);
        const second = testBroker(recorded.storage, tight);
        expect((await first.post('/v1/sign-in/identify', { email: 'a@example.com' })).status).toBe(200);
        expect((await second.post('/v1/sign-in/identify', { email: 'a@example.com' })).status).toBe(200);
        expect((await first.post('/v1/sign-in/identify', { email: 'a@example.com' })).status).toBe(429);
        const budgetStatements = recorded.statements.filter((sql) => /rate_limits/.test(sql));
        if (kind === 'pglite') {
          // The requests send none: the store belongs to the database and writes behind on its own.
          expect(budgetStatements).toEqual([]);
          expect(first.deps.rateLimits).toBe(second.deps.rateLimits);
          const store = first.deps.rateLimits as MemoryRateLimitStore;
          expect(store.size).toBe(1);
          await store.flush();
        } else {
          // A conditional upsert per take, and a read of the window for the refused one's Retry-After.
          const take = expect.stringMatching(/^INSERT INTO rate_limits/);
          expect(budgetStatements).toEqual([take, take, take, expect.stringMatching(/^SELECT hits, last_hit_at/)]);
        }
        expect(await storage.query(`SELECT key, hits FROM rate_limits`)).toEqual([{ key: 'ip:203.0.113.10', hits: 2 }]);
      } finally {
        await storage.drop();
      }
    },
  );
});
