import type { Context } from 'hono';
import type { DoneStep, EmailCodeStep, SignUpRequest } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { checkReturnTo } from '../../http/guard/origin.js';
import { ProblemError } from '../../http/problem.js';
import { randomId } from '../../random.js';
import { findUserByEmail, insertUser } from '../../storage/queries/index.js';
import { isUniqueViolation } from '../../storage/storage.js';
import { checkEmailCode, consumeEmailCode, startEmailFlow } from '../email/flows.js';
import { completeSignIn } from '../sessions/sessions.js';
import { hashPassword } from './hash.js';
import { checkPasswordStrength } from './strength.js';

/**
 * Starts a sign-up. No account is made yet: the pending sign-up waits in the
 * flow until the code proves the address, so nobody can squat an address they
 * do not read. An address with an account gets a notice instead of a code, and
 * the caller gets the same answer either way.
 */
export async function startSignUp(deps: Deps, body: SignUpRequest): Promise<EmailCodeStep> {
  const returnTo = checkReturnTo(deps.config, body.return_to);
  checkPasswordStrength(body.password, body.email);
  const existing = await findUserByEmail(deps.storage, body.email);
  const passwordHash = await hashPassword(body.password);
  return startEmailFlow(deps, {
    purpose: 'sign-up',
    email: body.email,
    userId: null,
    mail: existing ? 'already-registered' : 'code',
    data: { password_hash: passwordHash, name: body.name || null },
    returnTo,
  });
}

/** Verifies the code, creates the account and signs in, all in one transaction. */
export async function finishSignUp(deps: Deps, c: Context, flowId: string, code: string): Promise<DoneStep> {
  const flow = await checkEmailCode(deps, flowId, code, 'sign-up');
  const now = deps.clock();
  try {
    return await deps.storage.transaction(async (tx) => {
      await consumeEmailCode(tx, deps, flow);
      const user = await insertUser(tx, {
        id: randomId('usr'),
        email: flow.email,
        emailVerifiedAt: now,
        passwordHash: String(flow.data.password_hash),
        name: (flow.data.name as string | null) ?? null,
        createdAt: now,
      });
      // amr says how the session was made: with the password chosen at sign-up. The code only proved the address.
      return completeSignIn(tx, deps, c, user, ['pwd'], flow.returnTo);
    });
  } catch (error) {
    // The address got an account meanwhile (a parallel sign-up won): this flow is void.
    if (isUniqueViolation(error)) throw new ProblemError('code_expired');
    throw error;
  }
}
