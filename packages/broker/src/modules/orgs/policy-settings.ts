import type { OrgPolicies } from '@latchkey/client';
import type { z } from 'zod';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { findManagedOrganization, hasEnabledConnection, setOrganizationPolicies } from '../../storage/queries/index.js';
import type { OrgAccess } from './access.js';
import { audit, changeOrganization } from './changes.js';
import type { policiesSchema } from './schema.js';
import { toWirePolicies } from './views.js';

/**
 * An organization's security policies as its owners and admins set them
 * (issue 24 §4): require MFA, a passkey, or SSO through its own connection,
 * with a grace period. The checks at sign-in and at each switch into the
 * organization ask `unmetRequirements` (policy.ts); `require_mfa` is the very
 * column the engine's org MFA requirement reads at sign-in.
 */

const DAY_MS = 86_400_000;

/** `GET /v1/orgs/{org_id}/policies`: any member may read them. */
export async function readPolicies(deps: Deps, access: OrgAccess): Promise<OrgPolicies> {
  const org = await findManagedOrganization(deps.storage, access.org.id);
  if (!org) throw new ProblemError('not_found');
  return toWirePolicies(org);
}

/**
 * `PUT /v1/orgs/{org_id}/policies` (`policies:manage`, a recent authentication,
 * checked by the route first): the whole policy. A requirement newly turned on
 * starts a grace period of `grace_days` (0: enforced now, and no earlier grace
 * carries over); with nothing newly required the current period stays, and
 * with nothing required there is none. 409 `no_connection` for `require_sso`
 * without an enabled connection. `policy.updated` records before and after; a
 * PUT that changes nothing records nothing.
 */
export async function writePolicies(deps: Deps, access: OrgAccess, body: z.output<typeof policiesSchema>): Promise<OrgPolicies> {
  return changeOrganization(deps, access, 'policies:manage', async (tx, locked) => {
    const { org } = locked;
    if (body.require_sso && !(await hasEnabledConnection(tx, org.id))) {
      throw new ProblemError('no_connection', { detail: 'SSO can be required once the organization has an enabled connection' });
    }
    const now = deps.clock();
    const newlyRequired = (body.require_mfa && !org.requireMfa) || (body.require_passkey && !org.requirePasskey) || (body.require_sso && !org.requireSso);
    const anyRequired = body.require_mfa || body.require_passkey || body.require_sso;
    const graceUntil = !anyRequired ? null : newlyRequired ? (body.grace_days > 0 ? new Date(now.getTime() + body.grace_days * DAY_MS) : null) : org.policyGraceUntil;
    const before = toWirePolicies(org);
    const updated = await setOrganizationPolicies(
      tx,
      org.id,
      { requireMfa: body.require_mfa, requirePasskey: body.require_passkey, requireSso: body.require_sso, policyGraceDays: body.grace_days, policyGraceUntil: graceUntil },
      now,
    );
    if (!updated) throw new ProblemError('not_found');
    const after = toWirePolicies(updated);
    if (JSON.stringify(before) !== JSON.stringify(after)) await audit(deps, tx, access, { type: 'policy.updated', data: { from: before, to: after } });
    return after;
  });
}
