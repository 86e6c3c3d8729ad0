import type { Db } from '../storage.js';
import type { DomainRecord } from './organizations.js';

/**
 * An organization's domains as its members manage them (issue 24 §2): claimed
 * unverified, verified by their DNS TXT record, and their enrolment. Always
 * looked up together with the organization: another organization's domain is
 * not found. The table's check keeps `automatic` enrolment (domain capture) to
 * domains verified by DNS.
 */

export type DomainEnrollment = 'manual' | 'request' | 'automatic';

export interface OrgDomainRecord extends DomainRecord {
  /** `dns`: proven by its TXT record; `admin`: set through the admin API; null: not verified. */
  verification: 'dns' | 'admin' | null;
  /** The value of the TXT record that verifies it (null for a domain the admin API claimed before migration 014). */
  txtToken: string | null;
  enrollment: DomainEnrollment;
}

const ORG_DOMAIN = `domain, org_id AS "orgId", verified_at AS "verifiedAt", sso_required AS "ssoRequired", created_at AS "createdAt",
  verification, txt_token AS "txtToken", enrollment`;

export async function listOrgDomains(db: Db, orgId: string): Promise<OrgDomainRecord[]> {
  return db.query<OrgDomainRecord>(`SELECT ${ORG_DOMAIN} FROM organization_domains WHERE org_id = $1 ORDER BY domain`, [orgId]);
}

export async function findOrgDomain(db: Db, orgId: string, domain: string): Promise<OrgDomainRecord | undefined> {
  return (await db.query<OrgDomainRecord>(`SELECT ${ORG_DOMAIN} FROM organization_domains WHERE org_id = $1 AND domain = $2`, [orgId, domain]))[0];
}

/**
 * Claims a domain, unverified, with the TXT value that will verify it. One
 * statement: the domain's primary key decides, so of parallel claims one is
 * stored; undefined (nothing written) when it belongs to an organization already.
 */
export async function claimOrgDomain(tx: Db, claim: { orgId: string; domain: string; txtToken: string; createdAt: Date }): Promise<OrgDomainRecord | undefined> {
  return (
    await tx.query<OrgDomainRecord>(
      `INSERT INTO organization_domains (domain, org_id, verified_at, sso_required, created_at, txt_token) VALUES ($1, $2, NULL, false, $3, $4)
       ON CONFLICT (domain) DO NOTHING RETURNING ${ORG_DOMAIN}`,
      [claim.domain, claim.orgId, claim.createdAt, claim.txtToken],
    )
  )[0];
}

/**
 * Gives the organization's domains that have no TXT value yet (claimed through
 * the admin API before migration 014) one each, so every domain can be
 * verified by DNS. `token` makes one value per domain.
 */
export async function fillTxtTokens(db: Db, orgId: string, domains: readonly string[], token: () => string): Promise<void> {
  for (const domain of domains) {
    await db.query(`UPDATE organization_domains SET txt_token = $3 WHERE org_id = $1 AND domain = $2 AND txt_token IS NULL`, [orgId, domain, token()]);
  }
}

/**
 * Marks a domain verified by DNS, if it is this organization's and its TXT
 * value is still `txtToken` (the value that was found). Keeps an earlier
 * verification's time.
 */
export async function markDomainVerifiedByDns(tx: Db, orgId: string, domain: string, txtToken: string, at: Date): Promise<OrgDomainRecord | undefined> {
  return (
    await tx.query<OrgDomainRecord>(
      `UPDATE organization_domains SET verification = 'dns', verified_at = COALESCE(verified_at, $4)
       WHERE org_id = $1 AND domain = $2 AND txt_token = $3 RETURNING ${ORG_DOMAIN}`,
      [orgId, domain, txtToken, at],
    )
  )[0];
}

/**
 * Sets a domain's enrolment, in one conditional statement: `automatic` only on a
 * domain verified by DNS, `request` only on a verified one. Undefined when
 * nothing was written (not this organization's, or not verified enough).
 */
export async function setDomainEnrollment(tx: Db, orgId: string, domain: string, enrollment: DomainEnrollment): Promise<OrgDomainRecord | undefined> {
  return (
    await tx.query<OrgDomainRecord>(
      `UPDATE organization_domains SET enrollment = $3
       WHERE org_id = $1 AND domain = $2
         AND ($3 <> 'automatic' OR verification = 'dns') AND ($3 <> 'request' OR verified_at IS NOT NULL)
       RETURNING ${ORG_DOMAIN}`,
      [orgId, domain, enrollment],
    )
  )[0];
}
