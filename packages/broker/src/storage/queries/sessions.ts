import type { Factor } from '../../modules/sign-in/factors.js';
import { placeholders, type Db } from '../storage.js';
import type { UserRecord } from './users.js';

export interface SessionRecord {
  id: string;
  userId: string;
  /** What the session was made with (see modules/sign-in/factors.ts), in the order proven. */
  factors: Factor[];
  /** RFC 8176 methods, derived from `factors` when the session opened (kept as written then). */
  amr: string[];
  /** The organization the session is active in, or null (a personal session). */
  orgId: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  ip: string | null;
  userAgent: string | null;
}

/** A session to store: its secret only as a hash. */
export type NewSession = Omit<SessionRecord, 'revokedAt' | 'lastSeenAt'> & { secretHash: string };

/** The columns of a new session and its values in their order (`insertSession`, and statements that open a session alongside another write). */
export const NEW_SESSION_COLUMNS = `id, secret_hash, user_id, factors, amr, org_id, created_at, last_seen_at, expires_at, ip, user_agent`;
export const newSessionValues = (s: NewSession) => [
  s.id,
  s.secretHash,
  s.userId,
  JSON.stringify(s.factors),
  s.amr,
  s.orgId,
  s.createdAt,
  s.createdAt,
  s.expiresAt,
  s.ip,
  s.userAgent,
];

/** Stores a new session. The record comes back as written, not read again: nothing in it is the database's to choose. */
export async function insertSession(db: Db, session: NewSession): Promise<SessionRecord> {
  await db.query(`INSERT INTO sessions (${NEW_SESSION_COLUMNS}) VALUES (${placeholders(1, 11)})`, newSessionValues(session));
  const { secretHash: _stored, ...record } = session;
  return { ...record, lastSeenAt: session.createdAt, revokedAt: null };
}

/** The user as a live session carries it: no password hash on the refresh path. */
export type SessionUser = Omit<UserRecord, 'passwordHash' | 'updatedAt'>;

/**
 * A live session as the cookie's lookups read it: what the answers and the
 * checks made with it need, no more. Its `ip`, `user_agent` and `last_seen_at`
 * are the account page's (`listLiveUserSessions`); `revoked_at` is null by definition.
 */
export type LiveSession = Pick<SessionRecord, 'id' | 'userId' | 'factors' | 'amr' | 'orgId' | 'createdAt' | 'expiresAt'>;

/** The session as the token mint reads it (`findLiveSessionInOrg`): a live session but for when it opened. */
export type MintSession = Omit<LiveSession, 'createdAt'>;

/**
 * Whether `last_seen_at` is older than `touchIntervalMs` before `now`, compared
 * in SQL: a lookup answers a boolean, not a timestamp to parse for one comparison.
 */
/**
 * `now` of the cookie lookups, sent as epoch milliseconds (`$2`): a number
 * costs PGlite less to send and Postgres less to read than a timestamp's text
 * (about 25 µs a lookup on PGlite), on the path every refresh takes.
 */
const NOW_MS = `to_timestamp($2::float8 / 1000)`;

const TOUCH_DUE = `s.last_seen_at < ${NOW_MS} - $3::int * interval '1 millisecond' AS "touchDue"`;

/**
 * Whether a session is still in use at `now` (the `$now` parameter): not
 * revoked, not past its absolute `expires_at`, and — when an idle timeout is
 * configured (`$idle` seconds, null: none) — seen within it. Compared in SQL, in
 * the lookup's own WHERE, so the idle timeout costs the hot path no statement
 * and no read-then-write. `last_seen_at` moves at most every touch interval
 * (5 minutes), so an idle session ends up to that much before the timeout
 * counted from its very last use.
 */
export const liveSession = (alias: string, now: string, idle: string) =>
  `${alias}revoked_at IS NULL AND ${alias}expires_at > ${now} AND (${idle}::int IS NULL OR ${alias}last_seen_at > (${now})::timestamptz - ${idle}::int * interval '1 second')`;

/** The `$idle` parameter of `liveSession`: seconds, or null without an idle timeout (0). */
export const idleParam = (idleTimeoutSeconds: number) => (idleTimeoutSeconds > 0 ? idleTimeoutSeconds : null);

/**
 * The live session whose cookie secret hashes to `secretHash` (not revoked, not
 * expired at `now`, compared in SQL) and its user, in one prepared query:
 * `GET /v1/session` and every account route cost one round trip (the unique
 * index on secret_hash, then the user's primary key). `touchDue` says whether
 * `last_seen_at` is more than `touchIntervalMs` old (the caller writes it then).
 */
