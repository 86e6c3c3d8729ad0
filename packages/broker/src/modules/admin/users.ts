import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import {
  countRecoveryCodes,
  deleteUserAndFlows,
  findAdminUser,
  findTotpFactor,
  listAuditEventsAboutUser,
  listIdentities,
  listUserAccessRequests,
  listUserOrganizations,
  listUserPasskeys,
  listUserSessionHistory,
  lockAdminUser,
  lockOrganizationsOnlyOwnedBy,
  revokeUserSessions,
  setUserSuspended,
  type AdminUserRecord,
} from '../../storage/queries/index.js';
import type { Db } from '../../storage/storage.js';
import { recordAuditEvent, type AuditActor, type AuditEventInput } from '../audit/record.js';
import { toWireAuditEvent } from '../audit/events.js';

/**
 * Operator user management through the admin API (`/admin/v1/users`, issue 26): suspend,
 * lift a suspension, delete, export. Each change and each export is recorded in the audit
 * log with the admin API as its actor, in the transaction of what it records.
 */

const iso = (date: Date | null) => (date === null ? null : new Date(date).toISOString());

/** An account as the admin API answers it. */
export const adminUserView = (user: AdminUserRecord) => ({
  id: user.id,
  email: user.email,
  email_verified: user.emailVerifiedAt !== null,
  name: user.name,
  has_password: user.hasPassword,
  suspended: user.suspendedAt !== null,
  suspended_at: iso(user.suspendedAt),
  created_at: iso(user.createdAt),
  updated_at: iso(user.updatedAt),
});

const noSuchUser = () => new ProblemError('not_found', { detail: 'no such user' });

/** An account event of the admin API: no organization (the account's own), the account as its target. */
const userEvent = (actor: AuditActor, user: AdminUserRecord, type: AuditEventInput['type'], at: Date, data?: Record<string, unknown>): AuditEventInput => ({
  type,
  orgId: null,
  actor,
  target: { type: 'user', id: user.id, label: user.email },
  ...(data ? { data } : {}),
  at,
});

/**
 * An audit event for the export: a session id is a bearer-like handle (a broker that sees one
 * in a request acts on that session), so an event about a session names its kind, not its id.
 */
function withoutSessionId(record: Parameters<typeof toWireAuditEvent>[0]) {
  const event = toWireAuditEvent(record);
  return event.target?.type === 'session' ? { ...event, target: { type: 'session' } } : event;
}

/** The account by id, or 404. */
export async function adminUser(deps: Deps, id: string): Promise<AdminUserRecord> {
  const user = await findAdminUser(deps.storage, id);
  if (!user) throw noSuchUser();
  return user;
}

/**
 * Suspends the account: every live session is revoked in the same transaction, and
 * from then on the sign-in engine opens none (modules/sign-in/suspended.ts). Suspending
 * a suspended account keeps its first date and records nothing new.
 */
export async function suspendUser(deps: Deps, id: string, actor: AuditActor) {
  return deps.storage.transaction(async (tx) => {
    const before = await lockAdminUser(tx, id);
    if (!before) throw noSuchUser();
    const now = deps.clock();
    // Revoked after the row lock: a sign-in that opened a session meanwhile has committed by now (see isUserSuspended).
    const revoked = await revokeUserSessions(tx, id, now);
    if (before.suspendedAt !== null) return { user: before, revokedSessions: revoked };
    const after = (await setUserSuspended(tx, id, now, now))!;
    await recordAuditEvent(tx, userEvent(actor, after, 'user.suspended', now, { revoked_sessions: revoked }));
    return { user: after, revokedSessions: revoked };
  });
}

/** Lifts a suspension; the account signs in again (its revoked sessions stay revoked). */
export async function unsuspendUser(deps: Deps, id: string, actor: AuditActor): Promise<AdminUserRecord> {
  return deps.storage.transaction(async (tx) => {
    const before = await lockAdminUser(tx, id);
    if (!before) throw noSuchUser();
    if (before.suspendedAt === null) return before;
    const now = deps.clock();
    const after = (await setUserSuspended(tx, id, null, now))!;
    await recordAuditEvent(tx, userEvent(actor, after, 'user.unsuspended', now, { suspended_at: iso(before.suspendedAt) }));
    return after;
  });
}

/**
 * Deletes the account and everything that hangs off it, in one transaction: all of it or
 * nothing. Refused with 409 `last_owner` (nothing written) while it is the only owner of
 * an organization, as the orgs module refuses an owner's leaving. Each organization it
 * was a member of records `member.removed` (its owners and admins read their log), and
 * the account's own `user.deleted`.
 */
