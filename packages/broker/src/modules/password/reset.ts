import type { EmailCodeStep, PasswordStep } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { findUserById, findUserByEmail, revokeUserSessions, setUserPassword } from '../../storage/queries/index.js';
import { checkEmailCode, consumeEmailCode, startEmailFlow } from '../email/flows.js';
import { SIGN_IN_METHODS } from '../identify/identify.js';
import { hashPassword } from './hash.js';
import { checkPasswordStrength } from './strength.js';

/** Mails a reset code to an account's address; unknown addresses get the same answer and no mail. */
export async function startPasswordReset(deps: Deps, email: string): Promise<EmailCodeStep> {
  const user = await findUserByEmail(deps.storage, email);
  return startEmailFlow(deps, { purpose: 'password-reset', email, userId: user?.id ?? null, mail: user ? 'code' : 'nothing' });
}

/**
 * Sets the new password and revokes every session of the account in one
 * transaction: whoever knew the old password is signed out everywhere. The
 * user then signs in with the new one (which also lets password managers save it).
 */
export async function finishPasswordReset(deps: Deps, flowId: string, code: string, password: string): Promise<PasswordStep> {
  const flow = await checkEmailCode(deps, flowId, code, 'password-reset');
  checkPasswordStrength(password, flow.email);
  const user = flow.userId ? await findUserById(deps.storage, flow.userId) : undefined;
  if (!user) throw new ProblemError('code_expired');
  const passwordHash = await hashPassword(password);
  await deps.storage.transaction(async (tx) => {
    await consumeEmailCode(tx, deps, flow);
    const now = deps.clock();
    await setUserPassword(tx, user.id, passwordHash, now);
    await revokeUserSessions(tx, user.id, now);
  });
  return { step: 'password', email: user.email, methods: SIGN_IN_METHODS, notice: 'password-reset' };
}
