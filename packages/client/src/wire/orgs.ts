/**
 * Wire types of organizations (issue 24): the signed-in user's organizations,
 * their members, roles and permissions, joining (invitations, invite links,
 * access requests, verified domains), security policies, the active
 * organization per browser tab, and audit events.
 *
 * Every `/v1/orgs/{org_id}/…` route takes the session cookie and checks, on the
 * server and for each request, that the user is a member of `org_id` and that
 * their role holds the permission the route names. An organization the user is
 * not a member of answers 404 `not_found`, exactly like one that does not
 * exist; a member without the permission gets 403 `forbidden` (`detail` names
 * the permission). Object ids of another organization (a member, an invitation,
 * a link, a request, a role, a domain) are `not_found` too: an object is always
 * looked up together with the organization of its path.
 *
 * Changes to an organization's security (policies, domains, roles, owners) need
 * a recent authentication: 403 `reauthentication_required` otherwise (step-up).
 */

/**
 * The broker's own permissions. Built-in roles hold fixed sets of them:
 * - `owner`: all of them, and every permission the host configured;
 * - `admin`: all but `org:delete`, and every host permission;
 * - `member`: `org:read` and `members:read`.
 * Custom roles hold any named set of these and of the host's (`orgs.permissions` in
 * the broker configuration, `resource:action`, lower case).
 */
export const ORG_PERMISSIONS = [
  'org:read',
  'org:update',
  'org:delete',
  'members:read',
  'members:manage',
  'invitations:manage',
  'requests:manage',
  'roles:manage',
  'domains:manage',
  'connections:manage',
  'policies:manage',
  'audit:read',
] as const;

export type OrgPermission = (typeof ORG_PERMISSIONS)[number];

/** The built-in roles. Only an owner grants or takes away `owner`; an organization always keeps one. */
export type BuiltInRole = 'owner' | 'admin' | 'member';

/** An organization as its members see it. */
export interface Organization {
  id: string;
  name: string;
  slug: string;
  /** The user's role in it (a built-in role, or a custom role's `key`). */
  role: string;
  /** What that role allows, the broker's and the host's permissions. */
  permissions: string[];
  /** The organization's policies, and whether this session meets them now. */
  policy: OrgPolicyStatus;
  created_at: string;
}

/** GET /v1/orgs -> 200: the user's organizations, by name. */
export interface OrganizationList {
  organizations: Organization[];
  /** Whether the host allows working without an organization (a personal account): `orgs.allowPersonal`. */
  personal_allowed: boolean;
  /** Whether the user may create organizations (`orgs.allowCreate`). */
  create_allowed: boolean;
}

/** POST /v1/orgs -> 201 Organization (the creator is its owner); 409 `slug_taken`. */
export interface CreateOrganizationRequest {
  name: string;
  /** Lower-case letters, digits and inner hyphens; derived from the name when absent. */
  slug?: string;
}

/** PATCH /v1/orgs/{org_id} (`org:update`) -> 200 Organization; DELETE (`org:delete`) -> 204. */
export interface UpdateOrganizationRequest {
  name?: string;
  slug?: string;
}

/** One member (GET /v1/orgs/{org_id}/members, `members:read`). */
export interface Member {
  user_id: string;
  email: string;
  name: string | null;
  role: string;
  joined_at: string;
  /** How they joined: `created` (made the organization), `invitation`, `link`, `request`, `domain`, `sso` (JIT), `admin` (admin API). */
  source: 'created' | 'invitation' | 'link' | 'request' | 'domain' | 'sso' | 'admin';
  /** The policies they do not meet (each with its grace deadline), for owners and admins; empty for everyone else. */
  out_of_policy: OrgPolicyRequirement[];
}

export interface MemberList {
  members: Member[];
  /** Pass as `?after=` for the next page; null on the last. */
  next: string | null;
}

/**
 * PATCH /v1/orgs/{org_id}/members/{user_id} (`members:manage`) -> 200 Member.
 * Refused with 403 `forbidden`: changing one's own role; granting or taking away
 * `owner` without being an owner; granting a role that holds a permission the
 * caller does not hold. 409 `last_owner`: the organization's only owner cannot be demoted.
 */
