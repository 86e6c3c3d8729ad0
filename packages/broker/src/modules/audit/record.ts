import type { AuditEventType } from '@latchkey/client';
import { randomId } from '../../random.js';
import type { Db } from '../../storage/storage.js';

/**
 * Audit events (issue 24 §5): append-only rows, written in the same transaction
 * as the change they record, so a change never lands unrecorded and a refused
 * one records nothing. Nothing updates an event; only the retention sweep
 * (`audit.retentionDays`, housekeeping) deletes them.
 */

/** Who did it and from where: the request's signed-in user (or null for the admin API, a stranger), address and browser. */
export interface AuditActor {
  userId: string | null;
  email: string | null;
  ip: string | null;
  userAgent: string | null;
}

export interface AuditEventInput {
  type: AuditEventType;
  /** The organization it belongs to (whose owners and admins read it), or null (an account's own event). */
  orgId: string | null;
  actor: AuditActor;
  /** What it is about when that is not the actor: a member, an invitation, a domain… */
  target?: { type: string; id: string; label?: string };
  /** Small, never a secret: roles before and after, a reason, a method. */
  data?: Record<string, unknown>;
  at: Date;
}

/** The columns of an event and its values in their order (`recordAuditEvent`, and statements that write an event alongside another write). */
export const AUDIT_EVENT_COLUMNS = `id, org_id, type, actor_id, actor_email, target_type, target_id, target_label, data, ip, user_agent, created_at`;
export const auditEventValues = (event: AuditEventInput): unknown[] => [
  randomId('evt'),
  event.orgId,
  event.type,
  event.actor.userId,
  event.actor.email,
  event.target?.type ?? null,
  event.target?.id ?? null,
  event.target?.label ?? null,
  JSON.stringify(event.data ?? {}),
  event.actor.ip,
  event.actor.userAgent,
  event.at,
];

/** An event as a row to insert, made before the write: in a statement of another write (a passkey sign-in's one statement), or by `insertAuditRow`. */
export interface AuditEventRow {
  table: 'audit_events';
  columns: string;
  values: unknown[];
}

export const auditEventRow = (event: AuditEventInput): AuditEventRow => ({ table: 'audit_events', columns: AUDIT_EVENT_COLUMNS, values: auditEventValues(event) });

/** Appends an event made with `auditEventRow`, on `db`. */
export async function insertAuditRow(db: Db, row: AuditEventRow): Promise<void> {
  await db.query(`INSERT INTO audit_events (${AUDIT_EVENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`, row.values);
}

/**
 * Appends one event, on `db` (the caller's transaction where there is one).
 *
 * @example
 * await recordAuditEvent(tx, { type: 'member.role_changed', orgId, actor, target: { type: 'user', id: member.userId, label: member.email }, data: { from: 'member', to: 'admin' }, at: now });
 */
export async function recordAuditEvent(db: Db, event: AuditEventInput): Promise<void> {
  await insertAuditRow(db, auditEventRow(event));
}
