import type { EmailCodeStep, PasswordStep } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { refuseWhereSsoRequired } from '../orgs/sso.js';
import { ProblemError } from '../../http/problem.js';
import { findUserByEmail, findUserById, revokeUserSessions, setUserPassword } from '../../storage/queries/index.js';
import { openCodeFlow, redeemCode, startCodeFlow } from '../email/code-flow.js';
import { announceNewWayIn } from '../email/new-way-in.js';
import { openPasskeyReview } from '../passkeys/review.js';
import type { Browser } from '../sign-in/browser.js';
import { passwordStep } from '../sign-in/identify.js';
import { hashPassword } from './hash.js';
import { checkPasswordStrength } from './strength.js';
import { actorOfBrowser, recordFactorChange } from '../orgs/joining/factor-events.js';

/** Mails a reset code to an account's address; unknown addresses get the same answer, the same work, and no mail. */
export async function startPasswordReset(deps: Deps, browser: Browser, email: string): Promise<EmailCodeStep> {
  // A domain that requires SSO has no password to reset: no mail, with or without an account.
  await refuseWhereSsoRequired(deps, email);
  const user = await findUserByEmail(deps.storage, email);
  return startCodeFlow(deps, browser, { purpose: 'password-reset', email, userId: user?.id ?? null, mail: user ? 'code' : 'nothing' });
}

/**
 * Sets the new password and revokes every session of the account in the
 * transaction that uses the code: whoever knew the old password is signed out
 * everywhere. The new password is checked before the code is tried, so a weak
 * one does not burn it. The user then signs in with the new password (which
 * also lets password managers save it). A passkey outlives the reset (one
 * added through a copied session cookie included), so an account with
 * passkeys gets their review in the answer, to remove the ones the owner does
 * not know; the owner is mailed that the password was changed.
 */
export async function finishPasswordReset(deps: Deps, browser: Browser, flowId: string, code: string, password: string): Promise<PasswordStep> {
  const flow = await openCodeFlow(deps, browser, flowId, 'password-reset');
  const serviceWords = deps.config.passwords.contextWords;
  await checkPasswordStrength(password, { serviceWords, email: flow.data.email });
  const passwordHash = await hashPassword(password);
  const reset = await redeemCode(deps, browser, flow, code, async (tx, redeemed) => {
    const user = redeemed.userId ? await findUserById(tx, redeemed.userId) : undefined;
    if (!user) throw new ProblemError('code_expired');
    // The account's name only now that the code proved the mailbox: judged before, the answer
    // would tell whoever typed an address whether it has an account, and guess by guess its
    // name. Refused here, the transaction rolls back and the code stays good for another try.
    if (user.name) await checkPasswordStrength(password, { serviceWords, email: user.email, name: user.name });
    const now = deps.clock();
    await setUserPassword(tx, user.id, passwordHash, now);
    await recordFactorChange(tx, actorOfBrowser(user, browser), { type: 'factor.added', method: 'password', replaced: user.passwordHash !== null, reset: true }, now);
    await revokeUserSessions(tx, user.id, now);
    return { email: user.email, replaced: user.passwordHash !== null, review: await openPasskeyReview(tx, deps, browser, user.id) };
  });
  announceNewWayIn(deps, browser, reset.email, { kind: 'password', replaced: reset.replaced });
  const step = passwordStep(deps, reset.email, 'password-reset');
  return reset.review ? { ...step, review: reset.review } : step;
}