export async function deleteUser(deps: Deps, id: string, actor: AuditActor): Promise<void> {
  await deps.storage.transaction(async (tx) => {
    const user = await lockAdminUser(tx, id);
    if (!user) throw noSuchUser();
    const sole = await lockOrganizationsOnlyOwnedBy(tx, id);
    if (sole.length > 0) {
      throw new ProblemError('last_owner', { detail: `the account is the only owner of ${sole.map((org) => `${org.name} (${org.id})`).join(', ')}: make another member an owner, or delete the organization, first` });
    }
    const now = deps.clock();
    const memberships = await listUserOrganizations(tx, id);
    for (const membership of memberships) {
      await recordAuditEvent(tx, {
        type: 'member.removed',
        orgId: membership.id,
        actor,
        target: { type: 'user', id, label: user.email },
        data: { role: membership.role, account_deleted: true },
        at: now,
      });
    }
    await recordAuditEvent(tx, userEvent(actor, user, 'user.deleted', now, { organizations: memberships.map((m) => m.id) }));
    if (!(await deleteUserAndFlows(tx, id))) throw noSuchUser();
  });
}

/**
 * Everything stored about the account, as one JSON document (a data subject's access
 * request, GDPR art. 15): profile, addresses, connected identities, passkeys, second
 * factors, sessions, memberships, access requests and the audit events about it. Only
 * metadata of credentials: no password hash, passkey public key, TOTP secret, recovery
 * code hash, session id or secret. The export itself is recorded (`user.exported`).
 */
export async function exportUser(deps: Deps, id: string, actor: AuditActor) {
  return deps.storage.transaction(async (tx: Db) => {
    const user = await findAdminUser(tx, id);
    if (!user) throw noSuchUser();
    const now = deps.clock();
    // Recorded first, so the export lists its own event: what the account's log holds when it is handed over.
    await recordAuditEvent(tx, userEvent(actor, user, 'user.exported', now));
    const [identities, passkeys, totp, recoveryCodes, sessions, organizations, accessRequests, events] = [
      await listIdentities(tx, id),
      await listUserPasskeys(tx, id),
      await findTotpFactor(tx, id),
      await countRecoveryCodes(tx, id),
      await listUserSessionHistory(tx, id),
      await listUserOrganizations(tx, id),
      await listUserAccessRequests(tx, id),
      await listAuditEventsAboutUser(tx, id),
    ];
    return {
      exported_at: now.toISOString(),
      user: adminUserView(user),
      emails: [
        { email: user.email, primary: true, verified: user.emailVerifiedAt !== null },
        ...identities.filter((identity) => identity.email !== null).map((identity) => ({ email: identity.email!, primary: false, verified: identity.emailVerified, identity_id: identity.id })),
      ],
      identities: identities.map((identity) => ({
        id: identity.id,
        provider: identity.provider,
        connection_id: identity.connectionId,
        issuer: identity.issuer,
        subject: identity.subject,
        email: identity.email,
        email_verified: identity.emailVerified,
        created_at: iso(identity.createdAt),
        last_used_at: iso(identity.lastUsedAt),
      })),
      passkeys: passkeys.map((passkey) => ({
        id: passkey.id,
        name: passkey.name,
        aaguid: passkey.aaguid,
        device_type: passkey.deviceType,
        backed_up: passkey.backedUp,
        transports: passkey.transports,
        created_at: iso(passkey.createdAt),
        last_used_at: iso(passkey.lastUsedAt),
        counter_regressions: passkey.counterRegressions,
      })),
      mfa: {
        totp: totp ? { id: totp.id, created_at: iso(totp.createdAt), last_used_at: iso(totp.lastUsedAt) } : null,
        recovery_codes: { remaining: recoveryCodes.remaining, created_at: iso(recoveryCodes.createdAt) },
      },
      sessions: sessions.map((session) => ({
        amr: session.amr,
        org_id: session.orgId,
        created_at: iso(session.createdAt),
        last_seen_at: iso(session.lastSeenAt),
        expires_at: iso(session.expiresAt),
        revoked_at: iso(session.revokedAt),
        ip: session.ip,
        user_agent: session.userAgent,
      })),
      memberships: organizations.map((org) => ({ org_id: org.id, name: org.name, slug: org.slug, role: org.role })),
      access_requests: accessRequests.map((request) => ({
        org_id: request.orgId,
        message: request.message,
        status: request.status,
        reason: request.reason,
        created_at: iso(request.createdAt),
        decided_at: iso(request.decidedAt),
      })),
      audit_events: events.map(withoutSessionId),
    };
  });
}
