import type { Context } from 'hono';
import { z } from 'zod';
import type { Organization, OrgPolicyRequirement, OrgSwitch, OrgSwitchRequest } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { findPolicyEvidence, findUserById, type MintSession, type SessionOrgMembership } from '../../storage/queries/index.js';
import { recordAuditEvent } from '../audit/record.js';
import { currentSessionInOrg } from '../sessions/sessions.js';
import { issueSessionToken, PERSONAL, tokenAudience, type TokenOrg } from '../sessions/token.js';
import { actorOf } from './access.js';
import { permissionsOf } from './permissions.js';
import { unmetRequirements } from './policy.js';
import { enforcedNow, policyUnmet } from './policy-requirement.js';

/**
 * The active organization per browser tab (issue 24 §3): which organization a
 * token acts in is the tab's choice, sent with each mint (`?org=`), never
 * stored on the session, so two tabs of one session work in two organizations.
 * Each mint reads the membership and the organization's policy with the
 * session, in the one query of the refresh (`findLiveSessionInOrg`): a member
 * who left, was removed or demoted, or whose organization tightened its policy,
 * gets no token of it from the next refresh on.
 */

/** Organization ids as the broker makes them (`org_…`) and the admin API takes them. */
const ORG_ID = /^[\w-]{1,64}$/;

/** What a token acts in: an organization's id, `null` for the personal account, undefined for the session's own. */
export type OrgChoice = string | null | undefined;

/**
 * `?org=` of the token route: an organization id, `personal`, or absent (the
 * session's own organization). 400 `invalid_request` for anything that cannot be an id.
 */
export function parseOrgQuery(value: string | undefined): OrgChoice {
  if (value === undefined) return undefined;
  if (value === 'personal') return null;
  if (!ORG_ID.test(value)) throw new ProblemError('invalid_request', { errors: [{ path: 'org', message: 'an organization id, or `personal`' }] });
  return value;
}

export const orgSwitchSchema = z.strictObject({
  org_id: z.string().regex(ORG_ID, 'an organization id').nullable(),
  break_glass: z.boolean().optional(),
});

// The schema accepts every request the client's wire type describes (a compile-time check).
const accepted: OrgSwitchRequest extends z.input<typeof orgSwitchSchema> ? true : never = true;
void accepted;

/**
 * Which unmet requirement a refusal names first: SSO (signing in again through
 * the organization's connection makes a new session, so a factor proven before
 * it would be lost), then MFA, then the passkey (proving one after MFA).
 */
const ASKED_FIRST: readonly OrgPolicyRequirement['requirement'][] = ['sso', 'mfa', 'passkey'];

/** What a mint in an organization decided: the token's claims, the policy's unmet requirements, and what break-glass let pass. */
interface OrgDecision {
  org: TokenOrg;
  unmet: OrgPolicyRequirement[];
  bypassed: OrgPolicyRequirement[];
}

/**
 * The token's organization for a member whose membership was read with the
 * session: their role and its permissions, once the organization's policy is
 * met (or in its grace period). An enforced requirement refuses with 403
 * `org_policy_unmet` (the first of `ASKED_FIRST`), except that an
 * owner who broke the glass (now, `breakGlass`, or earlier for this session,
 * an `org.break_glass` event) passes an unmet SSO or passkey requirement —
 * never MFA. Only a mint that misses an enforced requirement reads more
 * (`findPolicyEvidence`); one that meets its policy decides from the refresh's read.
 */
async function decideMembership(deps: Deps, session: MintSession, membership: SessionOrgMembership, breakGlass: boolean): Promise<OrgDecision> {
  const { orgId } = membership;
  const userVerification = deps.config.passkeys?.userVerification;
  const unmet = unmetRequirements(session.factors, { ...membership, orgId }, deps.clock(), userVerification);
  const enforced = enforcedNow(unmet);
  const evidence = enforced.length > 0 ? await findPolicyEvidence(deps.storage, session.userId, session.id, orgId) : undefined;
  const glass = membership.role === 'owner' && (breakGlass || evidence?.brokeGlass === true);
  const refused = (glass ? enforced.filter((r) => r.requirement === 'mfa') : enforced).sort((a, b) => ASKED_FIRST.indexOf(a.requirement) - ASKED_FIRST.indexOf(b.requirement));
  if (refused[0]) {
    const canProve = evidence?.hasTotp === true || (deps.config.passkeys !== undefined && evidence?.hasPasskey === true);
    throw policyUnmet(orgId, refused[0].requirement, canProve);
  }
  return {
    org: { id: orgId, role: membership.role, permissions: permissionsOf(deps.config, membership.role, membership.custom) },
    unmet,
    bypassed: glass ? enforced : [],
  };
}

