import type { OidcIdpMfaTrust, SamlIdpMfaTrust } from '../../modules/orgs/idp-mfa.js';
import { isUniqueViolation, type Db } from '../storage.js';

/** An organization (see migrations/007_organizations.sql). */
export interface OrganizationRecord {
  id: string;
  name: string;
  slug: string;
  /** Every member signs in with a second factor; one without enrols during sign-in (migration 013). */
  requireMfa: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** An email domain an organization claimed; only a verified one routes sign-ins or requires SSO. */
export interface DomainRecord {
  /** Lower-case ASCII; an international domain in its punycode form. */
  domain: string;
  orgId: string;
  verifiedAt: Date | null;
  ssoRequired: boolean;
  createdAt: Date;
}

export interface MembershipRecord {
  orgId: string;
  userId: string;
  role: string;
  createdAt: Date;
}

/** A membership as the admin API lists it: with the member's address and name. */
export interface MemberRecord extends MembershipRecord {
  email: string;
  name: string | null;
}

/** How a connection authenticates at the IdP's token endpoint (OIDC Core §9). */
export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

/** What an enterprise OIDC connection stores in the clear (`connections.config`). */
export interface OidcConnectionConfig {
  /** Exactly as the IdP's discovery document names it (compared as a string, never normalized). */
  issuer: string;
  clientId: string;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /** Always holds `openid`. */
  scopes: string[];
  /** With `private_key_jwt`: the public half of the sealed private key, to register at the IdP. */
  publicJwk?: Record<string, unknown>;
  /** The IdP's MFA is trusted when its `amr`/`acr` say so (`trust_idp_mfa`; absent: off). */
  idpMfa?: OidcIdpMfaTrust;
}

interface ConnectionFields {
  id: string;
  orgId: string;
  name: string;
  enabled: boolean;
  /**
   * The client secret (`client_secret_*`) or the private JWK as JSON (`private_key_jwt`),
   * sealed under the purpose `connection-secret` with the connection id as associated
   * data; open it with `connectionSecret` (modules/orgs). Null when the type needs none.
   */
  sealedSecret: string | null;
  /** The role a membership made by JIT provisioning gets. */
  defaultRole: string;
  /** Whether a sign-in may attach to an existing account with the same verified email. */
  allowLinking: boolean;
  /** Whether a sign-in the IdP starts (SAML IdP-initiated) is taken. */
  idpInitiated: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** What a SAML connection stores (`connections.config`): the IdP as its metadata names it, and how its attributes map. */
export interface SamlConnectionConfig {
  /** The IdP's entity ID: the `Issuer` every response and assertion must carry. */
  idpEntityId: string;
  /** The IdP's SingleSignOnService for the HTTP-Redirect binding. */
  ssoUrl: string;
  /** The IdP's signing certificates (base64 DER), several during a rotation. */
  certificates: string[];
  /** Which attribute holds what: a preset's names, with any given name replacing it. */
  attributes: { preset: 'okta' | 'entra' | 'google' | 'custom'; email?: string; firstName?: string; lastName?: string; groups?: string };
  /** IdP group -> organization role (a member of several mapped groups gets the first listed). */
  groupRoles: Record<string, string>;
  /** Besides the assertion (always), the whole response must be signed. */
  wantResponseSigned: boolean;
  /** Tolerance for the IdP's clock on NotBefore / NotOnOrAfter / IssueInstant. */
  clockSkewSeconds: number;
  /** AuthnRequests are signed with the SP key (the metadata publishes its certificate for signing). */
  signRequests?: boolean;
  /** Only encrypted assertions are taken (the metadata publishes the SP certificate for encryption). */
  encryptAssertions?: boolean;
  /** The SP key's certificate (base64 DER) when the connection has one; its private key is the row's sealed secret. */
  spCertificate?: string;
  /** The IdP's MFA is trusted when the assertion's `AuthnContextClassRef` says so (`trust_idp_mfa`; absent: off). */
  idpMfa?: SamlIdpMfaTrust;
}

/** A sign-in connection of an organization; `config` by `type`. */
export type ConnectionRecord = ConnectionFields & ({ type: 'oidc'; config: OidcConnectionConfig } | { type: 'saml'; config: SamlConnectionConfig });

const ORG = `id, name, slug, require_mfa AS "requireMfa", created_at AS "createdAt", updated_at AS "updatedAt"`;
const DOMAIN = `domain, org_id AS "orgId", verified_at AS "verifiedAt", sso_required AS "ssoRequired", created_at AS "createdAt"`;
const MEMBERSHIP = `org_id AS "orgId", user_id AS "userId", role, created_at AS "createdAt"`;
const CONNECTION = `id, org_id AS "orgId", type, name, enabled, config, sealed_secret AS "sealedSecret", default_role AS "defaultRole",
  allow_linking AS "allowLinking", idp_initiated AS "idpInitiated", created_at AS "createdAt", updated_at AS "updatedAt"`;

/** A page of a list ordered by a unique key: rows after `after`, at most `limit`. */
export interface Page {
  after?: string;
  limit: number;
}

// Organizations

/** Stores a new organization; undefined (nothing written) when its slug is taken. */
export async function insertOrganization(
  db: Db,
  org: Omit<OrganizationRecord, 'updatedAt' | 'requireMfa'> & { requireMfa?: boolean },
): Promise<OrganizationRecord | undefined> {
  return (
    await db.query<OrganizationRecord>(
      `INSERT INTO organizations (id, name, slug, require_mfa, created_at, updated_at) VALUES ($1, $2, $3, $5, $4, $4)
       ON CONFLICT (slug) DO NOTHING RETURNING ${ORG}`,
      [org.id, org.name, org.slug, org.createdAt, org.requireMfa ?? false],
    )
  )[0];
}

export async function findOrganization(db: Db, id: string): Promise<OrganizationRecord | undefined> {
  return (await db.query<OrganizationRecord>(`SELECT ${ORG} FROM organizations WHERE id = $1`, [id]))[0];
}

/** Organizations in id order, a page at a time. */
export async function listOrganizations(db: Db, page: Page): Promise<OrganizationRecord[]> {
  return db.query<OrganizationRecord>(`SELECT ${ORG} FROM organizations WHERE $1::text IS NULL OR id > $1 ORDER BY id LIMIT $2`, [page.after ?? null, page.limit]);
}

/**
 * Renames an organization and/or changes its slug. Undefined when there is no such
 * organization; `'slug_taken'` (nothing written) when another one has that slug — the
 * unique key decides, so a parallel change is caught too. Not for inside a transaction
 * (on PostgreSQL the refused statement would end it).
 */
export async function updateOrganization(
  db: Db,
  id: string,
  change: { name?: string; slug?: string; requireMfa?: boolean },
  at: Date,
): Promise<OrganizationRecord | 'slug_taken' | undefined> {
  try {
    return (
      await db.query<OrganizationRecord>(
        `UPDATE organizations SET name = COALESCE($2, name), slug = COALESCE($3, slug), require_mfa = COALESCE($5, require_mfa), updated_at = $4
         WHERE id = $1 RETURNING ${ORG}`,
        [id, change.name ?? null, change.slug ?? null, at, change.requireMfa ?? null],
      )
    )[0];
  } catch (error) {
    if (isUniqueViolation(error)) return 'slug_taken';
    throw error;
  }
}

/** Deletes an organization with its domains, memberships and connections. False when there was none. */
export async function deleteOrganization(db: Db, id: string): Promise<boolean> {
  return (await db.query(`DELETE FROM organizations WHERE id = $1 RETURNING id`, [id])).length === 1;
}

// Domains

/**
 * Claims `domain` for an organization, in one statement: the unique key decides, so of
 * parallel claims (by one organization or several) exactly one is stored. `orgFound`
 * false: no such organization, nothing written; `claimed` undefined: the domain belongs
 * to an organization already (`owner`), nothing written. A domain claimed verified is
 * verified by `admin` (the operator vouched for it); `txtToken` is the value its DNS
 * TXT record will carry should the organization verify it by DNS itself.
 */
export async function claimDomain(
  db: Db,
  claim: Omit<DomainRecord, 'createdAt'> & { createdAt: Date; txtToken?: string },
): Promise<{ orgFound: boolean; claimed?: DomainRecord; owner?: string }> {
  const rows = await db.query<{ orgFound: boolean; claimed: boolean; owner: string | null }>(
    `WITH org AS (SELECT id FROM organizations WHERE id = $2),
       claimed AS (
         INSERT INTO organization_domains (domain, org_id, verified_at, sso_required, created_at, verification, txt_token)
         SELECT $1, id, $3, $4, $5, CASE WHEN $3::timestamptz IS NOT NULL THEN 'admin' END, $6 FROM org ON CONFLICT (domain) DO NOTHING RETURNING domain
       )
     SELECT EXISTS (SELECT 1 FROM org) AS "orgFound", EXISTS (SELECT 1 FROM claimed) AS claimed,
       (SELECT org_id FROM organization_domains WHERE domain = $1) AS owner`,
    [claim.domain, claim.orgId, claim.verifiedAt, claim.ssoRequired, claim.createdAt, claim.txtToken ?? null],
  );
  const { orgFound, claimed, owner } = rows[0]!;
  if (claimed) {
    const { txtToken: _token, ...domain } = claim;
    return { orgFound, claimed: domain };
  }
  // A claim that lost to a parallel one may not see the winner's row in its snapshot: then the owner is unknown here.
  return { orgFound, ...(owner !== null ? { owner } : {}) };
}

export async function listDomains(db: Db, orgId: string): Promise<DomainRecord[]> {
  return db.query<DomainRecord>(`SELECT ${DOMAIN} FROM organization_domains WHERE org_id = $1 ORDER BY domain`, [orgId]);
}

export async function findDomain(db: Db, orgId: string, domain: string): Promise<DomainRecord | undefined> {
  return (await db.query<DomainRecord>(`SELECT ${DOMAIN} FROM organization_domains WHERE org_id = $1 AND domain = $2`, [orgId, domain]))[0];
}

/**
 * Sets a domain's verification and "SSO required", only if it is this organization's
 * and the result keeps "SSO required" on verified domains only (the table's check, asked
 * in the WHERE so a parallel change cannot fail the statement). Undefined when nothing
 * was written: `findDomain` tells "not this organization's" from "not allowed".
 * Verifying marks a domain not yet verified as verified by `admin`; unverifying clears
 * how it was verified and ends its enrolment (`manual`): no domain capture or access
 * request rides on a domain that is no longer verified.
 */
export async function updateDomain(db: Db, orgId: string, domain: string, change: { verifiedAt: Date | null; ssoRequired: boolean }): Promise<DomainRecord | undefined> {
  return (
    await db.query<DomainRecord>(
      `UPDATE organization_domains SET verified_at = $3, sso_required = $4,
         verification = CASE WHEN $3::timestamptz IS NULL THEN NULL ELSE COALESCE(verification, 'admin') END,
         enrollment = CASE WHEN $3::timestamptz IS NULL THEN 'manual' ELSE enrollment END
       WHERE org_id = $1 AND domain = $2 AND (NOT $4 OR $3::timestamptz IS NOT NULL) RETURNING ${DOMAIN}`,
      [orgId, domain, change.verifiedAt, change.ssoRequired],
    )
  )[0];
}

export async function deleteDomain(db: Db, orgId: string, domain: string): Promise<boolean> {
  return (await db.query(`DELETE FROM organization_domains WHERE org_id = $1 AND domain = $2 RETURNING domain`, [orgId, domain])).length === 1;
}

/** Home-realm discovery's answer for a domain: the organization that verified it, its SSO connection, and whether SSO is required. */
export interface DomainSso {
  org: OrganizationRecord;
  /** The organization's oldest enabled connection; undefined when it has none enabled (SSO cannot start). */
  connection?: ConnectionRecord;
  /** Every other first factor is refused for addresses of this domain. */
  ssoRequired: boolean;
}

const ASCII_DOMAIN = /^[\x21-\x7e]+$/;

/**
 * Which organization's SSO an address at `domain` goes to: only a verified domain
 * counts. One query on the domain's primary key, the organization's, and the
 * connections index. `domain` is an email address's domain; anything not ASCII finds
 * nothing (stored domains are ASCII, and case is folded only for ASCII letters: a
 * Kelvin sign never becomes `k`).
 *
 * @example
 * const sso = await findDomainSso(tx, 'acme.test');
 * if (sso?.connection) // send the browser to the IdP
 */
export async function findDomainSso(db: Db, domain: string): Promise<DomainSso | undefined> {
  if (!ASCII_DOMAIN.test(domain)) return undefined;
  const rows = await db.query<{ org: OrganizationRecord; connection: ConnectionRecord | null; ssoRequired: boolean }>(
    `SELECT json_build_object('id', o.id, 'name', o.name, 'slug', o.slug, 'requireMfa', o.require_mfa, 'createdAt', o.created_at, 'updatedAt', o.updated_at) AS org,
       to_json(c) AS connection, d.sso_required AS "ssoRequired"
     FROM organization_domains d
     JOIN organizations o ON o.id = d.org_id
     LEFT JOIN LATERAL (
       SELECT ${CONNECTION} FROM connections WHERE org_id = d.org_id AND enabled ORDER BY created_at, id LIMIT 1
     ) c ON true
     WHERE d.domain = $1 AND d.verified_at IS NOT NULL`,
    [domain.toLowerCase()],
  );
  const row = rows[0];
  if (!row) return undefined;
  const org = { ...row.org, createdAt: new Date(row.org.createdAt), updatedAt: new Date(row.org.updatedAt) };
  if (!row.connection) return { org, ssoRequired: row.ssoRequired };
  const connection = { ...row.connection, createdAt: new Date(row.connection.createdAt), updatedAt: new Date(row.connection.updatedAt) };
  return { org, connection, ssoRequired: row.ssoRequired };
}

// Connections

export async function insertConnection(db: Db, connection: Omit<ConnectionRecord, 'updatedAt' | 'idpInitiated'> & { idpInitiated?: boolean }): Promise<ConnectionRecord> {
  return (
    await db.query<ConnectionRecord>(
      `INSERT INTO connections (id, org_id, type, name, enabled, config, sealed_secret, default_role, allow_linking, idp_initiated, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING ${CONNECTION}`,
      [
        connection.id, connection.orgId, connection.type, connection.name, connection.enabled, JSON.stringify(connection.config), connection.sealedSecret,
        connection.defaultRole, connection.allowLinking, connection.idpInitiated ?? false, connection.createdAt,
      ],
    )
  )[0]!;
}

/** A connection by id, whichever organization owns it (for the protocol modules; `orgId` says whose it is). */
export async function findConnection(db: Db, id: string): Promise<ConnectionRecord | undefined> {
  return (await db.query<ConnectionRecord>(`SELECT ${CONNECTION} FROM connections WHERE id = $1`, [id]))[0];
}

/** One of this organization's connections; another organization's id finds nothing. */
export async function findOrganizationConnection(db: Db, orgId: string, id: string): Promise<ConnectionRecord | undefined> {
  return (await db.query<ConnectionRecord>(`SELECT ${CONNECTION} FROM connections WHERE id = $1 AND org_id = $2`, [id, orgId]))[0];
}

export async function listConnections(db: Db, orgId: string): Promise<ConnectionRecord[]> {
  return db.query<ConnectionRecord>(`SELECT ${CONNECTION} FROM connections WHERE org_id = $1 ORDER BY created_at, id`, [orgId]);
}

/** Writes a connection's changeable fields, if it is this organization's. Undefined when it is not (nothing written). */
export async function updateConnection(
  db: Db,
  orgId: string,
  connection: Pick<ConnectionRecord, 'id' | 'name' | 'enabled' | 'config' | 'sealedSecret' | 'defaultRole' | 'allowLinking' | 'idpInitiated' | 'updatedAt'>,
): Promise<ConnectionRecord | undefined> {
  return (
    await db.query<ConnectionRecord>(
      `UPDATE connections SET name = $3, enabled = $4, config = $5, sealed_secret = $6, default_role = $7, allow_linking = $8, updated_at = $9, idp_initiated = $10
       WHERE id = $1 AND org_id = $2 RETURNING ${CONNECTION}`,
      [
        connection.id, orgId, connection.name, connection.enabled, JSON.stringify(connection.config), connection.sealedSecret,
        connection.defaultRole, connection.allowLinking, connection.updatedAt, connection.idpInitiated,
      ],
    )
  )[0];
}

export async function deleteConnection(db: Db, orgId: string, id: string): Promise<boolean> {
  return (await db.query(`DELETE FROM connections WHERE id = $1 AND org_id = $2 RETURNING id`, [id, orgId])).length === 1;
}

// Memberships

/**
 * Makes `userId` a member of `orgId` with `role` unless they are one already, and answers
 * the role in force. An existing membership keeps its role (JIT provisioning never demotes
 * or promotes), unless `replaceRole`: then the role is set (an IdP whose groups map to
 * roles is the source of truth). Race-safe: the primary key decides, so of parallel calls
 * one row is stored. Usually one statement; a call that lost to a parallel insert it
 * cannot see in its snapshot reads the winner's row with a second.
 *
 * @example
 * const role = await upsertMembership(tx, { orgId: org.id, userId: user.id, role: connection.defaultRole, createdAt: now });
 */
export async function upsertMembership(db: Db, membership: MembershipRecord, options: { replaceRole?: boolean } = {}): Promise<string> {
  const params = [membership.orgId, membership.userId, membership.role, membership.createdAt, options.replaceRole === true];
  const rows = await db.query<{ role: string }>(
    `WITH inserted AS (
       INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (org_id, user_id) DO UPDATE SET role = EXCLUDED.role WHERE $5::boolean RETURNING role
     )
     SELECT role FROM inserted UNION ALL SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2 LIMIT 1`,
    params,
  );
  if (rows[0]) return rows[0].role;
  const role = await membershipRole(db, membership.orgId, membership.userId);
  if (role === undefined) throw new Error(`membership of ${membership.userId} in ${membership.orgId} was neither stored nor found`);
  return role;
}

/**
 * The user's role in the organization, undefined when not a member (what the session
 * token's `org_role` carries for the session's organization).
 *
 * @example
 * const orgRole = (await membershipRole(deps.storage, session.orgId, session.userId)) ?? null;
 */
export async function membershipRole(db: Db, orgId: string, userId: string): Promise<string | undefined> {
  return (await db.query<{ role: string }>(`SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2`, [orgId, userId]))[0]?.role;
}

/**
 * Sets a member's role, making the membership if there is none (an admin's decision).
 * Undefined, nothing written, when the organization or the user does not exist.
 */
export async function setMembershipRole(db: Db, membership: MembershipRecord): Promise<MembershipRecord | undefined> {
  return (
    await db.query<MembershipRecord>(
      `INSERT INTO memberships (org_id, user_id, role, created_at)
       SELECT o.id, u.id, $3, $4 FROM organizations o, users u WHERE o.id = $1 AND u.id = $2
       ON CONFLICT (org_id, user_id) DO UPDATE SET role = EXCLUDED.role RETURNING ${MEMBERSHIP}`,
      [membership.orgId, membership.userId, membership.role, membership.createdAt],
    )
  )[0];
}

export async function deleteMembership(db: Db, orgId: string, userId: string): Promise<boolean> {
  return (await db.query(`DELETE FROM memberships WHERE org_id = $1 AND user_id = $2 RETURNING user_id`, [orgId, userId])).length === 1;
}

/** An organization's members in user id order, a page at a time, with their address and name. */
export async function listMembers(db: Db, orgId: string, page: Page): Promise<MemberRecord[]> {
  return db.query<MemberRecord>(
    `SELECT m.org_id AS "orgId", m.user_id AS "userId", m.role, m.created_at AS "createdAt", u.email, u.name
     FROM memberships m JOIN users u ON u.id = m.user_id
     WHERE m.org_id = $1 AND ($2::text IS NULL OR m.user_id > $2) ORDER BY m.user_id LIMIT $3`,
    [orgId, page.after ?? null, page.limit],
  );
}

/**
 * The first organization (by name, then id) that `userId` is a member of and that
 * requires MFA, or undefined: any membership counts, not only the organization a
 * session would open in, so no first factor (a password carries no organization)
 * slips past an organization's policy.
 */
export async function findOrganizationRequiringMfa(db: Db, userId: string): Promise<OrganizationRecord | undefined> {
  return (
    await db.query<OrganizationRecord>(
      `SELECT o.id, o.name, o.slug, o.require_mfa AS "requireMfa", o.created_at AS "createdAt", o.updated_at AS "updatedAt"
       FROM memberships m JOIN organizations o ON o.id = m.org_id
       WHERE m.user_id = $1 AND o.require_mfa ORDER BY o.name, o.id LIMIT 1`,
      [userId],
    )
  )[0];
}