export async function findLiveSession(
  db: Db,
  secretHash: string,
  now: Date,
  touchIntervalMs: number,
  idleTimeoutSeconds: number,
): Promise<{ session: LiveSession; user: SessionUser; touchDue: boolean } | undefined> {
  const rows = await db.query<LiveSession & { touchDue: boolean; userEmail: string; userEmailVerifiedAt: Date | null; userName: string | null; userCreatedAt: Date }>(
    `SELECT s.id, s.user_id AS "userId", s.factors, s.amr, s.org_id AS "orgId", s.created_at AS "createdAt", s.expires_at AS "expiresAt", ${TOUCH_DUE},
       u.email AS "userEmail", u.email_verified_at AS "userEmailVerifiedAt", u.name AS "userName", u.created_at AS "userCreatedAt"
     FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.secret_hash = $1 AND ${liveSession('s.', NOW_MS, '$4')}`,
    [secretHash, now.getTime(), touchIntervalMs, idleParam(idleTimeoutSeconds)],
    { prepare: 'lk_live_session' },
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    session: { id: row.id, userId: row.userId, factors: row.factors, amr: row.amr, orgId: row.orgId, createdAt: row.createdAt, expiresAt: row.expiresAt },
    user: { id: row.userId, email: row.userEmail, emailVerifiedAt: row.userEmailVerifiedAt, name: row.userName, createdAt: row.userCreatedAt },
    touchDue: row.touchDue,
  };
}

/**
 * The user's membership of the organization a token is minted for, read with
 * the session by `findLiveSessionInOrg`: the role, the custom role's
 * permissions, the organization and its policy columns.
 */
export interface SessionOrgMembership {
  orgId: string;
  name: string;
  slug: string;
  createdAt: Date;
  role: string;
  /** The custom role's permissions (`org_roles`); null for a built-in role or a role that no longer exists. */
  custom: string[] | null;
  requireMfa: boolean;
  requirePasskey: boolean;
  requireSso: boolean;
  graceUntil: Date | null;
}

type SessionOrgRow = MintSession & { touchDue: boolean } & {
  [K in keyof SessionOrgMembership as `m_${K}`]: SessionOrgMembership[K] | null;
};

/**
 * The token mint's one round trip (issue 24 §3): the live session of
 * `secretHash` (as `findLiveSession` decides it, without the user, whom a
 * token names by id only) with the user's membership of `orgId` (else of the
 * session's own organization): the role and its custom permissions and the
 * organization's policy columns, all a mint that meets its policy decides
 * with. What only a refusal or an owner's break-glass needs is read then, by
 * `findPolicyEvidence`: each table a statement names costs its every run a
 * lock and an index to open, so the refresh names four, not seven.
 * `membership` is undefined when the user is not a member (any more);
 * `touchDue` as for `findLiveSession`.
 */
export async function findLiveSessionInOrg(
  db: Db,
  secretHash: string,
  now: Date,
  touchIntervalMs: number,
  orgId: string | null | undefined,
  idleTimeoutSeconds: number,
): Promise<{ session: MintSession; membership: SessionOrgMembership | undefined; touchDue: boolean } | undefined> {
  const rows = await db.query<SessionOrgRow>(
    `SELECT s.id, s.user_id AS "userId", s.factors, s.amr, s.org_id AS "orgId", s.expires_at AS "expiresAt", ${TOUCH_DUE},
       m.org_id AS "m_orgId", o.name AS "m_name", o.slug AS "m_slug", o.created_at AS "m_createdAt", m.role AS "m_role", r.permissions AS "m_custom",
       o.require_mfa AS "m_requireMfa", o.require_passkey AS "m_requirePasskey", o.require_sso AS "m_requireSso", o.policy_grace_until AS "m_graceUntil"
     FROM sessions s
     LEFT JOIN memberships m ON $5::boolean AND m.org_id = COALESCE($4::text, s.org_id) AND m.user_id = s.user_id
     LEFT JOIN organizations o ON o.id = m.org_id
     LEFT JOIN org_roles r ON r.org_id = m.org_id AND r.key = m.role
     WHERE s.secret_hash = $1 AND ${liveSession('s.', NOW_MS, '$6')}`,
    [secretHash, now.getTime(), touchIntervalMs, orgId ?? null, orgId !== null, idleParam(idleTimeoutSeconds)],
    // The refresh's statement: planned once per connection, not at every refresh (planning it costs more than running it).
    { prepare: 'lk_live_session_in_org' },
  );
  const row = rows[0];
  if (!row) return undefined;
  const membership: SessionOrgMembership | undefined =
    row.m_orgId === null
      ? undefined
      : {
          orgId: row.m_orgId,
          name: row.m_name!,
          slug: row.m_slug!,
          createdAt: row.m_createdAt!,
          role: row.m_role!,
          custom: row.m_custom,
          requireMfa: row.m_requireMfa!,
          requirePasskey: row.m_requirePasskey!,
          requireSso: row.m_requireSso!,
          graceUntil: row.m_graceUntil,
        };
  return {
    session: { id: row.id, userId: row.userId, factors: row.factors, amr: row.amr, orgId: row.orgId, expiresAt: row.expiresAt },
    membership,
    touchDue: row.touchDue,
  };
}

