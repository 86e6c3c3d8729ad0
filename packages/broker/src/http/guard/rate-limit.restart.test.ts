import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, inject } from 'vitest';
import { createPgliteStorage } from '../../storage/pglite.js';
import { createPostgresStorage } from '../../storage/postgres.js';
import type { Storage } from '../../storage/storage.js';
import { storageKinds, testBroker, testClock, type StorageKind, type TestBroker } from '../../test/harness.js';

const OWNER_PASSWORD = 'correct horse battery staple';

/** A database that can be closed and opened again, as a broker restart does: a PGlite data folder, or a PostgreSQL schema. */
function restartable(kind: StorageKind) {
  if (kind === 'pglite') {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'lk-restart-')), 'data');
    let first = true;
    return {
      open: (): Promise<Storage> => {
        // The first open starts from the migrated template; later ones reopen the folder.
        const template = first ? { loadDataDir: new Blob([readFileSync(inject('pgliteTemplate'))]) } : {};
        first = false;
        return createPgliteStorage({ dataDir, ...template });
      },
      remove: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const schema = `lk_test_${randomBytes(6).toString('hex')}`;
  const connectionString = process.env.TEST_DATABASE_URL!;
  return {
    open: (): Promise<Storage> => createPostgresStorage({ connectionString, schema, max: 4 }),
    async remove() {
      const storage = await createPostgresStorage({ connectionString, schema, max: 1 });
      await storage.query(`DROP SCHEMA ${schema} CASCADE`);
      await storage.close();
    },
  };
}

// Two opens of a data folder, a sign-up and a few dozen requests each: more than the default 20 s on a busy machine.
describe.each(storageKinds)('rate limits across a broker restart on %s', { timeout: 90_000 }, (kind: StorageKind) => {
  let database: ReturnType<typeof restartable>;
  let storage: Storage | undefined;
  afterEach(async () => {
    await storage?.close();
    await database.remove();
  });

  let clock = testClock();
  let config: Parameters<typeof testBroker>[1] = {};
  /** A fresh database and clock; each broker on it runs with `rateLimits`. */
  async function start(rateLimits: NonNullable<Parameters<typeof testBroker>[1]>['rateLimits'] = {}) {
    database = restartable(kind);
    storage = await database.open();
    clock = testClock();
    config = { clock, rateLimits: { perIp: { limit: 20, windowSeconds: 60 }, ...rateLimits } };
    return testBroker(storage, config);
  }
  type Browser = ReturnType<TestBroker['browser']>;
  const guess = (browser: Browser, i: number) => browser.post('/v1/sign-in/password', { email: 'ada@example.com', password: `guess number ${i}` });
  const identify = (browser: Browser) => browser.post('/v1/sign-in/identify', { email: 'ada@example.com' });

  /** Closes the broker's database as a SIGTERM does, `downMs` passes, and a new broker opens it again. */
  async function restart(broker: TestBroker, downMs: number) {
    await broker.deps.mail.settled();
    await storage!.close();
    storage = undefined;
    clock.advance(downMs);
    storage = await database.open();
    return testBroker(storage, config);
  }

  it('keeps refusing a throttled address and a backed-off account, with the same Retry-After', async () => {
    let broker = await start();
    await broker.signUp('ada@example.com', OWNER_PASSWORD);

    // An address that used up its 20 requests a minute, 10 s into the window.
    clock.advance(10_000);
    const flooder = () => broker.browser({ ip: '198.51.100.1' });
    for (let i = 0; i < 20; i++) expect((await identify(flooder())).status).toBe(200);
    expect((await identify(flooder())).headers.get('retry-after')).toBe('50');

    // A stranger guessing Ada's password: three free, then 1 s, then 2 s between tries.
    const stranger = () => broker.browser({ ip: '198.51.100.7' });
    for (let i = 0; i < 3; i++) expect((await guess(stranger(), i)).status).toBe(401);
    clock.advance(1_000);
    expect((await guess(stranger(), 3)).status).toBe(401);
    const refused = await guess(stranger(), 4);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('2');

    broker = await restart(broker, 500);
    const flood = await identify(flooder());
    expect(flood.status).toBe(429);
    expect(flood.headers.get('retry-after')).toBe('49');
    const again = await guess(stranger(), 5);
    expect(again.status).toBe(429);
    expect(again.body.code).toBe('rate_limited');
    expect(again.headers.get('retry-after')).toBe('2');
    // The backoff runs on from the same fourth hit: one more try after it, then a wait of 4 s.
    clock.advance(1_500);
    expect((await guess(stranger(), 6)).status).toBe(401);
    expect((await guess(stranger(), 7)).headers.get('retry-after')).toBe('4');
    // Ada, from her own address, was never locked out.
    expect((await broker.browser({ ip: '203.0.113.99' }).post('/v1/sign-in/password', { email: 'ada@example.com', password: OWNER_PASSWORD })).status).toBe(200);
  });

  it('lets an address in again once its window ended while the broker was down, and keeps the longer windows still open', async () => {
    let broker = await start({ passwordPerAccountAndIp: { limit: 3, windowSeconds: 900 } });
    await broker.signUp('ada@example.com', OWNER_PASSWORD);
    const flooder = () => broker.browser({ ip: '198.51.100.1' });
    const stranger = () => broker.browser({ ip: '198.51.100.7' });
    for (let i = 0; i < 20; i++) await identify(flooder());
    for (let i = 0; i < 3; i++) expect((await guess(stranger(), i)).status).toBe(401);
    expect((await guess(stranger(), 3)).status).toBe(429);

    // Down for two minutes: the address's minute is over, the stranger's 15 minutes are not.
    broker = await restart(broker, 120_000);
    expect((await identify(flooder())).status).toBe(200);
    const locked = await guess(stranger(), 4);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(600);
  });
});
