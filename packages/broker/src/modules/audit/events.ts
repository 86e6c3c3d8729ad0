import type { AuditEvent, AuditEventType } from '@latchkey/client';
import type { AuditEventRecord } from '../../storage/queries/index.js';

/** Every recorded event type (the wire's `AuditEventType`), for the `type` filter; only ever added to. */
export const AUDIT_EVENT_TYPES = [
  'sign_in.succeeded',
  'sign_in.failed',
  'factor.added',
  'factor.removed',
  'org.created',
  'org.updated',
  'org.deleted',
  'org.switched',
  'org.break_glass',
  'member.added',
  'member.role_changed',
  'member.removed',
  'role.created',
  'role.updated',
  'role.deleted',
  'invitation.created',
  'invitation.revoked',
  'invitation.accepted',
  'invite_link.created',
  'invite_link.revoked',
  'invite_link.used',
  'access_request.created',
  'access_request.approved',
  'access_request.denied',
  'domain.added',
  'domain.verified',
  'domain.updated',
  'domain.removed',
  'connection.created',
  'connection.updated',
  'connection.deleted',
  'policy.updated',
  'user.suspended',
  'user.unsuspended',
  'user.deleted',
  'user.exported',
] as const satisfies readonly AuditEventType[];

// A type the wire adds and this list lacks fails to compile here.
const everyType: Record<AuditEventType, true> = Object.fromEntries(AUDIT_EVENT_TYPES.map((t) => [t, true])) as Record<(typeof AUDIT_EVENT_TYPES)[number], true>;
void everyType;

/**
 * An event as the API answers it: `actor` null when nobody is named (a
 * stranger's failed sign-in), `target` null when the event is about the actor.
 *
 * @example
 * c.json({ events: rows.map(toWireAuditEvent), next });
 */
export function toWireAuditEvent(event: AuditEventRecord): AuditEvent {
  return {
    id: event.id,
    type: event.type as AuditEventType,
    org_id: event.orgId,
    actor: event.actorId === null && event.actorEmail === null ? null : { user_id: event.actorId, email: event.actorEmail },
    target: event.targetType === null || event.targetId === null ? null : { type: event.targetType, id: event.targetId, ...(event.targetLabel !== null ? { label: event.targetLabel } : {}) },
    data: event.data,
    ip: event.ip,
    user_agent: event.userAgent,
    created_at: new Date(event.createdAt).toISOString(),
  };
}