export interface UpdateMemberRequest {
  role: string;
}

/**
 * DELETE /v1/orgs/{org_id}/members/{user_id} (`members:manage`; or anyone for
 * themselves: leaving) -> 204. 409 `last_owner` for the only owner. Removing an
 * owner needs to be an owner. The member's tokens of this organization stop at
 * their next refresh (the membership is read on each).
 */

/** A role: built-in or custom (GET /v1/orgs/{org_id}/roles, `members:read`). */
export interface Role {
  /** `owner`, `admin`, `member`, or a custom role's key (lower case, `[a-z][a-z0-9_-]*`). */
  key: string;
  name: string;
  permissions: string[];
  built_in: boolean;
  /** How many members hold it. */
  members: number;
}

export interface RoleList {
  roles: Role[];
  /** Every permission a custom role may hold: the broker's, then the host's. */
  permissions: string[];
}

/**
 * POST /v1/orgs/{org_id}/roles (`roles:manage`) -> 201 Role; 409 `role_exists`.
 * PATCH /v1/orgs/{org_id}/roles/{key} -> 200 Role (a built-in role cannot be changed: 403 `forbidden`).
 * DELETE /v1/orgs/{org_id}/roles/{key} -> 204; 409 `role_in_use` while members hold it.
 * A role may only hold permissions the caller holds.
 */
export interface RoleRequest {
  key?: string;
  name: string;
  permissions: string[];
}

/** An invitation by email (GET /v1/orgs/{org_id}/invitations, `invitations:manage`): pending ones only. */
export interface Invitation {
  id: string;
  email: string;
  role: string;
  invited_by: string | null;
  created_at: string;
  expires_at: string;
}

export interface InvitationList {
  invitations: Invitation[];
}

/**
 * POST /v1/orgs/{org_id}/invitations (`invitations:manage`) -> 201 Invitation: the
 * address is mailed a link to the host's sign-up page with `lk_invitation=<token>`.
 * Single-use, expires after `orgs.invitationTtlSeconds` (7 days), revocable
 * (DELETE /v1/orgs/{org_id}/invitations/{id} -> 204). Inviting an address again
 * replaces its pending invitation. 409 `already_member`.
 */
export interface InvitationRequest {
  email: string;
  role: string;
}

/**
 * GET /v1/invitations/{token} -> 200 InvitationPreview (no session needed): what
 * the sign-up page shows. 404 `invitation_invalid` when the token is unknown,
 * used, revoked or expired (the same answer for each).
 */
export interface InvitationPreview {
  organization: { id: string; name: string };
  email: string;
  role: string;
  expires_at: string;
}

/**
 * POST /v1/invitations/accept -> 200 Organization: the signed-in user joins. Only
 * the invited address, verified, may accept (403 `invitation_not_for_you`
 * otherwise, and the invitation stays usable). 404 `invitation_invalid` for one
 * unknown, used, revoked or expired. Of parallel accepts, one succeeds.
 */
export interface AcceptInvitationRequest {
  token: string;
}

/** An invite link (GET /v1/orgs/{org_id}/invite-links, `invitations:manage`). */
export interface InviteLink {
  id: string;
  role: string;
  /** The whole URL to share: the host's sign-up page with `lk_invite=<token>`; only in the answer that made it. */
  url?: string;
  uses: number;
  max_uses: number | null;
  expires_at: string | null;
  revoked_at: string | null;
  created_at: string;
}

export interface InviteLinkList {
  links: InviteLink[];
}

/**
 * POST /v1/orgs/{org_id}/invite-links (`invitations:manage`) -> 201 InviteLink with its `url`.
 * DELETE /v1/orgs/{org_id}/invite-links/{id} -> 204 (revoked; the row stays for the audit).
 */
export interface InviteLinkRequest {
  role: string;
  /** At most 100,000; null: no limit. */
  max_uses?: number | null;
  /** Seconds from now, at most a year; null: no expiry. */
  expires_in?: number | null;
}

/** GET /v1/invite-links/{token} -> 200 (no session needed); 404 `invitation_invalid` when revoked, expired or used up. */
export interface InviteLinkPreview {
  organization: { id: string; name: string };
  role: string;
}

