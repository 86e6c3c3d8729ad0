import {
  ORG_PERMISSIONS,
  type AccessRequest,
  type AuditEvent,
  type AuditEventType,
  type Invitation,
  type InvitationPreview,
  type InviteLink,
  type InviteLinkPreview,
  type JoinableOrganization,
  type Member,
  type OrgDomain,
  type Organization,
  type OrganizationList,
  type OrgPolicies,
  type OrgPolicyRequirement,
  type OrgPolicyUnmet,
  type OrgSwitch,
  type Role,
} from '@latchkey/client';
import { randomBase64url } from './base64url.js';
import { problem } from './fake-problem.js';

/**
 * Organizations of the in-memory broker (issue 24): every route of
 * `packages/client/src/wire/orgs.ts`, `POST /v1/session/org` and the token's
 * `?org=`, with the broker's rules — membership read at each request (another
 * organization's ids are `not_found`), permissions of the built-in and custom
 * roles, the last owner, no change of one's own role, no granting what one does
 * not hold, single-use invitations accepted only by their address, invite links
 * with a use limit, access requests with a recorded reason, domains verified by
 * a fake TXT lookup (a domain whose name contains `unverified` never verifies),
 * policies checked on every switch, and an audit event for every change.
 *
 * `FakeBroker` owns one (`fake.orgs`) and hands it the routes; stories and
 * tests seed it with `fake.orgs.seed({ organizations: [...] })`.
 */

/** What the fake broker tells its organizations about accounts and this browser's session. */
export interface FakeOrgsHost {
  /** The broker's URL. */
  readonly url: string;
  /** The host page's origin (where invite links point). */
  origin(): string;
  /** Epoch ms now: stamps and expiries. */
  now(): number;
  /** The signed-in account and its session; `unauthenticated` otherwise. */
  signedIn(): FakeOrgsViewer;
  /** The same with a factor proven within the step-up window; `reauthentication_required` otherwise. */
  recentlySignedIn(): FakeOrgsViewer;
  /** An account by email or id. */
  account(emailOrId: string): FakeOrgAccount | undefined;
  /** An account, made (without a password) when there is none. */
  ensureAccount(email: string, name: string | null): FakeOrgAccount;
  /** A session token acting in `org` (null: the personal account). */
  mint(org: { id: string; role: string; permissions: string[] } | null): { token: string; expires_at: string };
  /** Mail to `to` carrying `link` (an invitation). */
  mail(to: string, subject: string, link: string): void;
}

/** An account as the organizations see it, read now. */
export interface FakeOrgAccount {
  id: string;
  email: string;
  name: string | null;
  /** An authenticator app, recovery codes or a passkey: a second factor to prove. */
  hasSecondFactor: boolean;
  hasPasskey: boolean;
}

export interface FakeOrgsViewer {
  account: FakeOrgAccount;
  sessionId: string;
  /** The methods the session proved (`pwd`, `otp`, `passkey`…). */
  factors: string[];
}

/** A member as seeded: a role, or a role with how and when they joined. */
export type FakeMemberSeed = string | { role: string; name?: string | null; source?: Member['source']; joinedAt?: string };

/** One organization as a story or test seeds it. Every email is an account (made if new). */
export interface FakeOrgSeed {
  id?: string;
  name: string;
  slug?: string;
  /** ISO 8601 (default 2026-11-24T12:00:00.000Z). */
  createdAt?: string;
  /** email -> role (built-in or a custom role's key). */
  members?: Record<string, FakeMemberSeed>;
  roles?: Array<{ key: string; name: string; permissions: string[] }>;
  /** Pending invitations; `token` is what `lk_invitation` carries (default: random). */
  invitations?: Array<{ email: string; role: string; token?: string; invitedBy?: string; createdAt?: string; expiresAt?: string; accepted?: boolean; revoked?: boolean }>;
  links?: Array<{ role: string; token?: string; uses?: number; maxUses?: number | null; expiresAt?: string | null; revoked?: boolean; createdAt?: string }>;
  /** Access requests by accounts (email); pending unless decided. */
  requests?: Array<{ email: string; message?: string | null; status?: AccessRequest['status']; reason?: string | null; createdAt?: string }>;
  /** `txtToken`: the value of its TXT record (default: random); a story fixes it so its snapshot does not change. */
  domains?: Array<{ domain: string; verification?: OrgDomain['verification']; enrollment?: OrgDomain['enrollment']; ssoRequired?: boolean; txtToken?: string }>;
  policies?: Partial<OrgPolicies>;
  /** Whether the organization has an enabled SSO connection ("require SSO" needs one). */
  connection?: boolean;
  /** Members (email) whose session came through the organization's connection: they meet "require SSO". */
  ssoMembers?: string[];
  /** Audit events from before the story (newest last). */
  events?: Array<Partial<Omit<AuditEvent, 'id'>> & { type: AuditEventType }>;
}

export interface FakeOrgsSeed {
  organizations?: FakeOrgSeed[];
  /** `orgs.allowPersonal` (default true). */
  personalAllowed?: boolean;
  /** `orgs.allowCreate` (default true). */
  createAllowed?: boolean;
  /** The host's own permissions (`orgs.permissions`). */
  permissions?: string[];
}

interface OrgRole {
  key: string;
  name: string;
  permissions: string[];
}
interface OrgMember {
  userId: string;
  role: string;
  source: Member['source'];
  joinedAt: string;
}
interface OrgInvitation {
  id: string;
  email: string;
  role: string;
  token: string;
  invitedBy: string | null;
  createdAt: string;
  expiresAt: number;
  acceptedAt: string | null;
  revokedAt: string | null;
}
interface OrgLink {
  id: string;
  role: string;
  token: string;
  uses: number;
  maxUses: number | null;
  expiresAt: number | null;
  revokedAt: string | null;
  createdAt: string;
}
interface OrgRequest {
  id: string;
  userId: string;
  message: string | null;
  status: AccessRequest['status'];
  reason: string | null;
  decidedBy: string | null;
  createdAt: string;
  decidedAt: string | null;
}
interface OrgDomainRecord {
  domain: string;
  verification: OrgDomain['verification'];
  verifiedAt: string | null;
  txtToken: string;
  enrollment: OrgDomain['enrollment'];
  ssoRequired: boolean;
  createdAt: string;
}
interface OrgRecord {
  id: string;
  name: string;
  slug: string;
  createdAt: string;
  roles: Map<string, OrgRole>;
  members: Map<string, OrgMember>;
  invitations: OrgInvitation[];
  links: OrgLink[];
  requests: OrgRequest[];
  domains: OrgDomainRecord[];
  policies: { require_mfa: boolean; require_passkey: boolean; require_sso: boolean; grace_days: number; grace_until: number | null };
  connection: boolean;
  ssoMembers: Set<string>;
}

type Answer = { status: number; body?: unknown; text?: string; headers?: Record<string, string> };
type Body = Record<string, unknown>;

