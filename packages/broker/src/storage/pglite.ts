import { existsSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { memoryRateLimitStore, type MemoryRateLimitStore } from '../http/guard/memory-rate-limit.js';
import { migrate } from './migrate.js';
import { preparedStatements } from './pglite-statements.js';
import type { Db, Storage } from './storage.js';

function runner(statements: ReturnType<typeof preparedStatements>, pg: PGlite, tx: Transaction | undefined, transaction: Db['transaction']): Db {
  return {
    query: (sql, params) => statements.query(sql, params, tx),
    async exec(sql: string) {
      await (tx ?? pg).exec(sql);
    },
    transaction,
  };
}

export interface PgliteStorageOptions {
  /** Folder of the database; omit for an in-memory database (tests). */
  dataDir?: string;
  /** A dump made by `dumpDataDir()` to start from (tests load one migrated template). */
  loadDataDir?: Blob | File;
  /** An open PGlite to run on instead of opening one (tests reuse one emptied database; see test/harness.ts). */
  pglite?: PGlite;
}

/** One cache of prepared statements per PGlite: statement names belong to its one session, so two caches would collide. */
const statementsOf = new WeakMap<PGlite, ReturnType<typeof preparedStatements>>();

/**
 * Storage on PGlite, Postgres compiled to WebAssembly, in a data folder: the
 * zero set-up default of `pnpm start`. Its rate-limit budgets are counted in
 * memory (a statement each cost ~250–300 µs of the broker's own CPU) and
 * written behind to `rate_limits` every second and on `close`, so a restart
 * keeps them; brokers on one PGlite storage share them, as they share its tables.
 *
 * @example
 * const storage = await createPgliteStorage({ dataDir: '.latchkey/data' });
 */
export async function createPgliteStorage(options: PgliteStorageOptions = {}): Promise<Storage & { pglite: PGlite; created: boolean; rateLimits: MemoryRateLimitStore }> {
  const created = !options.dataDir || !existsSync(`${options.dataDir}/PG_VERSION`);
  const pg = options.pglite ?? (await PGlite.create({ dataDir: options.dataDir, loadDataDir: options.loadDataDir }));
  const statements = statementsOf.get(pg) ?? preparedStatements(pg);
  statementsOf.set(pg, statements);
  const transaction: Db['transaction'] = (fn) =>
    pg.transaction((tx) => {
      // PGlite has one connection: nested transactions join this one.
      const inner: Db = runner(statements, pg, tx, (nested) => nested(inner));
      return fn(inner);
    });
  const db = runner(statements, pg, undefined, transaction);
  const rateLimits = memoryRateLimitStore({ writeBehind: { db } });
  const close = async () => {
    // The budgets counted since the last write reach the table before the database closes.
    await rateLimits.close().catch((error: unknown) => console.error(`[latchkey] writing rate limits at close failed: ${error instanceof Error ? error.name : 'error'}`));
    await pg.close();
  };
  const storage = { ...db, kind: 'pglite' as const, pglite: pg, created, rateLimits, close };
  await migrate(storage);
  return storage;
}
