import type { EmailCodeStep } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { refuseWhereSsoRequired } from '../orgs/sso.js';
import { ProblemError } from '../../http/problem.js';
import { findUserByEmail, findUserById } from '../../storage/queries/index.js';
import type { Browser } from '../sign-in/browser.js';
import { completeFirstFactor, type StepOutcome } from '../sign-in/complete.js';
import { openCodeFlow, redeemCode, startCodeFlow } from './code-flow.js';

/** Mails a sign-in code if the address has an account; the answer and the work are the same if not. */
export async function startEmailCodeSignIn(deps: Deps, browser: Browser, email: string, returnTo: string | null): Promise<EmailCodeStep> {
  // A domain that requires SSO gets no code, with or without an account.
  await refuseWhereSsoRequired(deps, email);
  const user = await findUserByEmail(deps.storage, email);
  return startCodeFlow(deps, browser, { purpose: 'sign-in', email, userId: user?.id ?? null, mail: user ? 'code' : 'nothing', returnTo });
}

/** The mailed code is the first factor (`email_code`, amr `email`: never TOTP's `otp`); the broker decides what comes next. */
export async function finishEmailCodeSignIn(deps: Deps, browser: Browser, flowId: string, code: string): Promise<StepOutcome> {
  const flow = await openCodeFlow(deps, browser, flowId, 'sign-in');
  return redeemCode(deps, browser, flow, code, async (tx, redeemed) => {
    const user = redeemed.userId ? await findUserById(tx, redeemed.userId) : undefined;
    // The account was deleted since the code was mailed.
    if (!user) throw new ProblemError('code_expired');
    return completeFirstFactor(tx, deps, browser, user, { method: 'email_code', at: deps.clock().toISOString() }, redeemed.data.return_to);
  });
}
