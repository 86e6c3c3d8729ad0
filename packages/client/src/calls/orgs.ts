import { request } from '../internal/request.js';
import type { CallOptions, Connection } from '../types.js';
import type {
  AcceptInvitationRequest,
  AccessRequest,
  AccessRequestCreate,
  AccessRequestDecision,
  AccessRequestList,
  AuditEventList,
  AuditEventType,
  CreateOrganizationRequest,
  Invitation,
  InvitationList,
  InvitationPreview,
  InvitationRequest,
  InviteLink,
  InviteLinkList,
  InviteLinkPreview,
  InviteLinkRequest,
  JoinableOrganizationList,
  JoinWithLinkRequest,
  Member,
  MemberList,
  OrgDomain,
  OrgDomainList,
  OrgDomainRequest,
  OrgDomainUpdate,
  Organization,
  OrganizationList,
  OrgPolicies,
  OrgPoliciesUpdate,
  OrgSwitch,
  OrgSwitchRequest,
  Role,
  RoleList,
  RoleRequest,
  UpdateMemberRequest,
  UpdateOrganizationRequest,
} from '../wire/orgs.js';

/**
 * Organization calls (issue 24; see wire/orgs.ts for every answer and refusal).
 * Each takes the session cookie; `orgId` is always the organization the object
 * belongs to, and the broker looks the object up together with it.
 */

const org = (orgId: string) => `/v1/orgs/${encodeURIComponent(orgId)}` as const;
const id = encodeURIComponent;

/** The user's organizations, whether a personal account and creating are allowed (`GET /v1/orgs`). */
export function listOrganizations(conn: Connection, options?: CallOptions): Promise<OrganizationList> {
  return request(conn, { method: 'GET', path: '/v1/orgs' }, options);
}

/**
 * Creates an organization owned by the user (`POST /v1/orgs`, 201).
 *
 * @example
 * const acme = await createOrganization(client.connection, { name: 'Acme' });
 */
export function createOrganization(conn: Connection, body: CreateOrganizationRequest, options?: CallOptions): Promise<Organization> {
  return request(conn, { method: 'POST', path: '/v1/orgs', body }, options);
}

export function updateOrganization(conn: Connection, orgId: string, body: UpdateOrganizationRequest, options?: CallOptions): Promise<Organization> {
  return request(conn, { method: 'PATCH', path: org(orgId), body }, options);
}

export function deleteOrganization(conn: Connection, orgId: string, options?: CallOptions): Promise<void> {
  return request(conn, { method: 'DELETE', path: org(orgId), noContent: true }, options);
}

/** A page of members (`after`: the previous page's `next`). */
export function listMembers(conn: Connection, orgId: string, page: { after?: string } = {}, options?: CallOptions): Promise<MemberList> {
  const query = page.after ? `?after=${id(page.after)}` : '';
  return request(conn, { method: 'GET', path: `${org(orgId)}/members${query}` }, options);
}

export function updateMember(conn: Connection, orgId: string, userId: string, body: UpdateMemberRequest, options?: CallOptions): Promise<Member> {
  return request(conn, { method: 'PATCH', path: `${org(orgId)}/members/${id(userId)}`, body }, options);
}

/** Removes a member; with the user's own id, leaves the organization. */
export function removeMember(conn: Connection, orgId: string, userId: string, options?: CallOptions): Promise<void> {
  return request(conn, { method: 'DELETE', path: `${org(orgId)}/members/${id(userId)}`, noContent: true }, options);
}

export function listRoles(conn: Connection, orgId: string, options?: CallOptions): Promise<RoleList> {
  return request(conn, { method: 'GET', path: `${org(orgId)}/roles` }, options);
}

export function createRole(conn: Connection, orgId: string, body: RoleRequest & { key: string }, options?: CallOptions): Promise<Role> {
  return request(conn, { method: 'POST', path: `${org(orgId)}/roles`, body }, options);
}

