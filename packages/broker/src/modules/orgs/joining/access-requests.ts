import type { Context } from 'hono';
import type { AccessRequest, AccessRequestList, JoinableOrganizationList, Organization } from '@latchkey/client';
import type { Deps } from '../../../deps.js';
import { ProblemError } from '../../../http/problem.js';
import { randomId } from '../../../random.js';
import { membershipRole, type LiveSession, type SessionUser } from '../../../storage/queries/index.js';
import {
  decideAccessRequest,
  findAccessRequest,
  findEnrollmentDomain,
  insertAccessRequest,
  insertMembershipIfNone,
  listJoinableOrganizations,
  listOrgAccessRequests,
  listUserAccessRequests,
  type AccessRequestRecord,
  type EnrollmentDomainRecord,
} from '../../../storage/queries/joining.js';
import type { Db } from '../../../storage/storage.js';
import { recordAuditEvent, type AuditActor } from '../../audit/record.js';
import { accessDecisionMail } from '../../email/messages.js';
import type { OrgAccess } from '../access.js';
import { emailDomain } from '../domains.js';
import { checkGrant } from './grants.js';
import { memberOrganization } from './organization.js';
import { isPublicMailDomain } from '../public-mail-domains.js';

/**
 * Access requests ("ask to join") and domain capture (issue 24 §2), both by the
 * user's verified address's domain, which the organization has verified:
 * - `request` (or `automatic`) enrolment: the user may ask; an owner or admin
 *   (`requests:manage`) approves or denies with a reason the requester is shown;
 * - `automatic` enrolment on a domain verified by its DNS TXT record: the user
 *   joins at once (`POST /v1/orgs/{org_id}/join`). Never on a domain only the
 *   admin API verified: anyone able to call it is not proof of the mailbox domain.
 * A public mail domain (gmail.com…) never enrols anyone, whatever is stored.
 * A user who may do neither gets `not_found`, as for an organization that does
 * not exist: these routes tell nothing of organizations the user cannot join.
 */

export const toWireAccessRequest = (request: AccessRequestRecord): AccessRequest => ({
  id: request.id,
  organization: { id: request.orgId, name: request.orgName },
  user: { id: request.userId, email: request.userEmail, name: request.userName },
  message: request.message,
  status: request.status,
  reason: request.reason,
  decided_by: request.decidedBy,
  created_at: request.createdAt.toISOString(),
  decided_at: request.decidedAt?.toISOString() ?? null,
});

/** The domain of the user's address when it is verified and not a public mail domain; else undefined (enrols nowhere). */
function enrollableDomain(user: SessionUser): string | undefined {
  if (user.emailVerifiedAt === null) return undefined;
  const domain = emailDomain(user.email);
  return domain === undefined || isPublicMailDomain(domain) ? undefined : domain;
}

/** The organization's domain that lets this user ask to join (`request`) or join (`automatic`); `not_found` otherwise. */
async function enrollmentOf(db: Db, user: SessionUser, orgId: string, wanted: 'request' | 'automatic'): Promise<EnrollmentDomainRecord> {
  const domain = enrollableDomain(user);
  const found = domain === undefined ? undefined : await findEnrollmentDomain(db, orgId, domain);
  const allowed =
    found !== undefined &&
    found.verifiedAt !== null &&
    (wanted === 'automatic' ? found.enrollment === 'automatic' && found.verification === 'dns' : found.enrollment === 'request' || found.enrollment === 'automatic');
  if (!allowed) throw new ProblemError('not_found');
  return found;
}

/** Organizations the user may join or ask to join by their address's domain, with their latest request to each. */
export async function listJoinable(deps: Deps, user: SessionUser): Promise<JoinableOrganizationList> {
  const domain = enrollableDomain(user);
  if (domain === undefined) return { organizations: [] };
  const orgs = await listJoinableOrganizations(deps.storage, user.id, domain);
  return {
    organizations: orgs.map((org) => ({
      id: org.id,
      name: org.name,
      domain: org.domain,
      enrollment: org.enrollment,
      // A request approved long ago (the user has left since) is history, not something to show here.
      request: org.request && org.request.status !== 'approved' ? toWireAccessRequest(org.request) : null,
    })),
  };
}

/**
 * Joins by a captured domain: `automatic` enrolment on a DNS-verified domain of
 * the user's verified address. A member already keeps their membership.
 */
