import type { RateLimitStore } from '../http/guard/rate-limit.js';

/**
 * The one storage interface. Both adapters (PGlite, PostgreSQL) speak SQL, so
 * the interface is a thin query runner and every query is written once, in
 * `queries/`. SQL lives only under `storage/`.
 */
export interface Db {
  /** Runs one statement with `$1…` parameters and returns its rows. */
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Row[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs `fn` in one transaction: all its writes land, or none do. Nested calls join the outer one. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
}

export interface QueryOptions {
  /**
   * Keep the statement prepared under this name (unique per SQL text), so it is
   * parsed and planned once per connection, not at every call: for the hottest
   * statement (the token refresh), whose planning would otherwise cost the
   * database more than running it. PostgreSQL names it per pooled connection;
   * PGlite prepares every statement anyway and ignores it.
   */
  prepare?: string;
}

/** An open database with the schema migrated. */
export interface Storage extends Db {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Where this database counts rate-limit budgets, when not a statement per
   * take: PGlite, owned by one process, counts them in memory and writes them
   * behind (`close` writes the rest). Absent: the broker counts in the
   * database, as every instance on PostgreSQL must.
   */
  readonly rateLimits?: RateLimitStore;
  close(): Promise<void>;
}

/** `$from, $from+1, …`: `count` parameter placeholders, for statements put together from parts. */
export const placeholders = (from: number, count: number) => Array.from({ length: count }, (_, i) => `$${from + i}`).join(', ');

/**
 * The database could not be reached or dropped the connection (a restart, a failover, a
 * full connection table): nothing about the request was wrong, and the same request a
 * moment later may well succeed. The HTTP layer answers it as a retryable 503
 * (`service_unavailable`, with Retry-After), never as a 500.
 */
export class DatabaseUnavailableError extends Error {
  constructor(cause: unknown) {
    super('the database is unavailable', { cause });
    this.name = this.constructor.name;
  }
}

/** Thrown for a unique-key violation, so callers can tell "already exists" from failure. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === '23505';
}
