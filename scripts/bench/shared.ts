/**
 * What the bench's targets and its driver agree on: the seeded account, the
 * request a browser sends, and the floors' SQL statements.
 */
import { createHash } from 'node:crypto';

/** The host page the token is for: an allowed origin of the broker, and the token's audience. */
export const ORIGIN = 'http://app.bench.test';
/** The broker's public URL: plain http, so the cookie is `lk_session`. */
export const PUBLIC_URL = 'http://127.0.0.1:8787';
export const COOKIE_NAME = 'lk_session';
/** The session cookie's secret; the database holds only its SHA-256. */
export const SESSION_SECRET = 'bench-session-secret-0123456789abcdefghijklmnopqrstuvwxyz';
export const BROKER_SECRET = 'bench-broker-secret-0123456789abcdefghijklmnopqrstuvwxyz';
export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('base64url');

/** Rows besides the benched one, so the lookups walk a real index, not a one-row table. */
export const OTHER_SESSIONS = 10_000;

/** The organization the benched user works in (`?org=`), with a custom role, among others. */
export const BENCH_ORG = 'org_bench';
/** Organizations besides the benched one; every other user is a member of one of them. */
export const OTHER_ORGS = 100;

/**
 * Accounts and live sessions (last seen now: no `last_seen_at` write during a run);
 * organizations with memberships, and the benched user a member of `BENCH_ORG` with a
 * custom role (its permissions read from `org_roles` at each mint).
 */
export const SEED_SQL = [
  `INSERT INTO users (id, email, email_verified_at, password_hash, name, created_at, updated_at)
   SELECT 'usr_' || i, 'user' || i || '@bench.test', now(), NULL, 'User ' || i, now(), now() FROM generate_series(0, ${OTHER_SESSIONS}) AS i`,
  `INSERT INTO sessions (id, secret_hash, user_id, amr, created_at, last_seen_at, expires_at, ip, user_agent)
   SELECT 'ses_' || i, md5(i::text), 'usr_' || i, '{pwd}', now(), now(), now() + interval '1 day', '127.0.0.1', 'bench' FROM generate_series(1, ${OTHER_SESSIONS}) AS i`,
  `INSERT INTO sessions (id, secret_hash, user_id, amr, created_at, last_seen_at, expires_at, ip, user_agent)
   VALUES ('ses_0', '${hashSecret(SESSION_SECRET)}', 'usr_0', '{pwd}', now(), now(), now() + interval '1 day', '127.0.0.1', 'bench')`,
  `INSERT INTO organizations (id, name, slug, created_at, updated_at)
   SELECT 'org_' || i, 'Org ' || i, 'org-' || i, now(), now() FROM generate_series(1, ${OTHER_ORGS}) AS i`,
  `INSERT INTO organizations (id, name, slug, created_at, updated_at) VALUES ('${BENCH_ORG}', 'Bench', 'bench', now(), now())`,
  `INSERT INTO org_roles (org_id, key, name, permissions, created_at, updated_at)
   VALUES ('${BENCH_ORG}', 'billing', 'Billing', '{org:read,members:read}', now(), now())`,
  `INSERT INTO memberships (org_id, user_id, role, created_at)
   SELECT 'org_' || (1 + i % ${OTHER_ORGS}), 'usr_' || i, 'member', now() FROM generate_series(1, ${OTHER_SESSIONS}) AS i`,
  `INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ('${BENCH_ORG}', 'usr_0', 'billing', now()), ('org_1', 'usr_0', 'admin', now())`,
];

/*
 * The floors' lookups: the least each answer needs, written for the floor
 * (never copied from the broker, whose statements do more: see
 * packages/broker/src/storage/queries/sessions.ts), with the time compared in
 * SQL (`now()`, no timestamp parameter to send). Each runs as a prepared
 * statement (target.ts).
 */

/** The token refresh: the live session's id, user and methods, by its secret's hash. */
export const FLOOR_SESSION_SQL = `SELECT id, user_id, amr FROM sessions WHERE secret_hash = $1 AND revoked_at IS NULL AND expires_at > now()`;

/**
 * The token refresh in an organization (`?org=`): the live session with the
 * user's membership of the asked organization and its custom role's
 * permissions, in one statement as anyone would write it.
 */
export const FLOOR_ORG_SESSION_SQL = `SELECT s.id, s.user_id, s.amr, m.role, r.permissions
     FROM sessions s
     JOIN memberships m ON m.user_id = s.user_id AND m.org_id = $2
     LEFT JOIN org_roles r ON r.org_id = m.org_id AND r.key = m.role
     WHERE s.secret_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()`;

/** `GET /v1/session`: the live session and its user, the columns the answer shows. */
export const FLOOR_WHO_SQL = `SELECT s.id, s.amr, s.factors, s.org_id, s.created_at, s.expires_at,
       u.id AS user_id, u.email, u.email_verified_at IS NOT NULL AS email_verified, u.name, u.created_at AS user_created_at
     FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.secret_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()`;

/** How a target reaches its database. */
export type StoreSpec = { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; connectionString: string; schema: string; poolSize: number };

export type TargetKind = 'latchkey' | 'floor' | 'ceiling';

/** Parent -> target, as argv[2] JSON. */
export interface TargetSpec {
  target: TargetKind;
  store?: StoreSpec;
}

/** Target -> parent, once it listens. */
export interface TargetReady {
  port: number;
}

const cpuNow = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

/**
 * Runs `task` on every item, `concurrency` at a time (each lane in order), and
 * returns the CPU µs it all took. Several in flight, as on a server under load:
 * one at a time, each database round trip would also pay for the process going
 * idle and waking up again, which is no cost of the handler.
 */
export async function cpuOfAll<T>(items: T[], concurrency: number, task: (item: T) => Promise<void>): Promise<number> {
  const before = cpuNow();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, lane) => {
      for (let i = lane; i < items.length; i += concurrency) await task(items[i]!);
    }),
  );
  return cpuNow() - before;
}

/**
 * Broker beside floor, in turns: `rounds` measured rounds after one unmeasured warm-up
 * round, each preparing its batch first (unmeasured) and then running both, taking turns
 * going first so drift on a busy machine hits both alike. Answers the CPU µs per item of each.
 */
export async function brokerBesideFloor<B, F>(options: {
  rounds: number;
  batch: number;
  concurrency: number;
  prepare: () => Promise<{ broker: B[]; floor: F[] }>;
  broker: (item: B) => Promise<void>;
  floor: (item: F) => Promise<void>;
}): Promise<{ brokerUs: number; floorUs: number; count: number }> {
  let brokerUs = 0;
  let floorUs = 0;
  for (let turn = -1; turn < options.rounds; turn++) {
    const items = await options.prepare();
    const runBroker = () => cpuOfAll(items.broker, options.concurrency, options.broker);
    const runFloor = () => cpuOfAll(items.floor, options.concurrency, options.floor);
    let broker: number;
    let floor: number;
    if (turn % 2) {
      floor = await runFloor();
      broker = await runBroker();
    } else {
      broker = await runBroker();
      floor = await runFloor();
    }
    if (turn >= 0) {
      brokerUs += broker;
      floorUs += floor;
    }
  }
  const count = options.rounds * options.batch;
  return { brokerUs: brokerUs / count, floorUs: floorUs / count, count };
}
