import type { PasskeyRegistrationRequest, PasskeyRegistrationStep } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { randomId } from '../../random.js';
import { consumeFlow, insertPasskey, insertUser } from '../../storage/queries/index.js';
import { isUniqueViolation, type Db } from '../../storage/storage.js';
import type { Browser } from '../sign-in/browser.js';
import { completeFirstFactor, type StepOutcome } from '../sign-in/complete.js';
import { passkeyDefaultName } from './aaguids.js';
import { consumeCeremony, openCeremony, PASSKEY_SIGN_UP, passkeySignInConfig, rejected, type PasskeySignUpFlow } from './ceremony.js';
import { creationOptions, registrationStep } from './options.js';
import type { RegistrationCredential } from './schema.js';
import { passkeyFactor, verifyRegistration } from './verify.js';

/** How long a proven address waits for its passkey, however often the dialog is reopened. */
const PENDING_SIGN_UP_MS = 15 * 60_000;

/** A fresh registration ceremony for a pending sign-up (same account id, new challenge). */
async function openSignUpCeremony(tx: Db, deps: Deps, browser: Browser, pending: Omit<PasskeySignUpFlow, 'challenge' | 'challenge_until'>): Promise<PasskeyRegistrationStep> {
  const passkeys = passkeySignInConfig(deps);
  const options = await creationOptions(passkeys, { id: pending.user_id, email: pending.email, name: pending.name });
  const pendingUntil = Date.parse(pending.pending_until);
  const challengeUntil = new Date(Math.min(deps.clock().getTime() + passkeys.timeoutMs, pendingUntil));
  const flow = await openCeremony<PasskeySignUpFlow>(tx, deps, browser, {
    kind: PASSKEY_SIGN_UP,
    userId: null,
    data: { ...pending, challenge: options.challenge, challenge_until: challengeUntil.toISOString() },
    // Open as long as the pending sign-up, so "Try again" after a timed-out dialog can restart it.
    keepUntil: new Date(pendingUntil),
  });
  return { ...registrationStep(flow, options), expires_at: challengeUntil.toISOString() };
}

/**
 * A passkey-first sign-up whose mailed code was just redeemed (in `tx`): no
 * account yet, only a registration ceremony bound to this browser that carries
 * the address, the name and where to return. The account id is chosen now, as
 * the passkey's user handle.
 */
export function startPasskeySignUp(tx: Db, deps: Deps, browser: Browser, pending: { email: string; name: string | null; return_to: string | null }): Promise<PasskeyRegistrationStep> {
  return openSignUpCeremony(tx, deps, browser, {
    ...pending,
    user_id: randomId('usr'),
    pending_until: new Date(deps.clock().getTime() + PENDING_SIGN_UP_MS).toISOString(),
  });
}

/**
 * Asks again after a cancelled or timed-out dialog: the old challenge is used up
 * and a new one issued for the same pending sign-up. Refused with
 * `code_expired` when the pending sign-up is gone: start the sign-up again.
 */
export async function restartPasskeySignUp(deps: Deps, browser: Browser, flowId: string): Promise<PasskeyRegistrationStep> {
  passkeySignInConfig(deps);
  return deps.storage.transaction(async (tx) => {
    const now = deps.clock();
    const old = await consumeFlow<PasskeySignUpFlow>(tx, { id: flowId, kind: PASSKEY_SIGN_UP, bindingHash: browser.bindingHash, now });
    if (!old || Date.parse(old.data.pending_until) <= now.getTime()) throw new ProblemError('code_expired');
    const { challenge: _used, challenge_until: _ended, ...pending } = old.data;
    return openSignUpCeremony(tx, deps, browser, pending);
  });
}

/**
 * Makes the account (address verified, no password) and its passkey in one
 * transaction that consumes the ceremony, then the session: an account never
 * exists without a way in, and of two parallel finishes one wins.
 */
export async function finishPasskeySignUp(deps: Deps, browser: Browser, body: Omit<PasskeyRegistrationRequest, 'credential'> & { credential: RegistrationCredential }): Promise<StepOutcome> {
  const passkeys = passkeySignInConfig(deps);
  return deps.storage.transaction(async (tx) => {
    const flow = await consumeCeremony<PasskeySignUpFlow>(tx, deps, browser, body.flow_id, PASSKEY_SIGN_UP, 'sign-up');
    // Refused before anything is written, so the rollback leaves the flow open for a restart.
    if (Date.parse(flow.data.challenge_until) <= deps.clock().getTime()) throw rejected('sign-up', 'the challenge outlived its dialog');
    const verified = await verifyRegistration(passkeys, flow.data.challenge, body.credential, 'sign-up');
    const now = deps.clock();
    const user = await insertUser(tx, { id: flow.data.user_id, email: flow.data.email, emailVerifiedAt: now, passwordHash: null, name: flow.data.name, createdAt: now }).catch(
      (error: unknown) => {
        // The address got an account meanwhile (a parallel sign-up won): this pending sign-up is void.
        throw isUniqueViolation(error) ? new ProblemError('code_expired') : error;
      },
    );
    const passkey = await insertPasskey(tx, { ...verified, id: randomId('pk'), userId: user.id, name: body.name ?? passkeyDefaultName(verified.aaguid), createdAt: now });
    if (!passkey) throw rejected('sign-up', "the credential is registered to another account");
    return completeFirstFactor(tx, deps, browser, user, passkeyFactor(passkey.deviceType, now), flow.data.return_to);
  });
}
