import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, inject } from 'vitest';
import { createBroker } from '../broker.js';
import type { BrokerConfigInput } from '../config.js';
import type { MailQueue } from '../modules/email/mail-queue.js';
import type { Mailer } from '../modules/email/mailer.js';
import type { Requirement } from '../modules/sign-in/complete.js';
import type { Logger } from '../ops/logger.js';
import type { PGlite } from '@electric-sql/pglite';
import { migrations } from '../storage/migrate.js';
import { createPgliteStorage } from '../storage/pglite.js';
import { createPostgresStorage } from '../storage/postgres.js';
import type { Db, Storage } from '../storage/storage.js';

export type StorageKind = 'pglite' | 'postgres';

/** PGlite always; PostgreSQL too when TEST_DATABASE_URL points at a server. */
export const storageKinds: StorageKind[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

/**
 * The mail queues of the brokers made since a database was last dropped. Mail
 * leaves a while after its request (mail-queue.ts), so a drop first sends what
 * they hold: no mail is written to a closed database.
 */
const undrainedMail = new Set<MailQueue>();
async function sendQueuedMail() {
  await Promise.all([...undrainedMail].map((mail) => mail.settled()));
  undrainedMail.clear();
}

/**
 * Emptied PGlite databases of this test file, ready for the next test. Loading
 * the template dump costs ~1.3 s of CPU a test; emptying the tables costs a
 * few milliseconds, and leaves the database exactly as the template was (only
 * `latchkey_migrations` has rows there).
 */
const idlePglites: PGlite[] = [];

/** Empties a test's PGlite for the next one; false when it cannot be trusted to equal the template (closed, or its schema or migrations touched). */
async function emptyForReuse(pg: PGlite): Promise<boolean> {
  if (pg.closed) return false;
  try {
    const tables = (await pg.query<{ name: string }>(`SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'latchkey_migrations'`)).rows;
    const [{ applied }] = (await pg.query<{ applied: number }>(`SELECT count(*)::int AS applied FROM latchkey_migrations`)).rows as [{ applied: number }];
    if (tables.length !== templateTables || applied !== migrations.length) return false;
    await pg.exec(`TRUNCATE ${tables.map((t) => t.name).join(', ')} RESTART IDENTITY CASCADE; RESET ALL; DISCARD TEMP; SELECT pg_advisory_unlock_all();`);
    return true;
  } catch {
    return false;
  }
}
let templateTables = -1;

/** A migrated database of its own: PGlite like the template dump (reused, emptied), or a fresh PostgreSQL schema. */
export async function openTestStorage(kind: StorageKind): Promise<Storage & { drop(): Promise<void> }> {
  if (kind === 'pglite') {
    const reused = idlePglites.pop();
    const storage = await createPgliteStorage(reused ? { pglite: reused } : { loadDataDir: new Blob([readFileSync(inject('pgliteTemplate'))]) });
    if (templateTables < 0) templateTables = Number((await storage.pglite.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'latchkey_migrations'`)).rows[0]!.n);
    let dropped = false;
    return Object.assign(storage, {
      async drop() {
        if (dropped) return;
        dropped = true;
        await sendQueuedMail();
        // Rate-limit budgets counted in memory reach their table, then go with the rest.
        await storage.rateLimits.close();
        if (await emptyForReuse(storage.pglite)) idlePglites.push(storage.pglite);
        else await storage.close();
      },
    });
  }
  const schema = `lk_test_${randomBytes(6).toString('hex')}`;
  const connectionString = process.env.TEST_DATABASE_URL!;
  const storage = await createPostgresStorage({ connectionString, schema, max: 12 });
  return Object.assign(storage, {
    async drop() {
      await sendQueuedMail();
      await storage.query(`DROP SCHEMA ${schema} CASCADE`);
      await storage.close();
    },
  });
}

export const BROKER_URL = 'http://localhost:8787';
export const APP_ORIGIN = 'http://app.test';

export interface TestClock {
  now: () => Date;
  advance: (ms: number) => void;
}

/** A clock tests move by hand, so expiry needs no sleeping. */
export function testClock(start = Date.parse('2026-11-24T12:00:00Z')): TestClock {
  let now = start;
  return { now: () => new Date(now), advance: (ms: number) => void (now += ms) };
}

type CallInit = { json?: unknown; body?: string; headers?: Record<string, string>; cookie?: string | null };

/**
 * A broker on `storage` with a hand-moved clock and helpers that call it the
 * way a browser on the app's origin would (`app.request()`, no port). The
 * object itself is one browser (its own cookie jar and client address);
 * `browser()` makes another, e.g. a stranger on another address.
 */
export function testBroker(
  storage: Storage,
  overrides: Partial<BrokerConfigInput> & { mailer?: Mailer; clock?: TestClock | (() => Date); requirements?: readonly Requirement[]; resolveTxt?: (name: string) => Promise<string[][]>; logger?: Logger } = {},
) {
  const { clock: given, ...config } = overrides;
  // A shared hand-moved clock (two instances in step), a plain time source, or a clock of its own.
  const clock: TestClock =
    typeof given === 'function'
      ? { now: given, advance: () => { throw new Error('this broker runs on a clock the test does not move'); } }
      : (given ?? testClock());
  const app = createBroker({ publicUrl: BROKER_URL, allowedOrigins: [APP_ORIGIN], dev: true, storage, clock: clock.now, ...config });
  undrainedMail.add(app.deps.mail);

  /**
   * A browser: its cookies, kept between calls, and the address its requests come from.
   * Given `cookies` (another broker's browser's jar), it is that same browser at this
   * instance: what a load balancer does when it sends the next request elsewhere.
   */
  function browser(options: { ip?: string; cookies?: Map<string, string> } = {}) {
    const cookies = options.cookies ?? new Map<string, string>();
    const ip = options.ip ?? '203.0.113.10';

    /** One request. `cookie: null` sends no cookies and keeps none: a stranger without this browser's jar. */
    async function call(method: string, path: string, init: CallInit = {}) {
      const headers: Record<string, string> = { origin: APP_ORIGIN, ...init.headers };
      // A header given as '' is left out (e.g. `origin: ''`: a request without Origin).
      for (const [name, value] of Object.entries(headers)) if (value === '') delete headers[name];
      if (init.json !== undefined) headers['content-type'] ??= 'application/json';
      const cookie = init.cookie === undefined ? [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') : init.cookie;
      if (cookie) headers.cookie = cookie;
      // @hono/node-server hands the socket to the app as `env.incoming`; so does this.
      const env = { incoming: { socket: { remoteAddress: ip } } };
      const response = await app.request(path, { method, headers, body: init.body ?? (init.json === undefined ? undefined : JSON.stringify(init.json)) }, env);
      if (init.cookie !== null) {
        for (const line of response.headers.getSetCookie()) {
          const [pair] = line.split(';');
          const [name, value] = pair!.split('=') as [string, string];
          if (/max-age=0/i.test(line) || value === '') cookies.delete(name);
          else cookies.set(name, value);
        }
      }
      const text = await response.text();
      // JSON (and problem+json) parsed; anything else (SAML metadata XML) as text.
      const body = !text ? undefined : /json/.test(response.headers.get('content-type') ?? 'json') ? JSON.parse(text) : text;
      return { status: response.status, headers: response.headers, body, setCookies: response.headers.getSetCookie() };
    }

    return {
      ip,
      cookies,
      call,
      post: (path: string, json?: unknown, init: CallInit = {}) => call('POST', path, { json: json ?? {}, ...init }),
      get: (path: string, init: CallInit = {}) => call('GET', path, init),
      /** This browser's cookies as a Cookie header, to replay them from elsewhere. */
      cookieHeader: () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    };
  }

  const main = browser();
  // Every broker's queue on this database, not only this one's: another instance's mail (a
  // notice, say) may still be waiting to land after the one a test reads.
  const mail = async () => {
    await Promise.all([...undrainedMail].map((queue) => queue.settled()));
    return main.call;
  };

  return {
    app,
    deps: app.deps,
    clock,
    ...main,
    browser,
    /** The newest code mailed to `to`, read from the dev outbox as a person reads their inbox (once mail has left). */
    async lastCode(to: string): Promise<string> {
      const call = await mail();
      const { body } = await call('GET', `/dev/outbox?to=${encodeURIComponent(to)}`);
      const code = /\b(\d{6})\b/.exec(body[0]?.text ?? '')?.[1];
      if (!code) throw new Error(`no code mailed to ${to}`);
      return code;
    },
    /** Mail to `to`, newest first, once mail has left. */
    async outbox(to: string): Promise<Array<{ to: string; subject: string; text: string }>> {
      const call = await mail();
      return (await call('GET', `/dev/outbox?to=${encodeURIComponent(to)}`)).body;
    },
    async outboxCount(): Promise<number> {
      await mail();
      return (await storage.query<{ n: number }>(`SELECT count(*)::int AS n FROM mail_outbox`))[0]!.n;
    },
    /** Signs up and verifies `email` in this browser; leaves the session cookie set. */
    async signUp(email: string, password = 'correct horse battery staple') {
      const started = await main.post('/v1/sign-up', { email, password });
      if (started.status !== 202) throw new Error(`sign-up failed: ${JSON.stringify(started.body)}`);
      const done = await main.post('/v1/sign-up/verify', { flow_id: started.body.flow_id, code: await this.lastCode(email) });
      if (done.status !== 201) throw new Error(`verify failed: ${JSON.stringify(done.body)}`);
      return done.body;
    },
  };
}

export type TestBroker = ReturnType<typeof testBroker>;

/** Row counts of the tables a refused request must not touch. */
export async function rowCounts(storage: Storage) {
  const count = async (table: string) => (await storage.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n;
  return {
    users: await count('users'),
    sessions: await count('sessions'),
    flows: await count('flows'),
    openFlows: (await storage.query<{ n: number }>(`SELECT count(*)::int AS n FROM flows WHERE consumed_at IS NULL`))[0]!.n,
    mail: await count('mail_outbox'),
    passkeys: await count('passkeys'),
    identities: await count('identities'),
    memberships: await count('memberships'),
  };
}

/**
 * Gives each test of a suite its own database and broker on `kind` (configured
 * with `overrides`), dropped afterwards; `setup` runs first in every test (e.g.
 * to make an account).
 */
export function useTestBroker(
  kind: StorageKind,
  setup?: (broker: ReturnType<typeof testBroker>) => Promise<unknown>,
  overrides?: Parameters<typeof testBroker>[1],
) {
  const context = {} as { storage: Awaited<ReturnType<typeof openTestStorage>>; broker: ReturnType<typeof testBroker> };
  beforeEach(async () => {
    context.storage = await openTestStorage(kind);
    context.broker = testBroker(context.storage, overrides);
    await setup?.(context.broker);
  });
  afterEach(async () => {
    // Mail handed over by the test's last requests leaves before its database closes (drop sends it).
    await context.storage.drop();
  });
  return context;
}

/** The storage, with every statement the broker sends through it recorded (to count queries and writes), and its transactions counted. */
export function recordStatements(storage: Storage) {
  const statements: string[] = [];
  const transactions = { count: 0 };
  const wrap = (db: Db): Db => ({
    query: (sql, params) => (statements.push(sql), db.query(sql, params)),
    exec: (sql) => (statements.push(sql), db.exec(sql)),
    transaction: (fn) => (transactions.count++, db.transaction((tx) => fn(wrap(tx)))),
  });
  return { storage: { ...storage, ...wrap(storage) } as Storage, statements, transactions };
}