/**
 * POST /v1/invite-links/join -> 200 Organization: the signed-in user joins with
 * the link's role (a member already keeps theirs). 404 `invitation_invalid` when
 * revoked, expired or used up: of parallel joins at the limit, exactly
 * `max_uses` succeed in all.
 */
export interface JoinWithLinkRequest {
  token: string;
}

/** An access request: "ask to join" an organization that verified the requester's email domain. */
export interface AccessRequest {
  id: string;
  organization: { id: string; name: string };
  user: { id: string; email: string; name: string | null };
  message: string | null;
  status: 'pending' | 'approved' | 'denied';
  /** The decision's reason, shown to the requester. */
  reason: string | null;
  decided_by: string | null;
  created_at: string;
  decided_at: string | null;
}

export interface AccessRequestList {
  requests: AccessRequest[];
}

/**
 * An organization the user may join or ask to join, found by their verified
 * address's domain (GET /v1/orgs/joinable): `join` for a domain the
 * organization verified by DNS with automatic enrolment (domain capture),
 * `request` for one with access requests on.
 */
export interface JoinableOrganization {
  id: string;
  name: string;
  domain: string;
  enrollment: 'automatic' | 'request';
  /** A request of the user's that is pending or was denied. */
  request: AccessRequest | null;
}

export interface JoinableOrganizationList {
  organizations: JoinableOrganization[];
}

/**
 * POST /v1/orgs/{org_id}/join -> 200 Organization: joining by a captured domain.
 * POST /v1/orgs/{org_id}/access-requests -> 201 AccessRequest (one pending per user
 * and organization: 409 `request_pending`). Either needs the user's verified address at a
 * domain of that organization with that enrolment (404 `not_found` otherwise,
 * as for an organization that does not exist).
 * GET /v1/access-requests -> 200 AccessRequestList: the user's own, with decisions.
 */
export interface AccessRequestCreate {
  message?: string;
}

/**
 * GET /v1/orgs/{org_id}/access-requests (`requests:manage`) -> AccessRequestList (pending first).
 * POST /v1/orgs/{org_id}/access-requests/{id}/approve -> 200 AccessRequest (`role`, default `member`);
 * POST /v1/orgs/{org_id}/access-requests/{id}/deny -> 200 AccessRequest (`reason` required).
 * A decided request is 409 `already_decided`.
 */
export interface AccessRequestDecision {
  role?: string;
  reason?: string;
}

/** A domain of an organization (GET /v1/orgs/{org_id}/domains, `domains:manage`). */
export interface OrgDomain {
  domain: string;
  /** `dns`: proven by the TXT record; `admin`: set through the admin API; null: not verified. */
  verification: 'dns' | 'admin' | null;
  verified_at: string | null;
  /** The TXT record to publish: name and value. */
  txt_record: { name: string; value: string };
  /** `manual`: nothing; `request`: verified addresses may ask to join; `automatic`: they join at once (DNS-verified only). */
  enrollment: 'manual' | 'request' | 'automatic';
  sso_required: boolean;
  created_at: string;
}

export interface OrgDomainList {
  domains: OrgDomain[];
}

/**
 * POST /v1/orgs/{org_id}/domains -> 201 OrgDomain; 400 `public_email_domain` for
 * a public mail domain (gmail.com…); 409 `domain_taken`.
 * POST /v1/orgs/{org_id}/domains/{domain}/verify -> 200 OrgDomain, or 409
 * `domain_unverified` when the TXT record is not there yet.
 * PATCH /v1/orgs/{org_id}/domains/{domain} -> 200 OrgDomain; `automatic` enrolment
 * for a domain not verified by DNS is 409 `domain_unverified`.
 * DELETE /v1/orgs/{org_id}/domains/{domain} -> 204.
 */
export interface OrgDomainRequest {
  domain: string;
}

export interface OrgDomainUpdate {
  enrollment?: 'manual' | 'request' | 'automatic';
}

/** One security requirement of an organization's policy. */
export type OrgPolicyRequirement = {
  requirement: 'mfa' | 'passkey' | 'sso';
  /** Until then, a member who does not meet it is let in and warned; null: enforced now. */
  grace_until: string | null;
};