export function updateRole(conn: Connection, orgId: string, key: string, body: RoleRequest, options?: CallOptions): Promise<Role> {
  return request(conn, { method: 'PATCH', path: `${org(orgId)}/roles/${id(key)}`, body }, options);
}

export function deleteRole(conn: Connection, orgId: string, key: string, options?: CallOptions): Promise<void> {
  return request(conn, { method: 'DELETE', path: `${org(orgId)}/roles/${id(key)}`, noContent: true }, options);
}

export function listInvitations(conn: Connection, orgId: string, options?: CallOptions): Promise<InvitationList> {
  return request(conn, { method: 'GET', path: `${org(orgId)}/invitations` }, options);
}

export function createInvitation(conn: Connection, orgId: string, body: InvitationRequest, options?: CallOptions): Promise<Invitation> {
  return request(conn, { method: 'POST', path: `${org(orgId)}/invitations`, body }, options);
}

export function revokeInvitation(conn: Connection, orgId: string, invitationId: string, options?: CallOptions): Promise<void> {
  return request(conn, { method: 'DELETE', path: `${org(orgId)}/invitations/${id(invitationId)}`, noContent: true }, options);
}

/** What an invitation's token is for, without a session (`GET /v1/invitations/{token}`). */
export function previewInvitation(conn: Connection, token: string, options?: CallOptions): Promise<InvitationPreview> {
  return request(conn, { method: 'GET', path: `/v1/invitations/${id(token)}` }, options);
}

export function acceptInvitation(conn: Connection, body: AcceptInvitationRequest, options?: CallOptions): Promise<Organization> {
  return request(conn, { method: 'POST', path: '/v1/invitations/accept', body }, options);
}

export function listInviteLinks(conn: Connection, orgId: string, options?: CallOptions): Promise<InviteLinkList> {
  return request(conn, { method: 'GET', path: `${org(orgId)}/invite-links` }, options);
}

export function createInviteLink(conn: Connection, orgId: string, body: InviteLinkRequest, options?: CallOptions): Promise<InviteLink> {
  return request(conn, { method: 'POST', path: `${org(orgId)}/invite-links`, body }, options);
}

export function revokeInviteLink(conn: Connection, orgId: string, linkId: string, options?: CallOptions): Promise<void> {
  return request(conn, { method: 'DELETE', path: `${org(orgId)}/invite-links/${id(linkId)}`, noContent: true }, options);
}

export function previewInviteLink(conn: Connection, token: string, options?: CallOptions): Promise<InviteLinkPreview> {
  return request(conn, { method: 'GET', path: `/v1/invite-links/${id(token)}` }, options);
}

export function joinWithInviteLink(conn: Connection, body: JoinWithLinkRequest, options?: CallOptions): Promise<Organization> {
  return request(conn, { method: 'POST', path: '/v1/invite-links/join', body }, options);
}

/** Organizations the user's verified address lets them join or ask to join (`GET /v1/orgs/joinable`). */
export function listJoinableOrganizations(conn: Connection, options?: CallOptions): Promise<JoinableOrganizationList> {
  return request(conn, { method: 'GET', path: '/v1/orgs/joinable' }, options);
}

/** Joins by a captured domain (`POST /v1/orgs/{org_id}/join`). */
export function joinOrganization(conn: Connection, orgId: string, options?: CallOptions): Promise<Organization> {
  return request(conn, { method: 'POST', path: `${org(orgId)}/join`, body: {} }, options);
}

export function requestAccess(conn: Connection, orgId: string, body: AccessRequestCreate = {}, options?: CallOptions): Promise<AccessRequest> {
  return request(conn, { method: 'POST', path: `${org(orgId)}/access-requests`, body }, options);
}

/** The user's own access requests and their decisions (`GET /v1/access-requests`). */
export function listMyAccessRequests(conn: Connection, options?: CallOptions): Promise<AccessRequestList> {
  return request(conn, { method: 'GET', path: '/v1/access-requests' }, options);
}

