import type { Db } from '../storage.js';

/**
 * Reading and expiring audit events (`audit_events`; written only by
 * modules/audit/record.ts). Events are read newest first by `seq`, the order
 * they were written in, which also makes the page cursor.
 */

export interface AuditEventRecord {
  id: string;
  /** The row's place in the log, as text (a bigint): the page cursor. */
  seq: string;
  orgId: string | null;
  type: string;
  actorId: string | null;
  actorEmail: string | null;
  targetType: string | null;
  targetId: string | null;
  targetLabel: string | null;
  data: Record<string, unknown>;
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
}

/** Which events of one organization to read. */
export interface AuditEventQuery {
  orgId: string;
  type?: string;
  /** The acting user's id, or their address (compared without case; `admin-api` for the admin API). */
  actor?: string;
  since?: Date;
  until?: Date;
  /** Only events written before this `seq` (the previous page's `next`). */
  beforeSeq?: string;
  limit: number;
}

const EVENT = `id, seq::text AS seq, org_id AS "orgId", type, actor_id AS "actorId", actor_email AS "actorEmail", target_type AS "targetType",
  target_id AS "targetId", target_label AS "targetLabel", data, ip, user_agent AS "userAgent", created_at AS "createdAt"`;

/**
 * A page of an organization's events, newest first (the `audit_events_org` index).
 * The ORDER BY names the table's column: the bare name would sort the text alias.
 */
export async function listAuditEvents(db: Db, query: AuditEventQuery): Promise<AuditEventRecord[]> {
  return db.query<AuditEventRecord>(
    `SELECT ${EVENT} FROM audit_events
     WHERE org_id = $1
       AND ($2::text IS NULL OR type = $2)
       AND ($3::text IS NULL OR actor_id = $3 OR lower(actor_email) = lower($3))
       AND ($4::timestamptz IS NULL OR created_at >= $4)
       AND ($5::timestamptz IS NULL OR created_at < $5)
       AND ($6::bigint IS NULL OR seq < $6::bigint)
     ORDER BY audit_events.seq DESC LIMIT $7`,
    [query.orgId, query.type ?? null, query.actor ?? null, query.since ?? null, query.until ?? null, query.beforeSeq ?? null, query.limit],
  );
}

/** Deletes events written before `before` (the retention sweep); answers how many. */
export async function deleteAuditEventsBefore(db: Db, before: Date): Promise<number> {
  const rows = await db.query<{ n: number }>(`WITH gone AS (DELETE FROM audit_events WHERE created_at < $1 RETURNING 1) SELECT count(*)::int AS n FROM gone`, [before]);
  return rows[0]!.n;
}
