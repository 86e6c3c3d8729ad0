import type { PasskeyStep } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { findOpenFlow, findUserById, listUserPasskeys, type FlowKey } from '../../storage/queries/index.js';
import { ceremonyKey, notOpen, PASSKEY_SECOND_FACTOR, passkeyConfig, recordingCounterRegressions, type ChallengeData } from '../passkeys/ceremony.js';
import type { AssertionCredential } from '../passkeys/schema.js';
import { startPasskeySecondFactor } from '../passkeys/sign-in.js';
import { verifyPasskeyAssertion } from '../passkeys/verify.js';
import type { Browser } from '../sign-in/browser.js';
import { advanceSignIn, PENDING_SIGN_IN, type PendingSignIn, type StepOutcome } from '../sign-in/complete.js';

/** A second-factor passkey ceremony of the MFA step: which pending sign-in it answers. */
interface MfaPasskeyCeremony extends ChallengeData {
  pending_sign_in: string;
}

/** This browser's open pending sign-in `id` and its account, or `code_expired` (unknown, done, expired, another browser's). */
export async function pendingSignIn(deps: Deps, browser: Browser, id: string) {
  const key: FlowKey = { id, kind: PENDING_SIGN_IN, bindingHash: browser.bindingHash, now: deps.clock() };
  const pending = await findOpenFlow<PendingSignIn>(deps.storage, key);
  const user = pending?.userId ? await findUserById(deps.storage, pending.userId) : undefined;
  if (!pending || !user) throw new ProblemError('code_expired');
  return { pending, user };
}

/**
 * The `mfa` step answered with a passkey, first half (`POST
 * /v1/sign-in/mfa/passkey/options`): a challenge for the account's own
 * passkeys, bound to this browser and to the pending sign-in it answers.
 */
export async function startMfaPasskey(deps: Deps, browser: Browser, pendingId: string): Promise<PasskeyStep> {
  passkeyConfig(deps);
  const { user } = await pendingSignIn(deps, browser, pendingId);
  if ((await listUserPasskeys(deps.storage, user.id)).length === 0) throw new ProblemError('invalid_request', { detail: 'the account has no passkey' });
  return deps.storage.transaction((tx) => startPasskeySecondFactor(tx, deps, browser, user.id, { pending_sign_in: pendingId }));
}

/**
 * Second half (`POST /v1/sign-in/mfa/passkey`): the assertion is checked as a
 * sign-in's, restricted to the account's credentials, and in one transaction
 * the ceremony is consumed (once), the counter moved (once) and the pending
 * sign-in advanced with the passkey factor. No attempt is counted: a
 * signature cannot be guessed, and a refused assertion writes nothing.
 */
export async function finishMfaPasskey(deps: Deps, browser: Browser, ceremonyId: string, credential: AssertionCredential): Promise<StepOutcome> {
  passkeyConfig(deps);
  const key = ceremonyKey(deps, browser, ceremonyId, PASSKEY_SECOND_FACTOR);
  const ceremony = await findOpenFlow<MfaPasskeyCeremony>(deps.storage, key);
  if (!ceremony?.data.pending_sign_in) throw notOpen('second factor');
  const { pending, user } = await pendingSignIn(deps, browser, ceremony.data.pending_sign_in);
  return recordingCounterRegressions(deps, () =>
    deps.storage.transaction(async (tx) => {
      const { factor } = await verifyPasskeyAssertion(tx, deps, browser, user.id, ceremony, credential);
      return advanceSignIn(tx, deps, browser, user, pending, factor);
    }),
  );
}
