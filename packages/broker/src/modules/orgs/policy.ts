import type { OrgPolicyRequirement } from '@latchkey/client';
import { SECOND_FACTORS, type Factor } from '../sign-in/factors.js';

/**
 * An organization's security policies (issue 24 §4): what it requires of its
 * members' sessions, and until when a newly required policy only warns.
 * `organizations.require_mfa` is the column the engine's org MFA requirement
 * (modules/mfa/org-policy.ts) reads at sign-in: the same setting.
 */
export interface OrgPolicy {
  orgId: string;
  requireMfa: boolean;
  requirePasskey: boolean;
  requireSso: boolean;
  /** The grace period's end (`organizations.policy_grace_until`), or null. */
  graceUntil: Date | null;
}

/**
 * A second factor in the session (authenticator app, recovery code, passkey), or an IdP's MFA its connection
 * trusts (`idp_mfa`). A passkey alone counts unless user verification is only preferred of passkeys
 * (`passkeys.userVerification: 'preferred'`): then it may have verified no one (see `twoFactors`).
 */
const hasSecondFactor = (factors: readonly Factor[], userVerification?: 'required' | 'preferred') =>
  !(userVerification === 'preferred' && factors.length === 1 && factors[0]!.method === 'passkey') &&
  factors.some((f) => SECOND_FACTORS.has(f.method) || f.idp_mfa === true);

/** A sign-in through one of `orgId`'s own connections (an `oidc` or `saml` factor carrying that organization). */
const viaOrgConnection = (factors: readonly Factor[], orgId: string) => factors.some((f) => (f.method === 'oidc' || f.method === 'saml') && f.org === orgId);

/**
 * The requirements of `policy` that a session made with `factors` does not
 * meet, in the order mfa, passkey, sso. Pure: the members page, `GET /v1/orgs`
 * and the switch into an organization all ask it.
 * - `mfa`: a second factor (SECOND_FACTORS) or a trusted IdP MFA (`idp_mfa`);
 *   a lone passkey not under `userVerification: 'preferred'` (the broker's
 *   `passkeys.userVerification`, passed by the switch and the token mint);
 * - `passkey`: a passkey factor;
 * - `sso`: an `oidc`/`saml` factor whose `org` is this organization (SSO into
 *   another organization never counts).
 * Each unmet one carries the grace period's end while it is in the future
 * (let in and warned), else null (enforced now).
 *
 * @example
 * unmetRequirements([{ method: 'pwd', at }], { orgId, requireMfa: true, requirePasskey: false, requireSso: false, graceUntil: null }, now);
 * // [{ requirement: 'mfa', grace_until: null }]
 */
export function unmetRequirements(factors: readonly Factor[], policy: OrgPolicy, now: Date, userVerification?: 'required' | 'preferred'): OrgPolicyRequirement[] {
  const graceUntil = policy.graceUntil !== null && policy.graceUntil.getTime() > now.getTime() ? policy.graceUntil.toISOString() : null;
  const unmet: OrgPolicyRequirement[] = [];
  if (policy.requireMfa && !hasSecondFactor(factors, userVerification)) unmet.push({ requirement: 'mfa', grace_until: graceUntil });
  if (policy.requirePasskey && !factors.some((f) => f.method === 'passkey')) unmet.push({ requirement: 'passkey', grace_until: graceUntil });
  if (policy.requireSso && !viaOrgConnection(factors, policy.orgId)) unmet.push({ requirement: 'sso', grace_until: graceUntil });
  return unmet;
}

/** What a member has set up, as the members page judges it (see `enrolledFactors`). */
export interface MemberEnrolment {
  /** An authenticator app (TOTP) or a passkey: they can prove a second factor. */
  secondFactor: boolean;
  passkey: boolean;
  /** An identity through one of the organization's connections. */
  sso: boolean;
  /** An identity through one of its connections that trusts the IdP's MFA. */
  ssoWithIdpMfa: boolean;
}

/**
 * The factors a member *can* present, from what they enrolled, so the members
 * page judges them with `unmetRequirements` like a session. Chosen over "their
 * newest live session": a member without a live session (most of them, most of
 * the time) would otherwise always show as out of policy, and what owners want
 * to know is who still has to set something up. The switch into the
 * organization checks the session itself.
 */
export function enrolledFactors(enrolment: MemberEnrolment, orgId: string, at: string): Factor[] {
  const factors: Factor[] = [];
  if (enrolment.secondFactor) factors.push({ method: 'otp', at });
  if (enrolment.passkey) factors.push({ method: 'passkey', at });
  if (enrolment.sso) factors.push({ method: 'oidc', at, org: orgId, ...(enrolment.ssoWithIdpMfa ? { idp_mfa: true } : {}) });
  return factors;
}