const SEEDED_AT = '2026-11-24T12:00:00.000Z';
const BUILT_IN = ['owner', 'admin', 'member'] as const;
const BUILT_IN_NAMES: Record<string, string> = { owner: 'Owner', admin: 'Admin', member: 'Member' };
const INVITATION_TTL_MS = 7 * 86_400_000;
const MEMBERS_PAGE = 50;
/** Where the fake's audit events come from, as the broker records a request's address and browser. */
const FAKE_IP = '203.0.113.10';
const FAKE_USER_AGENT = 'Mozilla/5.0 (Macintosh) Chrome/131 (fake)';
/** Public mail domains, as the broker's list (a few of them). */
const PUBLIC_MAIL = new Set(['gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'live.com', 'yahoo.com', 'icloud.com', 'me.com', 'aol.com', 'proton.me', 'protonmail.com', 'gmx.de', 'gmx.net', 'web.de', 'mail.ru', 'yandex.ru', 'qq.com']);
const KEY = /^[a-z][a-z0-9_-]{0,39}$/;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

const bad = (path: string, message: string) => problem('invalid_request', { errors: [{ path, message }] });
const iso = (ms: number) => new Date(ms).toISOString();
const slugFrom = (name: string) =>
  name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');

export class FakeOrgs {
  private readonly orgs = new Map<string, OrgRecord>();
  /** Audit events, oldest first. */
  readonly events: AuditEvent[] = [];
  /** The tokens the next invite links made take, first first, before random ones (a story fixes the URL it shows once). */
  readonly nextLinkTokens: string[] = [];
  private personalAllowed = true;
  private createAllowed = true;
  private hostPermissions: string[] = [];
  /** Owners' break-glass entries, per session and organization, so the tab's next tokens are minted too. */
  private readonly brokenGlass = new Set<string>();
  private seq = 0;

  constructor(private readonly host: FakeOrgsHost) {}

  // ---- Seeding and reading, for stories and tests ----

  /**
   * Adds organizations (their members, roles, invitations, links, requests,
   * domains, policies and past events) and sets the host's switches. Answers
   * the new organizations' ids, in order.
   *
   * @example
   * fake.orgs.seed({ organizations: [{ name: 'Acme', members: { 'ada@example.com': 'owner' } }] });
   */
  seed(seed: FakeOrgsSeed): string[] {
    if (seed.personalAllowed !== undefined) this.personalAllowed = seed.personalAllowed;
    if (seed.createAllowed !== undefined) this.createAllowed = seed.createAllowed;
    if (seed.permissions) this.hostPermissions = [...seed.permissions];
    return (seed.organizations ?? []).map((o) => this.seedOrg(o));
  }

  private seedOrg(seed: FakeOrgSeed): string {
    const id = seed.id ?? `org_${++this.seq}`;
    const createdAt = seed.createdAt ?? SEEDED_AT;
    const org: OrgRecord = {
      id,
      name: seed.name,
      slug: seed.slug ?? slugFrom(seed.name),
      createdAt,
      roles: new Map((seed.roles ?? []).map((r) => [r.key, { ...r, permissions: [...r.permissions] }])),
      members: new Map(),
      invitations: [],
      links: [],
      requests: [],
      domains: [],
      policies: { require_mfa: false, require_passkey: false, require_sso: false, grace_days: 0, grace_until: null },
      connection: seed.connection ?? false,
      ssoMembers: new Set(),
    };
    const { grace_until, ...policies } = seed.policies ?? {};
    org.policies = { ...org.policies, ...policies, grace_until: grace_until ? Date.parse(grace_until) : null };
    for (const [email, m] of Object.entries(seed.members ?? {})) {
      const member = typeof m === 'string' ? { role: m } : m;
      const account = this.host.ensureAccount(email, member.name ?? null);
      org.members.set(account.id, { userId: account.id, role: member.role, source: member.source ?? (member.role === 'owner' && org.members.size === 0 ? 'created' : 'invitation'), joinedAt: member.joinedAt ?? createdAt });
    }
    for (const email of seed.ssoMembers ?? []) org.ssoMembers.add(this.host.ensureAccount(email, null).id);
    for (const i of seed.invitations ?? []) {
      const inviter = i.invitedBy ? this.host.account(i.invitedBy)?.id ?? null : null;
      const created = i.createdAt ?? createdAt;
      org.invitations.push({
        id: `inv_${++this.seq}`,
        email: i.email.toLowerCase(),
        role: i.role,
        token: i.token ?? `it_${randomBase64url(24)}`,
        invitedBy: inviter,
        createdAt: created,
        expiresAt: i.expiresAt ? Date.parse(i.expiresAt) : this.host.now() + INVITATION_TTL_MS,
        acceptedAt: i.accepted ? created : null,
        revokedAt: i.revoked ? created : null,
      });
    }
    for (const l of seed.links ?? []) {
      org.links.push({
        id: `lnk_${++this.seq}`,
        role: l.role,
        token: l.token ?? `il_${randomBase64url(24)}`,
        uses: l.uses ?? 0,
        maxUses: l.maxUses ?? null,
        expiresAt: l.expiresAt ? Date.parse(l.expiresAt) : null,
        revokedAt: l.revoked ? (l.createdAt ?? createdAt) : null,
        createdAt: l.createdAt ?? createdAt,
      });
    }
    for (const r of seed.requests ?? []) {
      const account = this.host.ensureAccount(r.email, null);
      const decided = r.status && r.status !== 'pending';
      org.requests.push({
        id: `req_${++this.seq}`,
        userId: account.id,
        message: r.message ?? null,
        status: r.status ?? 'pending',
        reason: r.reason ?? null,
        decidedBy: null,
        createdAt: r.createdAt ?? createdAt,
        decidedAt: decided ? (r.createdAt ?? createdAt) : null,
      });
    }
    for (const d of seed.domains ?? []) {
      const verification = d.verification === undefined ? 'dns' : d.verification;
      org.domains.push({ domain: d.domain, verification, verifiedAt: verification ? createdAt : null, txtToken: d.txtToken ?? randomBase64url(16), enrollment: d.enrollment ?? 'manual', ssoRequired: d.ssoRequired ?? false, createdAt });
    }
    for (const e of seed.events ?? []) {
      this.events.push({ id: `evt_${++this.seq}`, org_id: id, actor: null, target: null, data: {}, ip: null, user_agent: null, created_at: createdAt, ...e });
    }
    this.orgs.set(id, org);
    return id;
  }

  /** An organization's id by its name (for tests and stories). */
  idOf(name: string): string {
    const org = [...this.orgs.values()].find((o) => o.name === name);
    if (!org) throw new Error(`fake orgs: no organization ${name}`);
    return org.id;
  }

  /** The token of the newest invitation to `email` (what the mailed link's `lk_invitation` carries). */
  invitationToken(email: string): string {
    const all = [...this.orgs.values()].flatMap((o) => o.invitations).filter((i) => i.email === email.toLowerCase());
    const token = all.at(-1)?.token;
    if (!token) throw new Error(`fake orgs: no invitation to ${email}`);
    return token;
  }

  /**
   * The first organization (by name) requiring MFA that `email` is a member of, or undefined:
   * as the broker's engine, any membership counts at sign-in (`orgMfaRequired`).
   */
  requiringMfa(email: string): string | undefined {
    const account = this.host.account(email);
    if (!account) return undefined;
    const orgs = [...this.orgs.values()].filter((o) => o.policies.require_mfa && o.members.has(account.id));
    return orgs.sort((a, b) => a.name.localeCompare(b.name))[0]?.name;
  }

  /** A member's role now, or undefined. */
  roleOf(orgId: string, email: string): string | undefined {
    const account = this.host.account(email);
    return account && this.orgs.get(orgId)?.members.get(account.id)?.role;
  }

  /** Marks `email` as signed in through the organization's connection (meets "require SSO"). */
  signedInThroughSso(orgId: string, email: string): void {
    this.orgs.get(orgId)!.ssoMembers.add(this.host.ensureAccount(email, null).id);
  }

  // ---- Permissions, as packages/broker/src/modules/orgs/permissions.ts ----

  private allPermissions(): string[] {
    return [...ORG_PERMISSIONS, ...this.hostPermissions];
  }

  private permissionsOf(org: OrgRecord, role: string): string[] {
    const all = this.allPermissions();
    if (role === 'owner') return all;
    if (role === 'admin') return all.filter((p) => p !== 'org:delete');
    if (role === 'member') return ['org:read', 'members:read'];
    const custom = org.roles.get(role);
    return custom ? all.filter((p) => custom.permissions.includes(p)) : [];
  }

  private roleExists(org: OrgRecord, role: unknown): role is string {
    return typeof role === 'string' && ((BUILT_IN as readonly string[]).includes(role) || org.roles.has(role));
  }

  /**
   * The signed-in member of `orgId` holding `permission` (none: any member), read
   * now. Not a member, or no such organization: `not_found`. `recent`: a step-up
   * first, before anything is read, as the broker's sensitive routes.
   */
  private access(orgId: string, permission?: string, recent = false) {
    const viewer = recent ? this.host.recentlySignedIn() : this.host.signedIn();
    const org = this.orgs.get(orgId);
    const member = org?.members.get(viewer.account.id);
    if (!org || !member) throw problem('not_found');
    const permissions = this.permissionsOf(org, member.role);
    if (permission !== undefined && !permissions.includes(permission)) throw problem('forbidden', { detail: `needs the permission ${permission}` });
    return { viewer, org, member, permissions };
  }

  /**
   * Whether the caller (`role`, `held`) may hand out `role`: only an owner grants
   * `owner`, and nobody grants a role holding a permission they lack.
   */
  private mayGrant(org: OrgRecord, callerRole: string, held: string[], role: string): boolean {
    if (role === 'owner' && callerRole !== 'owner') return false;
    return this.permissionsOf(org, role).every((p) => held.includes(p));
  }

  private owners(org: OrgRecord): number {
    return [...org.members.values()].filter((m) => m.role === 'owner').length;
  }

  // ---- Policies ----

  /** The organization's requirements that `viewer`'s session does not meet, each with its grace deadline. */
  private unmet(org: OrgRecord, viewer: FakeOrgsViewer): OrgPolicyRequirement[] {
    const graceUntil = org.policies.grace_until !== null && org.policies.grace_until > this.host.now() ? iso(org.policies.grace_until) : null;
    const unmet: OrgPolicyRequirement[] = [];
    const second = viewer.factors.some((f) => ['otp', 'recovery_code', 'passkey'].includes(f));
    if (org.policies.require_mfa && !second) unmet.push({ requirement: 'mfa', grace_until: graceUntil });
    if (org.policies.require_passkey && !viewer.factors.includes('passkey')) unmet.push({ requirement: 'passkey', grace_until: graceUntil });
    if (org.policies.require_sso && !org.ssoMembers.has(viewer.account.id)) unmet.push({ requirement: 'sso', grace_until: graceUntil });
    return unmet;
  }

  /** What an account (not a session) does not meet: the members page's `out_of_policy`. */
  private accountUnmet(org: OrgRecord, account: FakeOrgAccount): OrgPolicyRequirement[] {
    const graceUntil = org.policies.grace_until !== null && org.policies.grace_until > this.host.now() ? iso(org.policies.grace_until) : null;
    const unmet: OrgPolicyRequirement[] = [];
    if (org.policies.require_mfa && !account.hasSecondFactor) unmet.push({ requirement: 'mfa', grace_until: graceUntil });
    if (org.policies.require_passkey && !account.hasPasskey) unmet.push({ requirement: 'passkey', grace_until: graceUntil });
    if (org.policies.require_sso && !org.ssoMembers.has(account.id)) unmet.push({ requirement: 'sso', grace_until: graceUntil });
    return unmet;
  }

  /**
   * Lets `viewer` act in `org` or refuses with `org_policy_unmet` (the first
   * requirement enforced now, outside its grace). An owner's break-glass passes
   * `sso` and `passkey`, never `mfa`.
   */
  private checkPolicy(org: OrgRecord, viewer: FakeOrgsViewer, member: OrgMember, breakGlass: boolean): void {
    const enforced = this.unmet(org, viewer).filter((r) => r.grace_until === null);
    const glass = `${viewer.sessionId} ${org.id}`;
    const first = enforced.find((r) => r.requirement === 'mfa') ?? enforced[0];
    if (!first) return;
    if (first.requirement !== 'mfa' && (this.brokenGlass.has(glass) || (breakGlass && member.role === 'owner'))) {
      if (!this.brokenGlass.has(glass)) {
        this.brokenGlass.add(glass);
        this.record(org.id, 'org.break_glass', viewer.account, null, { requirements: enforced.map((r) => r.requirement) });
      }
      return;
    }
    const requirement: OrgPolicyUnmet['requirement'] = first.requirement === 'mfa' && !viewer.account.hasSecondFactor ? 'mfa-enroll' : first.requirement;
    throw problem('org_policy_unmet', { requirement, org_id: org.id, detail: `this organization requires ${requirement}` });
  }

  // ---- Audit ----

  private record(orgId: string | null, type: AuditEventType, actor: FakeOrgAccount | null, target: AuditEvent['target'], data: Record<string, unknown> = {}) {
    this.events.push({
      id: `evt_${++this.seq}`,
      type,
      org_id: orgId,
      actor: actor ? { user_id: actor.id, email: actor.email } : null,
      target,
      data,
      ip: FAKE_IP,
      user_agent: FAKE_USER_AGENT,
      created_at: iso(this.host.now()),
    });
  }

  private userTarget(userId: string): AuditEvent['target'] {
    const account = this.host.account(userId);
    return { type: 'user', id: userId, ...(account ? { label: account.email } : {}) };
  }

  // ---- Views ----

  private organizationView(org: OrgRecord, viewer: FakeOrgsViewer): Organization {
    const member = org.members.get(viewer.account.id)!;
    return { id: org.id, name: org.name, slug: org.slug, role: member.role, permissions: this.permissionsOf(org, member.role), policy: { unmet: this.unmet(org, viewer) }, created_at: org.createdAt };
  }

  private memberView(org: OrgRecord, m: OrgMember, seesPolicy: boolean): Member {
    const account = this.host.account(m.userId)!;
    return { user_id: m.userId, email: account.email, name: account.name, role: m.role, joined_at: m.joinedAt, source: m.source, out_of_policy: seesPolicy ? this.accountUnmet(org, account) : [] };
  }

  private roleView(org: OrgRecord, key: string): Role {
    const custom = org.roles.get(key);
    const members = [...org.members.values()].filter((m) => m.role === key).length;
    return { key, name: custom?.name ?? BUILT_IN_NAMES[key]!, permissions: this.permissionsOf(org, key), built_in: !custom, members };
  }

  private invitationView(i: OrgInvitation): Invitation {
    return { id: i.id, email: i.email, role: i.role, invited_by: i.invitedBy, created_at: i.createdAt, expires_at: iso(i.expiresAt) };
  }

  private linkView(l: OrgLink, withUrl = false): InviteLink {
    return {
      id: l.id,
      role: l.role,
      ...(withUrl ? { url: this.joinUrl('lk_invite', l.token) } : {}),
      uses: l.uses,
      max_uses: l.maxUses,
      expires_at: l.expiresAt === null ? null : iso(l.expiresAt),
      revoked_at: l.revokedAt,
      created_at: l.createdAt,
    };
  }

  private requestView(org: OrgRecord, r: OrgRequest): AccessRequest {
    const account = this.host.account(r.userId)!;
    return {
      id: r.id,
      organization: { id: org.id, name: org.name },
      user: { id: account.id, email: account.email, name: account.name },
      message: r.message,
      status: r.status,
      reason: r.reason,
      decided_by: r.decidedBy,
      created_at: r.createdAt,
      decided_at: r.decidedAt,
    };
  }

  private domainView(d: OrgDomainRecord): OrgDomain {
    return {
      domain: d.domain,
      verification: d.verification,
      verified_at: d.verifiedAt,
      txt_record: { name: `_latchkey-verification.${d.domain}`, value: `latchkey-verification=${d.txtToken}` },
      enrollment: d.enrollment,
      sso_required: d.ssoRequired,
      created_at: d.createdAt,
    };
  }

  private policiesView(org: OrgRecord): OrgPolicies {
    const p = org.policies;
    return { require_mfa: p.require_mfa, require_passkey: p.require_passkey, require_sso: p.require_sso, grace_days: p.grace_days, grace_until: p.grace_until === null ? null : iso(p.grace_until) };
  }

  private joinUrl(param: 'lk_invite' | 'lk_invitation', token: string): string {
    return `${this.host.origin()}/sign-up?${param}=${encodeURIComponent(token)}`;
  }

  // ---- Joining ----

  private addMember(org: OrgRecord, account: FakeOrgAccount, role: string, source: Member['source'], actor: FakeOrgAccount | null) {
    org.members.set(account.id, { userId: account.id, role, source, joinedAt: iso(this.host.now()) });
    this.record(org.id, 'member.added', actor ?? account, this.userTarget(account.id), { role, source });
  }

  private openInvitation(token: unknown): { org: OrgRecord; invitation: OrgInvitation } {
    for (const org of this.orgs.values()) {
      const invitation = org.invitations.find((i) => i.token === token);
      if (invitation && !invitation.acceptedAt && !invitation.revokedAt && invitation.expiresAt > this.host.now()) return { org, invitation };
    }
    throw problem('invitation_invalid');
  }

  private openLink(token: unknown): { org: OrgRecord; link: OrgLink } {
    for (const org of this.orgs.values()) {
      const link = org.links.find((l) => l.token === token);
      const open = link && !link.revokedAt && (link.expiresAt === null || link.expiresAt > this.host.now()) && (link.maxUses === null || link.uses < link.maxUses);
      if (link && open) return { org, link };
    }
    throw problem('invitation_invalid');
  }

  /** The organization's domain of `email` with verification and enrolment, if any. */
  private domainFor(org: OrgRecord, email: string): OrgDomainRecord | undefined {
    const domain = email.split('@').pop()!;
    return org.domains.find((d) => d.domain === domain && d.verification !== null && d.enrollment !== 'manual');
  }

  // ---- Routes ----

  /** Whether `path` is one of the organizations' routes. */
  handles(path: string): boolean {
    return path === '/v1/orgs' || path.startsWith('/v1/orgs/') || path.startsWith('/v1/invitations') || path.startsWith('/v1/invite-links') || path === '/v1/access-requests' || path === '/v1/session/org';
  }

  /** `POST /v1/session/token?org=`: the tab's organization (an id, or `personal`). */
  token(orgParam: string): { status: number; body: unknown } {
    const viewer = this.host.signedIn();
    if (orgParam === 'personal') {
      if (!this.personalAllowed) throw problem('forbidden', { detail: 'this host allows no personal account' });
      return { status: 200, body: this.host.mint(null) };
    }
    const org = this.orgs.get(orgParam);
    const member = org?.members.get(viewer.account.id);
    if (!org || !member) throw problem('not_found');
    this.checkPolicy(org, viewer, member, false);
    return { status: 200, body: this.host.mint({ id: org.id, role: member.role, permissions: this.permissionsOf(org, member.role) }) };
  }

  answer(method: string, path: string, body: Body, query: URLSearchParams, accept: string | null): Answer {
    const route = `${method} ${path}`;
    switch (route) {
      case 'GET /v1/orgs':
        return { status: 200, body: this.list() };
      case 'POST /v1/orgs':
        return { status: 201, body: this.create(body) };
      case 'GET /v1/orgs/joinable':
        return { status: 200, body: { organizations: this.joinable() } };
      case 'POST /v1/session/org':
        return { status: 200, body: this.switchTo(body) };
      case 'GET /v1/access-requests': {
        const viewer = this.host.signedIn();
        const mine = [...this.orgs.values()].flatMap((org) => org.requests.filter((r) => r.userId === viewer.account.id).map((r) => this.requestView(org, r)));
        return { status: 200, body: { requests: mine.sort((a, b) => b.created_at.localeCompare(a.created_at)) } };
      }
      case 'POST /v1/invitations/accept':
        return { status: 200, body: this.acceptInvitation(body) };
      case 'POST /v1/invite-links/join':
        return { status: 200, body: this.joinWithLink(body) };
    }
    let m: RegExpExecArray | null;
    if (method === 'GET' && (m = /^\/v1\/invitations\/([^/]+)$/.exec(path))) {
      const { org, invitation } = this.openInvitation(decodeURIComponent(m[1]!));
      return { status: 200, body: { organization: { id: org.id, name: org.name }, email: invitation.email, role: invitation.role, expires_at: iso(invitation.expiresAt) } satisfies InvitationPreview };
    }
    if (method === 'GET' && (m = /^\/v1\/invite-links\/([^/]+)$/.exec(path))) {
      const { org, link } = this.openLink(decodeURIComponent(m[1]!));
      return { status: 200, body: { organization: { id: org.id, name: org.name }, role: link.role } satisfies InviteLinkPreview };
    }
    if ((m = /^\/v1\/orgs\/([^/]+)(\/.*)?$/.exec(path))) return this.answerOrg(method, decodeURIComponent(m[1]!), m[2] ?? '', body, query, accept);
    throw problem('not_found');
  }

  private list(): OrganizationList {
    const viewer = this.host.signedIn();
    const mine = [...this.orgs.values()].filter((o) => o.members.has(viewer.account.id)).sort((a, b) => a.name.localeCompare(b.name));
    return { organizations: mine.map((o) => this.organizationView(o, viewer)), personal_allowed: this.personalAllowed, create_allowed: this.createAllowed };
  }

  private create(body: Body): Organization {
    const viewer = this.host.signedIn();
    if (!this.createAllowed) throw problem('forbidden', { detail: 'this host does not let users create organizations' });
    const name = typeof body.name === 'string' ? body.name.trim() : '';
    if (!name || name.length > 100) throw bad('name', 'Enter a name of 1 to 100 characters');
    const taken = (candidate: string) => [...this.orgs.values()].some((o) => o.slug === candidate);
    // As the broker: a slug derived from the name gets a suffix when taken; only a slug the user gave is slug_taken.
    let slug = body.slug === undefined ? slugFrom(name) : body.slug;
    if (body.slug === undefined && typeof slug === 'string' && taken(slug)) slug = `${slug.slice(0, 33)}-${(++this.seq).toString(36).padStart(6, '0')}`;
    if (typeof slug !== 'string' || !SLUG.test(slug) || slug.length > 40) throw bad('slug', 'Lower-case letters, digits and inner hyphens');
    if (taken(slug)) throw problem('slug_taken', { detail: `another organization has the slug ${slug}` });
    const now = iso(this.host.now());
    const org: OrgRecord = {
      id: `org_${++this.seq}`,
      name,
      slug,
      createdAt: now,
      roles: new Map(),
      members: new Map([[viewer.account.id, { userId: viewer.account.id, role: 'owner', source: 'created', joinedAt: now }]]),
      invitations: [],
      links: [],
      requests: [],
      domains: [],
      policies: { require_mfa: false, require_passkey: false, require_sso: false, grace_days: 0, grace_until: null },
      connection: false,
      ssoMembers: new Set(),
    };
    this.orgs.set(org.id, org);
    this.record(org.id, 'org.created', viewer.account, { type: 'organization', id: org.id, label: name });
    return this.organizationView(org, viewer);
  }

  private joinable(): JoinableOrganization[] {
    const viewer = this.host.signedIn();
    const out: JoinableOrganization[] = [];
    for (const org of this.orgs.values()) {
      if (org.members.has(viewer.account.id)) continue;
      const domain = this.domainFor(org, viewer.account.email);
      if (!domain || (domain.enrollment === 'automatic' && domain.verification !== 'dns')) continue;
      const request = [...org.requests].reverse().find((r) => r.userId === viewer.account.id && r.status !== 'approved');
      out.push({ id: org.id, name: org.name, domain: domain.domain, enrollment: domain.enrollment === 'automatic' ? 'automatic' : 'request', request: request ? this.requestView(org, request) : null });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  private switchTo(body: Body): OrgSwitch {
    const viewer = this.host.signedIn();
    if (body.org_id === null) {
      if (!this.personalAllowed) throw problem('forbidden', { detail: 'this host allows no personal account' });
      return { organization: null, token: this.host.mint(null) };
    }
    if (typeof body.org_id !== 'string') throw bad('org_id', 'An organization id, or null');
    if (body.break_glass !== undefined && typeof body.break_glass !== 'boolean') throw bad('break_glass', 'true or false');
    const org = this.orgs.get(body.org_id);
    const member = org?.members.get(viewer.account.id);
    if (!org || !member) throw problem('not_found');
    this.checkPolicy(org, viewer, member, body.break_glass === true);
    this.record(org.id, 'org.switched', viewer.account, null);
    const permissions = this.permissionsOf(org, member.role);
    return { organization: this.organizationView(org, viewer), token: this.host.mint({ id: org.id, role: member.role, permissions }) };
  }

  private acceptInvitation(body: Body): Organization {
    const viewer = this.host.signedIn();
    const { org, invitation } = this.openInvitation(body.token);
    // Only the invited address; the invitation stays usable for it.
    if (invitation.email !== viewer.account.email.toLowerCase()) throw problem('invitation_not_for_you');
    invitation.acceptedAt = iso(this.host.now());
    if (!org.members.has(viewer.account.id)) this.addMember(org, viewer.account, invitation.role, 'invitation', viewer.account);
    this.record(org.id, 'invitation.accepted', viewer.account, { type: 'invitation', id: invitation.id, label: invitation.email }, { role: invitation.role });
    return this.organizationView(org, viewer);
  }

  private joinWithLink(body: Body): Organization {
    const viewer = this.host.signedIn();
    const { org, link } = this.openLink(body.token);
    // A member already keeps their role, and uses nothing of the link.
    if (!org.members.has(viewer.account.id)) {
      link.uses++;
      this.addMember(org, viewer.account, link.role, 'link', viewer.account);
      this.record(org.id, 'invite_link.used', viewer.account, { type: 'invite_link', id: link.id }, { uses: link.uses });
    }
    return this.organizationView(org, viewer);
  }

  /** The routes under `/v1/orgs/{org_id}`. */
  private answerOrg(method: string, orgId: string, rest: string, body: Body, query: URLSearchParams, accept: string | null): Answer {
    let m: RegExpExecArray | null;
    switch (`${method} ${rest}`) {
      case 'PATCH ':
        return { status: 200, body: this.rename(orgId, body) };
      case 'DELETE ': {
        const { viewer, org } = this.access(orgId, 'org:delete');
        this.orgs.delete(org.id);
        this.record(org.id, 'org.deleted', viewer.account, { type: 'organization', id: org.id, label: org.name });
        return { status: 204 };
      }
      case 'GET /members':
        return { status: 200, body: this.members(orgId, query) };
      case 'GET /roles': {
        const { org } = this.access(orgId, 'members:read');
        const roles = [...BUILT_IN, ...org.roles.keys()].map((key) => this.roleView(org, key));
        return { status: 200, body: { roles, permissions: this.allPermissions() } };
      }
      case 'POST /roles':
        return { status: 201, body: this.createRole(orgId, body) };
      case 'GET /invitations': {
        const { org } = this.access(orgId, 'invitations:manage');
        const pending = org.invitations.filter((i) => !i.acceptedAt && !i.revokedAt && i.expiresAt > this.host.now());
        return { status: 200, body: { invitations: pending.map((i) => this.invitationView(i)) } };
      }
      case 'POST /invitations':
        return { status: 201, body: this.invite(orgId, body) };
      case 'GET /invite-links': {
        const { org } = this.access(orgId, 'invitations:manage');
        return { status: 200, body: { links: org.links.map((l) => this.linkView(l)) } };
      }
      case 'POST /invite-links':
        return { status: 201, body: this.createLink(orgId, body) };
      case 'POST /join':
        return { status: 200, body: this.joinByDomain(orgId) };
      case 'POST /access-requests':
        return { status: 201, body: this.requestAccess(orgId, body) };
      case 'GET /access-requests': {
        const { org } = this.access(orgId, 'requests:manage');
        const order = (r: OrgRequest) => (r.status === 'pending' ? 0 : 1);
        const sorted = [...org.requests].sort((a, b) => order(a) - order(b) || b.createdAt.localeCompare(a.createdAt));
        return { status: 200, body: { requests: sorted.map((r) => this.requestView(org, r)) } };
      }
      case 'GET /domains': {
        const { org } = this.access(orgId, 'domains:manage');
        return { status: 200, body: { domains: org.domains.map((d) => this.domainView(d)) } };
      }
      case 'POST /domains':
        return { status: 201, body: this.addDomain(orgId, body) };
      case 'GET /policies': {
        // Any member reads them (PUT needs policies:manage).
        const { org } = this.access(orgId);
        return { status: 200, body: this.policiesView(org) };
      }
      case 'PUT /policies':
        return { status: 200, body: this.updatePolicies(orgId, body) };
      case 'GET /audit':
        return this.audit(orgId, query, accept?.includes('text/csv') ?? false);
      case 'GET /audit.csv':
        return this.audit(orgId, query, true);
    }
    if ((m = /^\/members\/([^/]+)$/.exec(rest))) {
      const userId = decodeURIComponent(m[1]!);
      if (method === 'PATCH') return { status: 200, body: this.changeRole(orgId, userId, body) };
      if (method === 'DELETE') return this.removeMember(orgId, userId);
    }
    if ((m = /^\/roles\/([^/]+)$/.exec(rest))) {
      const key = decodeURIComponent(m[1]!);
      if (method === 'PATCH') return { status: 200, body: this.updateRole(orgId, key, body) };
      if (method === 'DELETE') return this.deleteRole(orgId, key);
    }
    if ((m = /^\/invitations\/([^/]+)$/.exec(rest)) && method === 'DELETE') {
      const { viewer, org } = this.access(orgId, 'invitations:manage');
      const invitation = org.invitations.find((i) => i.id === decodeURIComponent(m![1]!) && !i.acceptedAt && !i.revokedAt);
      if (!invitation) throw problem('not_found');
      invitation.revokedAt = iso(this.host.now());
      this.record(org.id, 'invitation.revoked', viewer.account, { type: 'invitation', id: invitation.id, label: invitation.email });
      return { status: 204 };
    }
    if ((m = /^\/invite-links\/([^/]+)$/.exec(rest)) && method === 'DELETE') {
      const { viewer, org } = this.access(orgId, 'invitations:manage');
      const link = org.links.find((l) => l.id === decodeURIComponent(m![1]!));
      if (!link) throw problem('not_found');
      if (!link.revokedAt) {
        link.revokedAt = iso(this.host.now());
        this.record(org.id, 'invite_link.revoked', viewer.account, { type: 'invite_link', id: link.id });
      }
      return { status: 204 };
    }
    if ((m = /^\/access-requests\/([^/]+)\/(approve|deny)$/.exec(rest)) && method === 'POST') {
      return { status: 200, body: this.decide(orgId, decodeURIComponent(m[1]!), m[2] as 'approve' | 'deny', body) };
    }
    if ((m = /^\/domains\/([^/]+)\/verify$/.exec(rest)) && method === 'POST') return { status: 200, body: this.verifyDomain(orgId, decodeURIComponent(m[1]!)) };
    if ((m = /^\/domains\/([^/]+)$/.exec(rest))) {
      const name = decodeURIComponent(m[1]!).toLowerCase();
      if (method === 'PATCH') return { status: 200, body: this.updateDomain(orgId, name, body) };
      if (method === 'DELETE') {
        const { viewer, org } = this.access(orgId, 'domains:manage', true);
        const domain = org.domains.find((d) => d.domain === name);
        if (!domain) throw problem('not_found');
        org.domains.splice(org.domains.indexOf(domain), 1);
        this.record(org.id, 'domain.removed', viewer.account, { type: 'domain', id: name, label: name });
        return { status: 204 };
      }
    }
    throw problem('not_found');
  }

  private rename(orgId: string, body: Body): Organization {
    const { viewer, org } = this.access(orgId, 'org:update');
    if (body.name === undefined && body.slug === undefined) throw bad('name', 'name or slug: nothing to change');
    const name = body.name === undefined ? org.name : typeof body.name === 'string' ? body.name.trim() : '';
    if (!name || name.length > 100) throw bad('name', 'Enter a name of 1 to 100 characters');
    const slug = body.slug === undefined ? org.slug : body.slug;
    if (typeof slug !== 'string' || !SLUG.test(slug) || slug.length > 40) throw bad('slug', 'Lower-case letters, digits and inner hyphens');
    if ([...this.orgs.values()].some((o) => o !== org && o.slug === slug)) throw problem('slug_taken');
    const from = { name: org.name, slug: org.slug };
    org.name = name;
    org.slug = slug;
    this.record(org.id, 'org.updated', viewer.account, { type: 'organization', id: org.id, label: name }, { from, to: { name, slug } });
    return this.organizationView(org, viewer);
  }

  private members(orgId: string, query: URLSearchParams) {
    const { org, member } = this.access(orgId, 'members:read');
    const all = [...org.members.values()];
    const after = query.get('after');
    const start = after ? all.findIndex((x) => x.userId === after) + 1 : 0;
    const page = all.slice(start, start + MEMBERS_PAGE);
    const seesPolicy = member.role === 'owner' || member.role === 'admin';
    const next = start + MEMBERS_PAGE < all.length ? page.at(-1)!.userId : null;
    return { members: page.map((x) => this.memberView(org, x, seesPolicy)), next };
  }

  private changeRole(orgId: string, userId: string, body: Body): Member {
    // Granting or taking away `owner` is a change of the organization's security: a step-up first.
    const ownerChange = body.role === 'owner' || this.orgs.get(orgId)?.members.get(userId)?.role === 'owner';
    const { viewer, org, member: caller, permissions } = this.access(orgId, 'members:manage', ownerChange);
    const target = org.members.get(userId);
    if (!target) throw problem('not_found');
    if (!this.roleExists(org, body.role)) throw bad('role', 'No such role in this organization');
    const role = body.role;
    if (userId === viewer.account.id) throw problem('forbidden', { detail: 'nobody changes their own role' });
    if ((target.role === 'owner' || role === 'owner') && caller.role !== 'owner') throw problem('forbidden', { detail: 'only an owner grants or takes away owner' });
    if (!this.mayGrant(org, caller.role, permissions, role)) throw problem('forbidden', { detail: 'the role holds a permission you do not hold' });
    if (target.role === 'owner' && role !== 'owner' && this.owners(org) === 1) throw problem('last_owner');
    const from = target.role;
    target.role = role;
    if (from !== role) this.record(org.id, 'member.role_changed', viewer.account, this.userTarget(userId), { from, to: role });
    return this.memberView(org, target, caller.role === 'owner' || caller.role === 'admin');
  }

  private removeMember(orgId: string, userId: string): Answer {
    const viewer = this.host.signedIn();
    const leaving = userId === viewer.account.id;
    // Removing an owner changes who owns the organization: a step-up first.
    const owner = !leaving && this.orgs.get(orgId)?.members.get(userId)?.role === 'owner';
    const { org, member: caller } = this.access(orgId, leaving ? undefined : 'members:manage', owner);
    const target = org.members.get(userId);
    if (!target) throw problem('not_found');
    if (target.role === 'owner' && !leaving && caller.role !== 'owner') throw problem('forbidden', { detail: 'only an owner removes an owner' });
    if (target.role === 'owner' && this.owners(org) === 1) throw problem('last_owner');
    org.members.delete(userId);
    this.record(org.id, 'member.removed', viewer.account, this.userTarget(userId), { role: target.role, ...(leaving ? { left: true } : {}) });
    return { status: 204 };
  }

  private checkRoleBody(org: OrgRecord, body: Body, held: string[]): { name: string; permissions: string[] } {
    const name = typeof body.name === 'string' ? body.name.trim() : '';
    if (!name || name.length > 100) throw bad('name', 'Enter a name of 1 to 100 characters');
    const list = body.permissions;
    const all = this.allPermissions();
    if (!Array.isArray(list) || !list.every((p) => typeof p === 'string' && all.includes(p))) throw bad('permissions', 'Known permissions only');
    const permissions = [...new Set(list as string[])];
    if (!permissions.every((p) => held.includes(p))) throw problem('forbidden', { detail: 'a role may hold only permissions you hold' });
    void org;
    return { name, permissions };
  }

  private createRole(orgId: string, body: Body): Role {
    const { viewer, org, permissions: held } = this.access(orgId, 'roles:manage', true);
    const key = body.key;
    if (typeof key !== 'string' || !KEY.test(key)) throw bad('key', 'Lower-case letters, digits, - and _, starting with a letter');
    const role = this.checkRoleBody(org, body, held);
    if ((BUILT_IN as readonly string[]).includes(key) || org.roles.has(key)) throw problem('role_exists');
    org.roles.set(key, { key, ...role });
    this.record(org.id, 'role.created', viewer.account, { type: 'role', id: key, label: role.name }, { permissions: role.permissions });
    return this.roleView(org, key);
  }

  private updateRole(orgId: string, key: string, body: Body): Role {
    const { viewer, org, permissions: held } = this.access(orgId, 'roles:manage', true);
    if ((BUILT_IN as readonly string[]).includes(key)) throw problem('forbidden', { detail: 'a built-in role cannot be changed' });
    const current = org.roles.get(key);
    if (!current) throw problem('not_found');
    const role = this.checkRoleBody(org, body, held);
    const from = current.permissions;
    Object.assign(current, role);
    this.record(org.id, 'role.updated', viewer.account, { type: 'role', id: key, label: role.name }, { from, to: role.permissions });
    return this.roleView(org, key);
  }

  private deleteRole(orgId: string, key: string): Answer {
    const { viewer, org } = this.access(orgId, 'roles:manage', true);
    if ((BUILT_IN as readonly string[]).includes(key)) throw problem('forbidden', { detail: 'a built-in role cannot be deleted' });
    const role = org.roles.get(key);
    if (!role) throw problem('not_found');
    if ([...org.members.values()].some((m) => m.role === key)) throw problem('role_in_use');
    org.roles.delete(key);
    this.record(org.id, 'role.deleted', viewer.account, { type: 'role', id: key, label: role.name });
    return { status: 204 };
  }

  private invite(orgId: string, body: Body): Invitation {
    const { viewer, org, member: caller, permissions } = this.access(orgId, 'invitations:manage');
    const email = typeof body.email === 'string' ? body.email.trim().toLowerCase() : '';
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254) throw bad('email', 'Enter an email address');
    if (!this.roleExists(org, body.role)) throw bad('role', 'No such role in this organization');
    if (!this.mayGrant(org, caller.role, permissions, body.role)) throw problem('forbidden', { detail: 'the role holds a permission you do not hold' });
    const account = this.host.account(email);
    if (account && org.members.has(account.id)) throw problem('already_member');
    // Inviting again replaces the pending invitation.
    for (const old of org.invitations) if (old.email === email && !old.acceptedAt && !old.revokedAt) old.revokedAt = iso(this.host.now());
    const invitation: OrgInvitation = {
      id: `inv_${++this.seq}`,
      email,
      role: body.role,
      token: `it_${randomBase64url(24)}`,
      invitedBy: viewer.account.id,
      createdAt: iso(this.host.now()),
      expiresAt: this.host.now() + INVITATION_TTL_MS,
      acceptedAt: null,
      revokedAt: null,
    };
    org.invitations.push(invitation);
    this.host.mail(email, `You are invited to join ${org.name}`, this.joinUrl('lk_invitation', invitation.token));
    this.record(org.id, 'invitation.created', viewer.account, { type: 'invitation', id: invitation.id, label: email }, { role: invitation.role });
    return this.invitationView(invitation);
  }

  private createLink(orgId: string, body: Body): InviteLink {
    const { viewer, org, member: caller, permissions } = this.access(orgId, 'invitations:manage');
    if (!this.roleExists(org, body.role)) throw bad('role', 'No such role in this organization');
    if (!this.mayGrant(org, caller.role, permissions, body.role)) throw problem('forbidden', { detail: 'the role holds a permission you do not hold' });
    const maxUses = body.max_uses ?? null;
    if (maxUses !== null && (!Number.isInteger(maxUses) || (maxUses as number) < 1 || (maxUses as number) > 100_000)) throw bad('max_uses', '1 to 100000, or null');
    const expiresIn = body.expires_in ?? null;
    if (expiresIn !== null && (!Number.isInteger(expiresIn) || (expiresIn as number) < 60 || (expiresIn as number) > 365 * 86_400)) throw bad('expires_in', 'Seconds, at most a year, or null');
    const link: OrgLink = {
      id: `lnk_${++this.seq}`,
      role: body.role,
      token: this.nextLinkTokens.shift() ?? `il_${randomBase64url(24)}`,
      uses: 0,
      maxUses: maxUses as number | null,
      expiresAt: expiresIn === null ? null : this.host.now() + (expiresIn as number) * 1000,
      revokedAt: null,
      createdAt: iso(this.host.now()),
    };
    org.links.push(link);
    this.record(org.id, 'invite_link.created', viewer.account, { type: 'invite_link', id: link.id }, { role: link.role, max_uses: link.maxUses });
    return this.linkView(link, true);
  }

  /** The signed-in user's organization by a domain it may enrol from, else `not_found` (as for no such organization). */
  private enrolling(orgId: string, enrollment: 'automatic' | 'request') {
    const viewer = this.host.signedIn();
    const org = this.orgs.get(orgId);
    const domain = org && this.domainFor(org, viewer.account.email);
    const ok = domain && domain.enrollment === enrollment && (enrollment === 'request' || domain.verification === 'dns') && !PUBLIC_MAIL.has(domain.domain);
    if (!org || !ok) throw problem('not_found');
    return { viewer, org };
  }

  private joinByDomain(orgId: string): Organization {
    const { viewer, org } = this.enrolling(orgId, 'automatic');
    if (!org.members.has(viewer.account.id)) this.addMember(org, viewer.account, 'member', 'domain', viewer.account);
    return this.organizationView(org, viewer);
  }

  private requestAccess(orgId: string, body: Body): AccessRequest {
    const { viewer, org } = this.enrolling(orgId, 'request');
    if (body.message !== undefined && (typeof body.message !== 'string' || body.message.length > 1000)) throw bad('message', 'At most 1000 characters');
    if (org.members.has(viewer.account.id)) throw problem('already_member');
    if (org.requests.some((r) => r.userId === viewer.account.id && r.status === 'pending')) throw problem('request_pending');
    const message = typeof body.message === 'string' && body.message.trim() ? body.message.trim() : null;
    const request: OrgRequest = { id: `req_${++this.seq}`, userId: viewer.account.id, message, status: 'pending', reason: null, decidedBy: null, createdAt: iso(this.host.now()), decidedAt: null };
    org.requests.push(request);
    this.record(org.id, 'access_request.created', viewer.account, { type: 'access_request', id: request.id, label: viewer.account.email });
    return this.requestView(org, request);
  }

  private decide(orgId: string, requestId: string, decision: 'approve' | 'deny', body: Body): AccessRequest {
    const { viewer, org, member: caller, permissions } = this.access(orgId, 'requests:manage');
    const request = org.requests.find((r) => r.id === requestId);
    if (!request) throw problem('not_found');
    const reason = typeof body.reason === 'string' ? body.reason.trim() : undefined;
    if (body.reason !== undefined && (typeof body.reason !== 'string' || body.reason.length > 1000)) throw bad('reason', 'At most 1000 characters');
    if (decision === 'deny' && !reason) throw bad('reason', 'Say why the request is denied');
    const role = body.role ?? 'member';
    if (decision === 'approve') {
      if (!this.roleExists(org, role)) throw bad('role', 'No such role in this organization');
      if (!this.mayGrant(org, caller.role, permissions, role)) throw problem('forbidden', { detail: 'the role holds a permission you do not hold' });
    }
    if (request.status !== 'pending') throw problem('already_decided');
    request.status = decision === 'approve' ? 'approved' : 'denied';
    request.reason = reason || null;
    request.decidedBy = viewer.account.id;
    request.decidedAt = iso(this.host.now());
    const requester = this.host.account(request.userId)!;
    if (decision === 'approve' && !org.members.has(requester.id)) this.addMember(org, requester, role as string, 'request', viewer.account);
    this.record(org.id, decision === 'approve' ? 'access_request.approved' : 'access_request.denied', viewer.account, { type: 'access_request', id: request.id, label: requester.email }, { ...(request.reason ? { reason: request.reason } : {}), ...(decision === 'approve' ? { role } : {}) });
    return this.requestView(org, request);
  }

  private addDomain(orgId: string, body: Body): OrgDomain {
    const { viewer, org } = this.access(orgId, 'domains:manage', true);
    const domain = typeof body.domain === 'string' ? body.domain.trim().toLowerCase().replace(/\.$/, '') : '';
    if (!DOMAIN.test(domain)) throw bad('domain', 'Enter a domain name, like example.com');
    if (PUBLIC_MAIL.has(domain)) throw problem('public_email_domain');
    if ([...this.orgs.values()].some((o) => o.domains.some((d) => d.domain === domain))) throw problem('domain_taken');
    const record: OrgDomainRecord = { domain, verification: null, verifiedAt: null, txtToken: randomBase64url(16), enrollment: 'manual', ssoRequired: false, createdAt: iso(this.host.now()) };
    org.domains.push(record);
    this.record(org.id, 'domain.added', viewer.account, { type: 'domain', id: domain, label: domain });
    return this.domainView(record);
  }

  /** The fake's DNS: every TXT record is published, except for a domain whose name contains `unverified`. */
  private verifyDomain(orgId: string, name: string): OrgDomain {
    const { viewer, org } = this.access(orgId, 'domains:manage', true);
    const domain = org.domains.find((d) => d.domain === name.toLowerCase());
    if (!domain) throw problem('not_found');
    if (domain.domain.includes('unverified')) throw problem('domain_unverified', { detail: `no TXT record _latchkey-verification.${domain.domain} with the value yet` });
    if (domain.verification !== 'dns') {
      domain.verification = 'dns';
      domain.verifiedAt = iso(this.host.now());
      this.record(org.id, 'domain.verified', viewer.account, { type: 'domain', id: domain.domain, label: domain.domain });
    }
    return this.domainView(domain);
  }

  private updateDomain(orgId: string, name: string, body: Body): OrgDomain {
    const { viewer, org } = this.access(orgId, 'domains:manage', true);
    const domain = org.domains.find((d) => d.domain === name);
    if (!domain) throw problem('not_found');
    const enrollment = body.enrollment;
    if (enrollment === undefined) return this.domainView(domain);
    if (enrollment !== 'manual' && enrollment !== 'request' && enrollment !== 'automatic') throw bad('enrollment', 'manual, request or automatic');
    // Domain capture only for a domain proven by DNS; asking to join for a verified one.
    if (enrollment === 'automatic' && domain.verification !== 'dns') throw problem('domain_unverified', { detail: 'automatic enrolment needs the domain verified by its TXT record' });
    if (enrollment === 'request' && domain.verification === null) throw problem('domain_unverified');
    const from = domain.enrollment;
    domain.enrollment = enrollment;
    this.record(org.id, 'domain.updated', viewer.account, { type: 'domain', id: domain.domain, label: domain.domain }, { from, to: enrollment });
    return this.domainView(domain);
  }

  private updatePolicies(orgId: string, body: Body): OrgPolicies {
    const { viewer, org } = this.access(orgId, 'policies:manage', true);
    for (const key of ['require_mfa', 'require_passkey', 'require_sso'] as const) if (typeof body[key] !== 'boolean') throw bad(key, 'true or false');
    const grace = body.grace_days;
    if (!Number.isInteger(grace) || (grace as number) < 0 || (grace as number) > 90) throw bad('grace_days', '0 to 90 days');
    if (body.require_sso && !org.connection) throw problem('no_connection');
    const before = this.policiesView(org);
    const newlyRequired = (['require_mfa', 'require_passkey', 'require_sso'] as const).some((k) => body[k] === true && !org.policies[k]);
    org.policies = {
      require_mfa: body.require_mfa as boolean,
      require_passkey: body.require_passkey as boolean,
      require_sso: body.require_sso as boolean,
      grace_days: grace as number,
      grace_until: newlyRequired ? ((grace as number) > 0 ? this.host.now() + (grace as number) * 86_400_000 : null) : org.policies.grace_until,
    };
    const after = this.policiesView(org);
    this.record(org.id, 'policy.updated', viewer.account, { type: 'organization', id: org.id, label: org.name }, { from: before, to: after });
    return after;
  }

  private audit(orgId: string, query: URLSearchParams, csv: boolean): Answer {
    const { org } = this.access(orgId, 'audit:read');
    const type = query.get('type');
    const actor = query.get('actor');
    const since = query.get('since');
    const until = query.get('until');
    for (const [key, value] of [['since', since], ['until', until]] as const) if (value !== null && Number.isNaN(Date.parse(value))) throw bad(key, 'An ISO 8601 time');
    const limit = query.get('limit') === null ? 50 : Number(query.get('limit'));
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw bad('limit', '1 to 200');
    let events = this.events
      .filter((e) => e.org_id === org.id)
      .filter((e) => !type || e.type === type)
      .filter((e) => !actor || e.actor?.user_id === actor || e.actor?.email === actor)
      .filter((e) => !since || Date.parse(e.created_at) >= Date.parse(since))
      .filter((e) => !until || Date.parse(e.created_at) < Date.parse(until))
      .reverse();
    if (csv) return { status: 200, text: toCsv(events), headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="audit-${org.slug}.csv"` } };
    const after = query.get('after');
    if (after) events = events.slice(events.findIndex((e) => e.id === after) + 1);
    const page = events.slice(0, limit);
    return { status: 200, body: { events: page, next: events.length > limit ? page.at(-1)!.id : null } };
  }
}

const CSV_COLUMNS = ['id', 'created_at', 'type', 'actor_id', 'actor_email', 'target_type', 'target_id', 'target_label', 'ip', 'user_agent', 'data'] as const;

/** RFC 4180, and a cell that a spreadsheet would run as a formula starts with `'`. */
function csvCell(value: string | null | undefined): string {
  let text = value ?? '';
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function toCsv(events: AuditEvent[]): string {
  const rows = events.map((e) =>
    [e.id, e.created_at, e.type, e.actor?.user_id, e.actor?.email, e.target?.type, e.target?.id, e.target?.label, e.ip, e.user_agent, JSON.stringify(e.data)].map(csvCell).join(','),
  );
  return `${[CSV_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}