export async function joinByDomain(deps: Deps, current: { session: LiveSession; user: SessionUser }, actor: AuditActor, orgId: string): Promise<Organization> {
  const { user, session } = current;
  return deps.storage.transaction(async (tx) => {
    const now = deps.clock();
    const domain = await enrollmentOf(tx, user, orgId, 'automatic');
    if (await insertMembershipIfNone(tx, { orgId, userId: user.id, role: 'member', source: 'domain', createdAt: now })) {
      await recordAuditEvent(tx, { type: 'member.added', orgId, actor, target: { type: 'user', id: user.id, label: user.email }, data: { source: 'domain', role: 'member', domain: domain.domain }, at: now });
    }
    return memberOrganization(tx, deps, session, orgId);
  });
}

/** Asks to join: one pending request per user and organization (409 `request_pending`); a member already is 409 `already_member`. */
export async function requestAccess(deps: Deps, user: SessionUser, actor: AuditActor, orgId: string, message: string | undefined): Promise<AccessRequest> {
  return deps.storage.transaction(async (tx) => {
    const now = deps.clock();
    await enrollmentOf(tx, user, orgId, 'request');
    if ((await membershipRole(tx, orgId, user.id)) !== undefined) throw new ProblemError('already_member');
    const request = await insertAccessRequest(tx, { id: randomId('req'), orgId, userId: user.id, message: message || null, createdAt: now });
    if (!request) throw new ProblemError('request_pending');
    await recordAuditEvent(tx, { type: 'access_request.created', orgId, actor, target: { type: 'access_request', id: request.id, label: user.email }, at: now });
    return toWireAccessRequest(request);
  });
}

export async function listMyAccessRequests(deps: Deps, user: SessionUser): Promise<AccessRequestList> {
  return { requests: (await listUserAccessRequests(deps.storage, user.id)).map(toWireAccessRequest) };
}

export async function listAccessRequests(deps: Deps, access: OrgAccess): Promise<AccessRequestList> {
  return { requests: (await listOrgAccessRequests(deps.storage, access.org.id)).map(toWireAccessRequest) };
}

/**
 * Decides a pending request by one conditional UPDATE (of parallel decisions
 * one wins; the others get 409 `already_decided`); an approval makes the
 * membership (`source: 'request'`) in the same transaction. The requester is
 * mailed the decision with its reason once it is committed.
 */
async function decide(
  deps: Deps,
  access: OrgAccess,
  id: string,
  decision: { status: 'approved'; role: string; reason: string | null } | { status: 'denied'; reason: string },
): Promise<AccessRequest> {
  const decided = await deps.storage.transaction(async (tx) => {
    const now = deps.clock();
    const request = await decideAccessRequest(tx, access.org.id, id, { status: decision.status, reason: decision.reason, decidedBy: access.user.id, at: now });
    if (!request) throw new ProblemError((await findAccessRequest(tx, access.org.id, id)) ? 'already_decided' : 'not_found');
    const target = { type: 'access_request', id, label: request.userEmail };
    if (decision.status === 'denied') {
      await recordAuditEvent(tx, { type: 'access_request.denied', orgId: access.org.id, actor: access.actor, target, data: { reason: decision.reason }, at: now });
      return request;
    }
    const joined = await insertMembershipIfNone(tx, { orgId: access.org.id, userId: request.userId, role: decision.role, source: 'request', createdAt: now });
    await recordAuditEvent(tx, { type: 'access_request.approved', orgId: access.org.id, actor: access.actor, target, data: { role: decision.role, reason: decision.reason, already_member: !joined }, at: now });
    if (joined) {
      await recordAuditEvent(tx, {
        type: 'member.added',
        orgId: access.org.id,
        actor: access.actor,
        target: { type: 'user', id: request.userId, label: request.userEmail },
        data: { source: 'request', role: decision.role, access_request: id },
        at: now,
      });
    }
    return request;
  });
  deps.mail.deliver(accessDecisionMail(decided.userEmail, { organization: access.org.name, approved: decided.status === 'approved', reason: decided.reason }));
  return toWireAccessRequest(decided);
}

/** Approves with `role` (default `member`), which the approver must be able to grant (`checkGrant`). */
export async function approveAccessRequest(deps: Deps, c: Context, access: OrgAccess, id: string, body: { role?: string | undefined; reason?: string | undefined }): Promise<AccessRequest> {
  const role = body.role ?? 'member';
  await checkGrant(deps.storage, deps, c, access, role);
  return decide(deps, access, id, { status: 'approved', role, reason: body.reason ?? null });
}

export async function denyAccessRequest(deps: Deps, access: OrgAccess, id: string, reason: string): Promise<AccessRequest> {
  return decide(deps, access, id, { status: 'denied', reason });
}
