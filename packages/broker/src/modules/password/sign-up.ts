import type { EmailCodeStep, SignUpRequest } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { refuseWhereSsoRequired } from '../orgs/sso.js';
import { checkReturnTo } from '../../http/guard/origin.js';
import { ProblemError } from '../../http/problem.js';
import { randomId } from '../../random.js';
import { findUserByEmail, insertUser } from '../../storage/queries/index.js';
import { isUniqueViolation } from '../../storage/storage.js';
import { openCodeFlow, redeemCode, startCodeFlow } from '../email/code-flow.js';
import { startPasskeySignUp } from '../passkeys/sign-up.js';
import type { Browser } from '../sign-in/browser.js';
import { completeFirstFactor, type StepOutcome } from '../sign-in/complete.js';
import { hashPassword } from './hash.js';
import { checkPasswordStrength } from './strength.js';

/**
 * Starts a sign-up. No account is made yet: the pending sign-up waits in the
 * flow until the code proves the address, so nobody can squat an address they
 * do not read. An address with an account gets a notice instead of a code, and
 * the caller gets the same answer either way.
 */
export async function startSignUp(deps: Deps, browser: Browser, body: SignUpRequest): Promise<EmailCodeStep> {
  const returnTo = checkReturnTo(deps.config, body.return_to);
  if (body.password === undefined && !deps.config.signIn.methods.includes('passkey')) throw new ProblemError('invalid_request', { errors: [{ path: 'password', message: 'Required' }] });
  // Accounts of a domain that requires SSO come from its IdP (JIT), never from a sign-up form.
  await refuseWhereSsoRequired(deps, body.email);
  // Judged with what the caller sent (the address and name), never with an existing account's data.
  if (body.password !== undefined) await checkPasswordStrength(body.password, { serviceWords: deps.config.passwords.contextWords, email: body.email, name: body.name });
  const existing = await findUserByEmail(deps.storage, body.email);
  // Passkey-first: nothing to hash, for a taken address as for a free one.
  const signUp = body.password === undefined ? { passkey: true } : { password_hash: await hashPassword(body.password) };
  return startCodeFlow(deps, browser, {
    purpose: 'sign-up',
    email: body.email,
    userId: null,
    // A taken address gets its owner a notice, never a code: its flow can never reach a passkey registration.
    mail: existing ? 'already-registered' : 'code',
    returnTo,
    signUp: { ...signUp, name: body.name || null },
  });
}

/**
 * Verifies the code and creates the account; the new account's first factor is
 * the password it chose. A passkey-first sign-up instead gets its passkey
 * registration here, and its account is made with the passkey.
 */
export async function finishSignUp(deps: Deps, browser: Browser, flowId: string, code: string): Promise<StepOutcome> {
  const flow = await openCodeFlow(deps, browser, flowId, 'sign-up');
  try {
    return await redeemCode(deps, browser, flow, code, async (tx, redeemed) => {
      if (redeemed.data.passkey) {
        const { email, name, return_to } = redeemed.data;
        return { step: await startPasskeySignUp(tx, deps, browser, { email, name: name ?? null, return_to }) };
      }
      const now = deps.clock();
      const user = await insertUser(tx, {
        id: randomId('usr'),
        email: redeemed.data.email,
        emailVerifiedAt: now,
        passwordHash: redeemed.data.password_hash ?? null,
        name: redeemed.data.name ?? null,
        createdAt: now,
      });
      // The factor says how the session was made: with the password chosen at sign-up. The code only proved the address.
      return completeFirstFactor(tx, deps, browser, user, { method: 'pwd', at: deps.clock().toISOString() }, redeemed.data.return_to);
    });
  } catch (error) {
    // The address got an account meanwhile (a parallel sign-up won): this flow is void.
    if (isUniqueViolation(error)) throw new ProblemError('code_expired');
    throw error;
  }
}