export function listAccessRequests(conn: Connection, orgId: string, options?: CallOptions): Promise<AccessRequestList> {
  return request(conn, { method: 'GET', path: `${org(orgId)}/access-requests` }, options);
}

export function approveAccessRequest(conn: Connection, orgId: string, requestId: string, body: AccessRequestDecision = {}, options?: CallOptions): Promise<AccessRequest> {
  return request(conn, { method: 'POST', path: `${org(orgId)}/access-requests/${id(requestId)}/approve`, body }, options);
}

export function denyAccessRequest(conn: Connection, orgId: string, requestId: string, body: AccessRequestDecision & { reason: string }, options?: CallOptions): Promise<AccessRequest> {
  return request(conn, { method: 'POST', path: `${org(orgId)}/access-requests/${id(requestId)}/deny`, body }, options);
}

export function listDomains(conn: Connection, orgId: string, options?: CallOptions): Promise<OrgDomainList> {
  return request(conn, { method: 'GET', path: `${org(orgId)}/domains` }, options);
}

export function addDomain(conn: Connection, orgId: string, body: OrgDomainRequest, options?: CallOptions): Promise<OrgDomain> {
  return request(conn, { method: 'POST', path: `${org(orgId)}/domains`, body }, options);
}

/** Looks the domain's TXT record up now (`POST …/domains/{domain}/verify`); 409 `domain_unverified` while it is missing. */
export function verifyDomain(conn: Connection, orgId: string, domain: string, options?: CallOptions): Promise<OrgDomain> {
  return request(conn, { method: 'POST', path: `${org(orgId)}/domains/${id(domain)}/verify`, body: {} }, options);
}

export function updateDomain(conn: Connection, orgId: string, domain: string, body: OrgDomainUpdate, options?: CallOptions): Promise<OrgDomain> {
  return request(conn, { method: 'PATCH', path: `${org(orgId)}/domains/${id(domain)}`, body }, options);
}

export function removeDomain(conn: Connection, orgId: string, domain: string, options?: CallOptions): Promise<void> {
  return request(conn, { method: 'DELETE', path: `${org(orgId)}/domains/${id(domain)}`, noContent: true }, options);
}

export function getOrgPolicies(conn: Connection, orgId: string, options?: CallOptions): Promise<OrgPolicies> {
  return request(conn, { method: 'GET', path: `${org(orgId)}/policies` }, options);
}

export function updateOrgPolicies(conn: Connection, orgId: string, body: OrgPoliciesUpdate, options?: CallOptions): Promise<OrgPolicies> {
  return request(conn, { method: 'PUT', path: `${org(orgId)}/policies`, body }, options);
}

/**
 * Checks a switch into an organization (or `null`: the personal account) and
 * mints its first token (`POST /v1/session/org`). Prefer the session store's
 * `switchOrganization`, which keeps the choice for this tab.
 */
export function switchOrganization(conn: Connection, body: OrgSwitchRequest, options?: CallOptions): Promise<OrgSwitch> {
  return request(conn, { method: 'POST', path: '/v1/session/org', body }, options);
}

/** Filters of the audit log; `after` is the previous page's `next`. */
export interface AuditFilter {
  type?: AuditEventType;
  actor?: string;
  since?: string;
  until?: string;
  after?: string;
  limit?: number;
}

const auditQuery = (filter: AuditFilter) => {
  const entries = Object.entries(filter).filter(([, v]) => v !== undefined && v !== '');
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString()}` : '';
};

export function listAuditEvents(conn: Connection, orgId: string, filter: AuditFilter = {}, options?: CallOptions): Promise<AuditEventList> {
  return request(conn, { method: 'GET', path: `${org(orgId)}/audit${auditQuery(filter)}` }, options);
}

/** The URL of the audit log as CSV with `filter` (a download link: the browser sends the cookie). */
export function auditCsvUrl(conn: Connection, orgId: string, filter: Omit<AuditFilter, 'after' | 'limit'> = {}): string {
  return `${conn.url}${org(orgId)}/audit.csv${auditQuery(filter)}`;
}
