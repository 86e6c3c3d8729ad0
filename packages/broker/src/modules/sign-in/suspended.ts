import { ProblemError } from '../../http/problem.js';
import { isUserSuspended } from '../../storage/queries/index.js';
import type { Db } from '../../storage/storage.js';

/**
 * The engine's refusal of a suspended account (an operator's `POST /admin/v1/users/{id}/suspend`):
 * asked before every step it decides (`nextStep`, modules/sign-in/complete.ts), so no sign-in of
 * any method — password, email code, passkey, social, OIDC, SAML, a pending MFA step — opens a
 * session for it. It runs only once a first factor has passed: a caller who could not sign in
 * to the account hears the same as for an unknown one (`invalid_credentials`, a mailed code
 * that never comes), and only someone who just proved a factor of it learns it is suspended
 * (403 `account_suspended`). Read through the caller's transaction with a share lock, so a
 * suspension and a sign-in racing each other never leave a session open (see `isUserSuspended`).
 */
export async function refuseSuspendedAccount(db: Db, userId: string): Promise<void> {
  if (await isUserSuspended(db, userId)) throw new ProblemError('account_suspended');
}
