import type { Context } from 'hono';
import type { DoneStep, EmailCodeSignInRequest, EmailCodeStep } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { checkReturnTo } from '../../http/guard/origin.js';
import { ProblemError } from '../../http/problem.js';
import { findUserByEmail, findUserById } from '../../storage/queries/index.js';
import { completeSignIn } from '../sessions/sessions.js';
import { checkEmailCode, consumeEmailCode, startEmailFlow } from './flows.js';

/** Mails a sign-in code if the address has an account; the answer is the same if not. */
export async function startEmailCodeSignIn(deps: Deps, body: EmailCodeSignInRequest): Promise<EmailCodeStep> {
  const returnTo = checkReturnTo(deps.config, body.return_to);
  const user = await findUserByEmail(deps.storage, body.email);
  return startEmailFlow(deps, { purpose: 'sign-in', email: body.email, userId: user?.id ?? null, mail: user ? 'code' : 'nothing', returnTo });
}

/** Signs in with the mailed code (amr `otp`). */
export async function finishEmailCodeSignIn(deps: Deps, c: Context, flowId: string, code: string): Promise<DoneStep> {
  const flow = await checkEmailCode(deps, flowId, code, 'sign-in');
  const user = flow.userId ? await findUserById(deps.storage, flow.userId) : undefined;
  if (!user) throw new ProblemError('code_expired');
  return deps.storage.transaction(async (tx) => {
    await consumeEmailCode(tx, deps, flow);
    return completeSignIn(tx, deps, c, user, ['otp'], flow.returnTo);
  });
}