/** What a mint refused by an organization's policy, or passed by break-glass, decides with (`findPolicyEvidence`). */
export interface PolicyEvidence {
  /** Whether the account has an authenticator app, a passkey: could it prove a second factor. */
  hasTotp: boolean;
  hasPasskey: boolean;
  /** Whether an owner broke the glass for this session into this organization (an `org.break_glass` audit event names the session). */
  brokeGlass: boolean;
}

/**
 * What only a mint that misses an enforced requirement needs, in one
 * statement: whether the account could prove a second factor (the refusal
 * says so), and whether an owner broke the glass for `sessionId` into `orgId`
 * earlier (then an unmet SSO or passkey requirement passes).
 */
export async function findPolicyEvidence(db: Db, userId: string, sessionId: string, orgId: string): Promise<PolicyEvidence> {
  const rows = await db.query<PolicyEvidence>(
    `SELECT EXISTS (SELECT 1 FROM totp_factors WHERE user_id = $1) AS "hasTotp",
       EXISTS (SELECT 1 FROM passkeys WHERE user_id = $1) AS "hasPasskey",
       EXISTS (SELECT 1 FROM audit_events WHERE org_id = $3 AND type = 'org.break_glass' AND target_type = 'session' AND target_id = $2) AS "brokeGlass"`,
    [userId, sessionId, orgId],
  );
  return rows[0]!;
}

export async function touchSession(db: Db, id: string, at: Date): Promise<void> {
  await db.query(`UPDATE sessions SET last_seen_at = $2 WHERE id = $1`, [id, at]);
}

export async function revokeSession(db: Db, id: string, at: Date): Promise<void> {
  await db.query(`UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`, [id, at]);
}

export async function revokeUserSessions(db: Db, userId: string, at: Date): Promise<number> {
  const rows = await db.query(`UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL RETURNING id`, [userId, at]);
  return rows.length;
}

export async function countLiveSessions(db: Db, now: Date, idleTimeoutSeconds: number): Promise<number> {
  return (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM sessions WHERE ${liveSession('', '$1', '$2')}`, [now, idleParam(idleTimeoutSeconds)]))[0]!.n;
}

/**
 * Appends a factor proven again (step-up) to a live session, in one conditional
 * statement: the session keeps its id and cookie, and a revoked or expired one
 * takes nothing. `amr` is written from every factor by the caller's
 * `amrOf`, passed as a function of the stored list so a parallel append is
 * never lost (the row is locked by this UPDATE to the end of the transaction).
 * Only the sign-in engine calls it (modules/sign-in/complete.ts).
 */
export async function appendSessionFactor(db: Db, id: string, factor: Factor, now: Date, amrOf: (factors: Factor[]) => string[]): Promise<SessionRecord | undefined> {
  const rows = await db.query<{ factors: Factor[] }>(
    `UPDATE sessions SET factors = factors || jsonb_build_array($2::jsonb) WHERE id = $1 AND revoked_at IS NULL AND expires_at > $3 RETURNING factors`,
    [id, JSON.stringify(factor), now],
  );
  if (!rows[0]) return undefined;
  const updated = await db.query<SessionRecord>(
    `UPDATE sessions SET amr = $2 WHERE id = $1
     RETURNING id, user_id AS "userId", factors, amr, org_id AS "orgId", created_at AS "createdAt", last_seen_at AS "lastSeenAt", expires_at AS "expiresAt", revoked_at AS "revokedAt", ip, user_agent AS "userAgent"`,
    [id, amrOf(rows[0].factors)],
  );
  return updated[0];
}
