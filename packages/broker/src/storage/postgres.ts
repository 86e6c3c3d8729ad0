import pg from 'pg';
import { migrate } from './migrate.js';
import { DatabaseUnavailableError, type Db, type QueryOptions, type Storage } from './storage.js';

// timestamptz -> Date is pg's default; keep int8 (count(*)) as a number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface PostgresStorageOptions {
  connectionString: string;
  /** A schema of its own (created if missing); tests give each suite one. */
  schema?: string;
  /** Pool size per broker instance. */
  max?: number;
  /**
   * How long a request waits for a connection (a new one, or a free one from a busy pool)
   * before it is answered 503 instead of hanging; default 5 s.
   */
  connectionTimeoutMillis?: number;
}

/**
 * SQLSTATEs that say the server, not the statement, failed: class 08 (connection
 * exception), 57P01–57P03 (shut down by an admin or a crash, or starting up / shutting
 * down: "cannot connect now"), 53300 (too many connections).
 */
const UNAVAILABLE_STATES = /^(08...|57P0[123]|53300)$/;
/** Socket errors on the way to the server. */
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);
/** What pg and pg-pool throw, with no code, when a connection ends or none comes in time. */
const UNAVAILABLE_MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error and is not queryable|Client was closed and is not queryable)/;

/** True for an error that says the database is out of reach rather than that the statement is wrong. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_STATES.test(code) || UNAVAILABLE_ERRNOS.has(code))) return true;
  // A refused connection to "localhost" tries ::1 and 127.0.0.1: Node throws an AggregateError of both.
  if (error instanceof AggregateError) return error.errors.some(isDatabaseUnavailable);
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message);
}

/** `error` as the broker should see it: a DatabaseUnavailableError where the server is out of reach. */
const translated = (error: unknown) => (isDatabaseUnavailable(error) ? new DatabaseUnavailableError(error) : error);

function runner(client: pg.Pool | pg.PoolClient, transaction: Db['transaction']): Db {
  return {
    async query<Row>(sql: string, params?: unknown[], options?: QueryOptions) {
      try {
        // A named statement is parsed and planned once per connection (pg keeps track of which it prepared).
        const result = options?.prepare ? await client.query({ name: options.prepare, text: sql, values: params }) : await client.query(sql, params);
        return result.rows as Row[];
      } catch (error) {
        throw translated(error);
      }
    },
    async exec(sql: string) {
      await client.query(sql).catch((error: unknown) => {
        throw translated(error);
      });
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
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5_000,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle connection the server closed (a restart, a failover) is dropped by the pool, which
  // opens a new one for the next query; unheard, this event would end the process.
  pool.on('error', () => {});
  if (schema) {
    // Two instances starting together can both try; "already exists" means the other won.
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`).catch(async (error: { code?: string }) => {
      if (error.code === '23505' || error.code === '42P06') return;
      await pool.end().catch(() => {});
      throw translated(error);
    });
  }
  const transaction: Db['transaction'] = async (fn) => {
    const client = await pool.connect().catch((error: unknown) => {
      throw translated(error);
    });
    // The connection may end while this transaction holds it (pg-pool listens only while it is
    // idle): the statement in flight fails with it, and an unheard 'error' would end the process.
    let lost: Error | undefined;
    const onLost = (error: Error) => (lost = error);
    client.on('error', onLost);
    try {
      const inner: Db = runner(client, (nested) => nested(inner));
      await inner.exec('BEGIN');
      const result = await fn(inner);
      // A COMMIT cut off by the connection's end is answered 503: the write may or may not have
      // landed, and it was never acknowledged.
      await inner.exec('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.removeListener('error', onLost);
      // A connection that failed is closed, not handed to the next request.
      client.release(lost);
    }
  };
  const storage: Storage = { ...runner(pool, transaction), kind: 'postgres', close: () => pool.end() };
  // A database out of reach at start fails the start (and leaves no pool behind to retry forever).
  await migrate(storage).catch(async (error: unknown) => {
    await pool.end().catch(() => {});
    throw error;
  });
  return storage;
}
