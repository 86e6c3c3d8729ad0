import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { openTestStorage } from '../test/harness.js';
import { createPgliteStorage } from './pglite.js';
import { isUniqueViolation } from './storage.js';

/** The broker's statements run prepared on PGlite (see pglite-statements.ts); these pin down that nothing else changes. */
describe('prepared statements on PGlite', () => {
  let storage: Awaited<ReturnType<typeof openTestStorage>> & { pglite?: PGlite };
  beforeEach(async () => {
    storage = await openTestStorage('pglite');
    await storage.exec(`CREATE TABLE kinds (id text PRIMARY KEY, n integer, big bigint, yes boolean, at timestamptz, tags text[], raw bytea, doc jsonb, note text)`);
  });
  afterEach(() => storage.drop());

  const insert = `INSERT INTO kinds (id, n, big, yes, at, tags, raw, doc, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`;
  const values = (id: string) => [id, 7, 2 ** 40, true, new Date('2026-11-24T12:00:00.123Z'), ['a', 'b "c"', 'NULL', ''], Buffer.from([0, 1, 255]), JSON.stringify({ k: [1, 'two'] }), null];

  it("serializes every kind of value the broker sends and parses every column as PGlite's own query does", async () => {
    const ours = await storage.query(insert, values('ours'));
    const theirs = (await storage.pglite!.query(insert, values('theirs'))).rows;
    expect(ours).toEqual([{ ...(theirs[0] as object), id: 'ours' }]);
    expect(ours[0]).toMatchObject({ n: 7, big: 2 ** 40, yes: true, tags: ['a', 'b "c"', 'NULL', ''], doc: { k: [1, 'two'] }, note: null });
    // Run again, now on the saved plan.
    expect(await storage.query(`SELECT id FROM kinds WHERE tags = $1 ORDER BY id`, [['a', 'b "c"', 'NULL', '']])).toEqual([{ id: 'ours' }, { id: 'theirs' }]);
    expect(await storage.query(`SELECT id FROM kinds WHERE tags = $1 ORDER BY id`, [['a']])).toEqual([]);
  });

  it('answers a unique violation as one, and a statement that does not parse as an error that leaves the next one alone', async () => {
    await storage.query(insert, values('one'));
    expect(isUniqueViolation(await storage.query(insert, values('one')).catch((e: unknown) => e))).toBe(true);
    await expect(storage.query(`SELEC id FROM kinds`)).rejects.toMatchObject({ code: '42601' });
    await expect(storage.query(`SELEC id FROM kinds`)).rejects.toMatchObject({ code: '42601' });
    expect(await storage.query(`SELECT count(*)::int AS n FROM kinds`)).toEqual([{ n: 1 }]);
  });

  it('keeps a statement prepared in a transaction that rolled back, and prepares again one whose preparation failed in an aborted transaction', async () => {
    const byId = `SELECT n FROM kinds WHERE id = $1`;
    const later = `SELECT id FROM kinds WHERE n = $1`;
    await expect(
      storage.transaction(async (tx) => {
        await tx.query(insert, values('gone'));
        expect(await tx.query(byId, ['gone'])).toEqual([{ n: 7 }]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await storage.query(byId, ['gone'])).toEqual([]);

    await storage.query(insert, values('kept'));
    await expect(
      storage.transaction(async (tx) => {
        await tx.query(insert, values('kept')).catch(() => {});
        await tx.query(later, [7]); // refused: the transaction is aborted
      }),
    ).rejects.toMatchObject({ code: '25P02' });
    expect(await storage.query(later, [7])).toEqual([{ id: 'kept' }]);
  });

  it('runs a statement sent while a transaction is open after it ends, as PGlite does', async () => {
    await storage.query(insert, values('row'));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const transaction = storage.transaction(async (tx) => {
      await tx.query(`UPDATE kinds SET n = 100 WHERE id = $1`, ['row']);
      await held;
      await tx.query(`UPDATE kinds SET n = 8 WHERE id = $1`, ['row']);
    });
    const outside = storage.query<{ n: number }>(`SELECT n FROM kinds WHERE id = $1`, ['row']);
    release();
    await transaction;
    expect(await outside).toEqual([{ n: 8 }]);
  });

  it('runs any number of distinct statements (past the prepared ones, unprepared)', async () => {
    for (let i = 0; i < 300; i++) expect(await storage.query(`SELECT $1::int + ${i} AS n`, [1])).toEqual([{ n: i + 1 }]);
  });

  it('refuses a statement once the database is closed', async () => {
    await storage.close();
    await expect(storage.query(`SELECT 1`)).rejects.toThrow(/closed/);
    storage = await openTestStorage('pglite'); // for afterEach to drop
  });
});

describe('PGlite in a data folder', () => {
  it('keeps what prepared statements wrote, in and out of transactions, across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lk-pglite-'));
    try {
      const dataDir = join(dir, 'data');
      const first = await createPgliteStorage({ dataDir, loadDataDir: new Blob([readFileSync(inject('pgliteTemplate'))]) });
      await first.query(`INSERT INTO broker_secrets (name, value, created_at) VALUES ($1, $2, $3)`, ['outside', 'a', new Date()]);
      await first.transaction((tx) => tx.query(`INSERT INTO broker_secrets (name, value, created_at) VALUES ($1, $2, $3)`, ['inside', 'b', new Date()]));
      await first.close();
      const second = await createPgliteStorage({ dataDir });
      expect(await second.query(`SELECT name, value FROM broker_secrets WHERE name IN ($1, $2) ORDER BY name`, ['inside', 'outside'])).toEqual([
        { name: 'inside', value: 'b' },
        { name: 'outside', value: 'a' },
      ]);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
