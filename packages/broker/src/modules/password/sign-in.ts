import type { Context } from 'hono';
import type { DoneStep, PasswordSignInRequest } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { checkReturnTo } from '../../http/guard/origin.js';
import { limitAccount } from '../../http/guard/rate-limit.js';
import { ProblemError } from '../../http/problem.js';
import { findUserByEmail } from '../../storage/queries/index.js';
import { completeSignIn } from '../sessions/sessions.js';
import { verifyPassword } from './hash.js';

/** Signs in with a password. Unknown account and wrong password are one answer, in one time. */
export async function signInWithPassword(deps: Deps, c: Context, body: PasswordSignInRequest): Promise<DoneStep> {
  const returnTo = checkReturnTo(deps.config, body.return_to);
  await limitAccount(deps, body.email);
  const user = await findUserByEmail(deps.storage, body.email);
  const ok = await verifyPassword(user?.passwordHash, body.password);
  if (!user || !ok) throw new ProblemError('invalid_credentials');
  return deps.storage.transaction((tx) => completeSignIn(tx, deps, c, user, ['pwd'], returnTo));
}
