import type { OrgDomain, OrgDomainList } from '@latchkey/client';
import type { Context } from 'hono';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { randomSecret } from '../../random.js';
import {
  claimOrgDomain,
  deleteDomain,
  fillTxtTokens,
  findOrgDomain,
  listOrgDomains,
  markDomainVerifiedByDns,
  setDomainEnrollment,
  type DomainEnrollment,
  type OrgDomainRecord,
} from '../../storage/queries/index.js';
import type { Db } from '../../storage/storage.js';
import type { OrgAccess } from './access.js';
import { audit, changeOrganization } from './changes.js';
import { txtRecordHolds, txtRecordOf } from './dns-verification.js';
import { normalizeDomain } from './domains.js';
import { isPublicMailDomain } from './public-mail-domains.js';
import { toWireDomain } from './views.js';

/**
 * An organization's email domains as its members manage them (issue 24 §2),
 * with `domains:manage`; every change after a recent authentication. A domain
 * is claimed unverified, verified by the DNS TXT record the organization
 * publishes, and only then takes access requests (`request`) or, verified by
 * DNS, domain capture (`automatic`). Public mail domains are never claimed.
 */

/** The domain of the path in its stored form; one that cannot be a domain is not found (the same 404 as another organization's). */
export function pathDomain(c: Context): string {
  const raw = c.req.param('domain') ?? '';
  // Exactly the domain: normalizeDomain forgives white space around a typed one, a path gets no such leeway.
  if (!/^[\x21-\x7e]{1,253}$/.test(raw)) throw new ProblemError('not_found');
  const normalized = normalizeDomain(raw);
  if (!('domain' in normalized)) throw new ProblemError('not_found');
  return normalized.domain;
}

/**
 * `domain` with its TXT value: a domain the admin API claimed before there were
 * any gets one now, so every domain can be verified by DNS.
 */
async function withToken(db: Db, domain: OrgDomainRecord): Promise<OrgDomainRecord & { txtToken: string }> {
  if (domain.txtToken !== null) return { ...domain, txtToken: domain.txtToken };
  await fillTxtTokens(db, domain.orgId, [domain.domain], randomSecret);
  const filled = await findOrgDomain(db, domain.orgId, domain.domain);
  if (filled?.txtToken == null) throw new ProblemError('not_found');
  return { ...filled, txtToken: filled.txtToken };
}

/** `GET /v1/orgs/{org_id}/domains` (`domains:manage`). */
export async function listDomains(deps: Deps, access: OrgAccess): Promise<OrgDomainList> {
  const domains = [];
  for (const domain of await listOrgDomains(deps.storage, access.org.id)) domains.push(toWireDomain(await withToken(deps.storage, domain)));
  return { domains };
}

/**
 * `POST /v1/orgs/{org_id}/domains`: claims a domain, unverified, with its TXT
 * value (`domain.added`). 400 `invalid_request` for what is not a domain, 400
 * `public_email_domain` for a public mail provider's, 409 `domain_taken` when
 * any organization has it (this one included).
 */
export async function addDomain(deps: Deps, access: OrgAccess, input: string): Promise<OrgDomain> {
  const normalized = normalizeDomain(input);
  if (!('domain' in normalized)) throw new ProblemError('invalid_request', { errors: [{ path: 'domain', message: normalized.problem }] });
  const { domain } = normalized;
  if (isPublicMailDomain(domain)) throw new ProblemError('public_email_domain', { detail: `${domain} is a public mail domain: anyone can have an address there` });
  return changeOrganization(deps, access, 'domains:manage', async (tx, locked) => {
    const claimed = await claimOrgDomain(tx, { orgId: locked.org.id, domain, txtToken: randomSecret(), createdAt: deps.clock() });
    if (!claimed) throw new ProblemError('domain_taken', { detail: `${domain} is claimed already` });
    await audit(deps, tx, access, { type: 'domain.added', target: { type: 'domain', id: domain } });
    return toWireDomain(await withToken(tx, claimed));
  });
}

/**
 * `POST /v1/orgs/{org_id}/domains/{domain}/verify`: looks the TXT record up now
 * (outside any transaction: DNS may be slow) and marks the domain verified by
 * DNS (`domain.verified`). 409 `domain_unverified` while the record is missing.
 * A domain verified by DNS already is checked again and stays as it is.
 */
export async function verifyDomain(deps: Deps, access: OrgAccess, domain: string): Promise<OrgDomain> {
  const found = await findOrgDomain(deps.storage, access.org.id, domain);
  if (!found) throw new ProblemError('not_found');
  const token = (await withToken(deps.storage, found)).txtToken;
  if (!(await txtRecordHolds(deps.resolveTxt, domain, token))) {
    throw new ProblemError('domain_unverified', { detail: `no TXT record ${txtRecordOf(domain, token).name} with this domain's value yet (DNS changes can take a while)` });
  }
  return changeOrganization(deps, access, 'domains:manage', async (tx, locked) => {
    const before = await findOrgDomain(tx, locked.org.id, domain);
    const verified = await markDomainVerifiedByDns(tx, locked.org.id, domain, token, deps.clock());
    // Removed, or removed and claimed again (a new value), while DNS answered.
    if (!before || !verified) throw new ProblemError('not_found');
    if (before.verification !== 'dns') {
      await audit(deps, tx, access, { type: 'domain.verified', target: { type: 'domain', id: domain }, data: { method: 'dns', ...(before.verification ? { previously: before.verification } : {}) } });
    }
    return toWireDomain(await withToken(tx, verified));
  });
}

/**
 * `PATCH /v1/orgs/{org_id}/domains/{domain}`: the enrolment (`domain.updated`).
 * 409 `domain_unverified`: `automatic` (domain capture) on a domain not verified
 * by DNS, or `request` on one not verified at all.
 */
export async function updateDomainEnrollment(deps: Deps, access: OrgAccess, domain: string, enrollment: DomainEnrollment): Promise<OrgDomain> {
  return changeOrganization(deps, access, 'domains:manage', async (tx, locked) => {
    const before = await findOrgDomain(tx, locked.org.id, domain);
    if (!before) throw new ProblemError('not_found');
    if (before.enrollment === enrollment) return toWireDomain(await withToken(tx, before));
    const updated = await setDomainEnrollment(tx, locked.org.id, domain, enrollment);
    if (!updated) {
      const detail = enrollment === 'automatic' ? 'automatic enrolment needs the domain verified by its DNS TXT record' : 'access requests need a verified domain';
      throw new ProblemError('domain_unverified', { detail });
    }
    await audit(deps, tx, access, { type: 'domain.updated', target: { type: 'domain', id: domain }, data: { enrollment: { from: before.enrollment, to: enrollment } } });
    return toWireDomain(await withToken(tx, updated));
  });
}

/** `DELETE /v1/orgs/{org_id}/domains/{domain}` (`domain.removed`): its addresses no longer route to the organization's SSO. */
export async function removeDomain(deps: Deps, access: OrgAccess, domain: string): Promise<void> {
  await changeOrganization(deps, access, 'domains:manage', async (tx, locked) => {
    const before = await findOrgDomain(tx, locked.org.id, domain);
    if (!before || !(await deleteDomain(tx, locked.org.id, domain))) throw new ProblemError('not_found');
    await audit(deps, tx, access, { type: 'domain.removed', target: { type: 'domain', id: domain }, data: { verification: before.verification, enrollment: before.enrollment } });
  });
}
