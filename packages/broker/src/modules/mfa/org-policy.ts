import { createHmac } from 'node:crypto';
import type { MfaEnrollRequest, MfaEnrollStep } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { findOrganizationRequiringMfa, findTotpFactor, type FlowKey } from '../../storage/queries/index.js';
import type { Browser } from '../sign-in/browser.js';
import { advanceSignIn, PENDING_SIGN_IN, type PendingSignIn, type Requirement, type StepOutcome } from '../sign-in/complete.js';
import { attemptSecondFactor } from './attempt.js';
import { issuerOf, storeTotpFactor } from './authenticator-app.js';
import { pendingSignIn } from './passkey-step.js';
import { mfaStep, twoFactors } from './requirement.js';
import { base32Encode, matchingStep, otpauthUri } from './totp.js';
import { actorOfBrowser, recordFactorChange } from '../orgs/joining/factor-events.js';

/**
 * Per-organization "MFA required" (issue 23 §2): a member of any organization
 * that requires MFA signs in with two factors, whatever the first was. Any
 * membership counts, not only the organization the session would open in: a
 * password or an emailed code carries no organization, and must not slip past.
 */

/**
 * The authenticator-app secret offered to a pending sign-in: derived from the
 * broker secret and the pending sign-in's id (HMAC-SHA-256, 160 bits), so it is
 * the same each time the step is asked for that sign-in, nothing needs storing
 * until a code confirms it, and no request can swap in another. A new sign-in
 * gets a new secret.
 */
async function enrollmentSecret(deps: Deps, pendingId: string): Promise<string> {
  const mac = createHmac('sha256', await deps.secret()).update(`latchkey:mfa-enroll:${pendingId}`).digest();
  return base32Encode(mac.subarray(0, 20));
}

/**
 * The engine's requirement for an organization's policy, after `mfaRequired`
 * (which asks a user with an authenticator app for it): satisfied by two
 * factors (a passkey with user verification counts, as does an IdP's MFA that
 * its connection trusts); else a member with a passkey answers the `mfa` step
 * with it, and a member with no second factor enrols an authenticator app in
 * the `mfa-enroll` step before any session opens.
 */
export const orgMfaRequired: Requirement = async (tx, deps, user, pending) => {
  if (twoFactors(pending.data.factors, deps.config.passkeys?.userVerification)) return undefined;
  const org = await findOrganizationRequiringMfa(tx, user.id);
  if (!org) return undefined;
  if (await findTotpFactor(tx, user.id)) return mfaStep(tx, deps, user.id, pending, ['totp']);
  const withPasskey = await mfaStep(tx, deps, user.id, pending, []);
  if (withPasskey) return withPasskey;
  const secret = await enrollmentSecret(deps, pending.id);
  const step: MfaEnrollStep = {
    step: 'mfa-enroll',
    flow_id: pending.id,
    organization: org.name,
    secret,
    uri: otpauthUri(issuerOf(deps), user.email, secret),
    attempts_left: Math.max(0, pending.maxAttempts - pending.attempts),
  };
  return step;
};

/**
 * Answers the `mfa-enroll` step (`POST /v1/sign-in/mfa/enroll`): the app's first
 * code. The pending sign-in must be this browser's (`lk_flow`) and still asked
 * to enrol (a member of an organization requiring MFA, no app yet). The attempt
 * is counted on it in one conditional statement (`attemptSecondFactor`, with
 * the account's code budget); a right code stores the factor sealed with its
 * step taken, issues recovery codes, adds `otp` to the pending factors and lets
 * the engine go on, all in one transaction: of parallel confirmations, the one
 * that consumes the pending sign-in wins and the others find it gone. The
 * `done` that follows carries the recovery codes, shown this once.
 */
export async function answerMfaEnrollStep(deps: Deps, browser: Browser, request: MfaEnrollRequest): Promise<StepOutcome> {
  const { pending, user } = await pendingSignIn(deps, browser, request.flow_id);
  if (!(await findOrganizationRequiringMfa(deps.storage, user.id)) || (await findTotpFactor(deps.storage, user.id))) {
    throw new ProblemError('invalid_request', { detail: 'this sign-in is not asked to enrol an authenticator app' });
  }
  const secret = await enrollmentSecret(deps, pending.id);
  const key: FlowKey = { id: pending.id, kind: PENDING_SIGN_IN, bindingHash: browser.bindingHash, now: deps.clock() };
  return attemptSecondFactor<PendingSignIn, StepOutcome>(deps, browser, user.email, key, async (tx, counted) => {
    const now = deps.clock();
    const step = matchingStep(secret, request.code, now);
    if (step === undefined) return undefined;
    const enrolled = await storeTotpFactor(tx, deps, user.id, secret, step, now);
    await recordFactorChange(tx, actorOfBrowser(user, browser), { type: 'factor.added', method: 'totp' }, now);
    const outcome = await advanceSignIn(tx, deps, browser, user, counted, { method: 'otp', at: now.toISOString() });
    // Shown before the user goes on; a later requirement's step (a host's own) would not carry them.
    if (outcome.step.step !== 'done' || !enrolled.recovery_codes) return outcome;
    return { ...outcome, step: { ...outcome.step, recovery_codes: enrolled.recovery_codes } };
  });
}
