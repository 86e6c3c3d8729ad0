import type { StepUpMethod } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { findTotpFactor, listUserPasskeys, type UserRecord } from '../../storage/queries/index.js';
import { hasRecoveryCodes } from '../mfa/recovery-codes.js';

/**
 * What `user` can step up with, most convenient first. With an authenticator
 * app only a second factor satisfies `isRecent`, so only those are offered:
 * the app, a recovery code while some are left, a passkey. Otherwise a
 * password (if the account has one), a passkey (if it has one), and a code
 * mailed to its own address, which every account can receive.
 *
 * @example
 * await stepUpMethods(deps, user); // ['password', 'passkey', 'email-code']
 */
export async function stepUpMethods(deps: Deps, user: Pick<UserRecord, 'id' | 'passwordHash'>): Promise<StepUpMethod[]> {
  const passkeys = deps.config.passkeys ? (await listUserPasskeys(deps.storage, user.id)).length > 0 : false;
  if (await findTotpFactor(deps.storage, user.id)) {
    const recovery = await hasRecoveryCodes(deps.storage, user.id);
    return ['totp', ...(recovery ? (['recovery-code'] as const) : []), ...(passkeys ? (['passkey'] as const) : [])];
  }
  return [...(user.passwordHash ? (['password'] as const) : []), ...(passkeys ? (['passkey'] as const) : []), 'email-code'];
}
