import pg from 'pg';
import { migrate } from './migrate.js';
import type { Db, QueryOptions, Storage } from './storage.js';

// timestamptz -> Date is pg's default; keep int8 (count(*)) as a number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface PostgresStorageOptions {
  connectionString: string;
  /** A schema of its own (created if missing); tests give each suite one. */
  schema?: string;
  /** Pool size per broker instance. */
  max?: number;
}

function runner(client: pg.Pool | pg.PoolClient, transaction: Db['transaction']): Db {
  return {
    async query<Row>(sql: string, params?: unknown[], options?: QueryOptions) {
      // A named statement is parsed and planned once per connection (pg keeps track of which it prepared).
      const result = options?.prepare ? await client.query({ name: options.prepare, text: sql, values: params }) : await client.query(sql, params);
      return result.rows as Row[];
    },
    async exec(sql: string) {
      await client.query(sql);
    },
    transaction,
  };
}

/**
 * Storage on PostgreSQL through `DATABASE_URL`: the production adapter. Every
 * broker instance on the same database shares all state, so N instances act as one.
 *
 * @example
 * const storage = await createPostgresStorage({ connectionString: process.env.DATABASE_URL! });
 */
export async function createPostgresStorage(options: PostgresStorageOptions): Promise<Storage> {
  const schema = options.schema;
  if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`postgres schema name ${JSON.stringify(schema)} is not a plain identifier`);
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  if (schema) {
    // Two instances starting together can both try; "already exists" means the other won.
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`).catch((error: { code?: string }) => {
      if (error.code !== '23505' && error.code !== '42P06') throw error;
    });
  }
  const transaction: Db['transaction'] = async (fn) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const inner: Db = runner(client, (nested) => nested(inner));
      const result = await fn(inner);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  };
  const storage: Storage = { ...runner(pool, transaction), kind: 'postgres', close: () => pool.end() };
  await migrate(storage);
  return storage;
}