/** An organization's security policies (GET/PUT /v1/orgs/{org_id}/policies; PUT needs `policies:manage`). */
export interface OrgPolicies {
  require_mfa: boolean;
  require_passkey: boolean;
  /** Every member signs in through one of the organization's connections (needs an enabled one: 409 `no_connection`). */
  require_sso: boolean;
  /** Days a newly required policy lets members in who do not meet it yet (0 to 90). */
  grace_days: number;
  /** When the current grace period ends, or null. */
  grace_until: string | null;
}

export type OrgPoliciesUpdate = Pick<OrgPolicies, 'require_mfa' | 'require_passkey' | 'require_sso' | 'grace_days'>;

/** Whether this session meets an organization's policies. */
export interface OrgPolicyStatus {
  /** The requirements this session does not meet (in grace or not). */
  unmet: OrgPolicyRequirement[];
}

/**
 * POST /v1/session/org -> 200 OrgSwitch: checks that the user is a member of
 * `org_id` (404 `not_found` otherwise, a left organization included) and that this
 * session meets its policies, and mints a token for it at once. `org_id: null`
 * chooses the personal account (403 `forbidden` where the host allows none).
 * The choice is the tab's, not the session's: the broker stores nothing, and the
 * client keeps it per tab and asks `POST /v1/session/token?org=<id>`.
 *
 * 403 `org_policy_unmet` with `requirement`:
 * - `mfa`: prove a second factor (step-up) and retry; `mfa-enroll` when the
 *   account has none: enrol one (lk-mfa), which proves it;
 * - `passkey`: prove a passkey (step-up), adding one first if there is none;
 * - `sso`: sign in again through the organization's connection (`sso_url` starts it).
 * An owner may pass `break_glass: true` to get in despite an unmet `sso` or
 * `passkey` requirement (never `mfa`); it is recorded in the audit log.
 */
export interface OrgSwitchRequest {
  org_id: string | null;
  break_glass?: boolean;
}

export interface OrgSwitch {
  organization: Organization | null;
  token: { token: string; expires_at: string };
}

/** The `org_policy_unmet` problem's own fields. */
export interface OrgPolicyUnmet {
  requirement: 'mfa' | 'mfa-enroll' | 'passkey' | 'sso';
  org_id: string;
}

/**
 * An append-only audit event (GET /v1/orgs/{org_id}/audit, `audit:read`;
 * `?type=&actor=&since=&until=&after=&limit=`; `Accept: text/csv` or
 * `/audit.csv` for the same as CSV).
 */
export interface AuditEvent {
  id: string;
  type: AuditEventType;
  org_id: string | null;
  actor: { user_id: string | null; email: string | null } | null;
  /** What the event is about (a member, an invitation, a domain…), when it is not the actor. */
  target: { type: string; id: string; label?: string } | null;
  data: Record<string, unknown>;
  ip: string | null;
  user_agent: string | null;
  created_at: string;
}

export interface AuditEventList {
  events: AuditEvent[];
  next: string | null;
}

/** The recorded event types; stable, only ever added to. */
export type AuditEventType =
  | 'sign_in.succeeded'
  | 'sign_in.failed'
  | 'factor.added'
  | 'factor.removed'
  | 'org.created'
  | 'org.updated'
  | 'org.deleted'
  | 'org.switched'
  | 'org.break_glass'
  | 'member.added'
  | 'member.role_changed'
  | 'member.removed'
  | 'role.created'
  | 'role.updated'
  | 'role.deleted'
  | 'invitation.created'
  | 'invitation.revoked'
  | 'invitation.accepted'
  | 'invite_link.created'
  | 'invite_link.revoked'
  | 'invite_link.used'
  | 'access_request.created'
  | 'access_request.approved'
  | 'access_request.denied'
  | 'domain.added'
  | 'domain.verified'
  | 'domain.updated'
  | 'domain.removed'
  | 'connection.created'
  | 'connection.updated'
  | 'connection.deleted'
  | 'policy.updated'
  // Operator user management (admin API): account events, `org_id` null.
  | 'user.suspended'
  | 'user.unsuspended'
  | 'user.deleted'
  | 'user.exported';
