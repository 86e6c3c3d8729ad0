import type { MfaStatus } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { countRecoveryCodes, findTotpFactor, listUserPasskeys } from '../../storage/queries/index.js';
import { toWireTotp } from './authenticator-app.js';

/** The user's second factors, as `GET /v1/mfa` answers them: no secret, no code. */
export async function mfaStatus(deps: Deps, userId: string): Promise<MfaStatus> {
  const [totp, recovery, passkeys] = await Promise.all([findTotpFactor(deps.storage, userId), countRecoveryCodes(deps.storage, userId), listUserPasskeys(deps.storage, userId)]);
  return {
    factors: totp ? [toWireTotp(totp)] : [],
    recovery_codes: { remaining: recovery.remaining, created_at: recovery.createdAt?.toISOString() ?? null },
    passkeys: passkeys.length,
  };
}
