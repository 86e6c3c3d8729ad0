import type { PasswordSignInRequest } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { refuseWhereSsoRequired } from '../orgs/sso.js';
import { checkReturnTo } from '../../http/guard/origin.js';
import { ProblemError } from '../../http/problem.js';
import { findUserByEmail } from '../../storage/queries/index.js';
import { takePasswordAttempt } from '../sign-in/attempts.js';
import type { Browser } from '../sign-in/browser.js';
import { recordSignInFailure } from '../sign-in/failures.js';
import { completeFirstFactor, type StepOutcome } from '../sign-in/complete.js';
import { verifyPassword } from './hash.js';

/**
 * The password as first factor. Unknown account and wrong password are one
 * answer, in one time; only failures count against the lockout budgets.
 */
export async function signInWithPassword(deps: Deps, browser: Browser, body: PasswordSignInRequest): Promise<StepOutcome> {
  const returnTo = checkReturnTo(deps.config, body.return_to);
  if (!deps.config.signIn.methods.includes('password')) throw new ProblemError('invalid_request', { detail: 'password sign-in is not offered' });
  // By the domain alone, before the attempt is counted or any account read.
  await refuseWhereSsoRequired(deps, body.email);
  const attempt = await takePasswordAttempt(deps, browser, body.email);
  const user = await findUserByEmail(deps.storage, body.email);
  const ok = await verifyPassword(user?.passwordHash, body.password);
  if (!user || !ok) {
    // Recorded alike for an unknown account and a wrong password (one insert each): no timing difference.
    await recordSignInFailure(deps.storage, deps, browser, { userId: user?.id ?? null, email: body.email, method: 'pwd', at: deps.clock() });
    throw new ProblemError('invalid_credentials');
  }
  await attempt.giveBack();
  return deps.storage.transaction((tx) => completeFirstFactor(tx, deps, browser, user, { method: 'pwd', at: deps.clock().toISOString() }, returnTo));
}