/**
 * The organization a token acts in, for the tab's `choice`, or a refusal:
 * - `null` (personal): 403 `forbidden` where the host allows no personal account;
 * - an id: the user's membership of it (404 `not_found` otherwise, exactly as
 *   for an organization that does not exist: a token of organization A is never
 *   minted for B), and its policy (`decideMembership`);
 * - undefined: the session's own organization, as before tabs chose: its
 *   membership and policy when the user is a member; a session in no
 *   organization mints a personal token, and one whose organization the user
 *   is no member of (any more) keeps its `org_id` with no role and no permission.
 */
export async function decideTokenOrg(deps: Deps, current: { session: MintSession; membership: SessionOrgMembership | undefined }, choice: OrgChoice, breakGlass = false): Promise<OrgDecision> {
  if (choice === null) {
    if (!deps.config.orgs.allowPersonal) throw new ProblemError('forbidden', { detail: 'this app works only in an organization' });
    return { org: PERSONAL, unmet: [], bypassed: [] };
  }
  const { session, membership } = current;
  if (membership) return decideMembership(deps, session, membership, breakGlass);
  if (choice !== undefined) throw new ProblemError('not_found');
  return { org: session.orgId === null ? PERSONAL : { id: session.orgId, role: null, permissions: [] }, unmet: [], bypassed: [] };
}

/** The session of this request with its membership of `choice`'s organization, or 401 `unauthenticated`. */
async function signedInFor(deps: Deps, c: Context, choice: OrgChoice) {
  const current = await currentSessionInOrg(deps, c, choice);
  if (!current) throw new ProblemError('unauthenticated');
  return current;
}

/**
 * `POST /v1/session/token[?audience=][&org=]`: a token for the tab's organization.
 * One query (session, membership, role, policy), no write; a refusal by the policy reads once more.
 *
 * @example
 * return c.json(await mintTokenFor(deps, c, parseOrgQuery(c.req.query('org'))));
 */
export async function mintTokenFor(deps: Deps, c: Context, choice: OrgChoice) {
  const audience = tokenAudience(deps.config.token.audiences, c.req.query('audience'), c.req.header('origin'));
  const current = await signedInFor(deps, c, choice);
  const { org } = await decideTokenOrg(deps, current, choice);
  return issueSessionToken(deps, current.session, audience, org);
}

const toOrganization = (deps: Deps, membership: SessionOrgMembership, decision: OrgDecision): Organization => ({
  id: membership.orgId,
  name: membership.name,
  slug: membership.slug,
  role: membership.role,
  permissions: decision.org.permissions,
  policy: { unmet: decision.unmet },
  created_at: membership.createdAt.toISOString(),
});

/**
 * `POST /v1/session/org`: the tab switches organization. The same checks as a
 * mint (membership, policy), then the token for it in the same answer, so the
 * tab never holds the old organization's token after a switch. Records
 * `org.switched`, and `org.break_glass` (naming this session) when an owner's
 * `break_glass` let an unmet SSO or passkey requirement pass; that event lets
 * this session's later mints into the organization pass it too. A non-owner's
 * `break_glass` is 403 `forbidden`. Nothing is written to the session: the
 * choice is the tab's.
 */
export async function switchOrganization(deps: Deps, c: Context, request: z.output<typeof orgSwitchSchema>): Promise<OrgSwitch> {
  const audience = tokenAudience(deps.config.token.audiences, c.req.query('audience'), c.req.header('origin'));
  const choice = request.org_id;
  const current = await signedInFor(deps, c, choice);
  const breakGlass = request.break_glass === true;
  // Membership first (404), so a stranger learns nothing from the break-glass refusal.
  if (choice !== null && !current.membership) throw new ProblemError('not_found');
  if (breakGlass && current.membership?.role !== 'owner') throw new ProblemError('forbidden', { detail: 'only an owner may break the glass' });
  const decision = await decideTokenOrg(deps, current, choice, breakGlass);
  await recordSwitch(deps, c, current, decision, breakGlass);
  const token = await issueSessionToken(deps, current.session, audience, decision.org);
  return { organization: current.membership && choice !== null ? toOrganization(deps, current.membership, decision) : null, token };
}

async function recordSwitch(deps: Deps, c: Context, current: { session: MintSession }, decision: OrgDecision, breakGlass: boolean) {
  const at = deps.clock();
  const orgId = decision.org.id;
  await deps.storage.transaction(async (tx) => {
    // The refresh's lookup reads no user (a token names it by id); the audit actor is named by email too.
    const actor = actorOf(c, deps, (await findUserById(tx, current.session.userId)) ?? null);
    if (breakGlass && decision.bypassed.length > 0) {
      await recordAuditEvent(tx, {
        type: 'org.break_glass',
        orgId,
        actor,
        target: { type: 'session', id: current.session.id },
        data: { requirements: decision.bypassed.map((r) => r.requirement) },
        at,
      });
    }
    await recordAuditEvent(tx, { type: 'org.switched', orgId, actor, data: { role: decision.org.role }, at });
  });
}
