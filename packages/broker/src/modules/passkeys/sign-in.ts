import type { PasskeyStep } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { finishPasskeySignInOnce, listUserPasskeys } from '../../storage/queries/index.js';
import type { Db } from '../../storage/storage.js';
import type { Browser } from '../sign-in/browser.js';
import { planFirstFactor, type StepOutcome } from '../sign-in/complete.js';
import {
  ceremonyKey,
  CounterRegression,
  findAssertionCeremony,
  notOpen,
  openCeremony,
  PASSKEY_SECOND_FACTOR,
  PASSKEY_SIGN_IN,
  passkeyConfig,
  passkeySignInConfig,
  recordingCounterRegressions,
  type ChallengeData,
  type PasskeySignInFlow,
} from './ceremony.js';
import { passkeyStep, requestOptions } from './options.js';
import type { AssertionCredential } from './schema.js';
import { verifyAssertion } from './verify.js';

/**
 * Starts a discoverable passkey sign-in: a challenge for this browser and the
 * options to ask the authenticator with. It touches no account, so it answers
 * every caller alike (the sign-in button, autofill, identify).
 *
 * @example
 * const step = await startPasskeySignIn(deps, browserOf(c, deps.config), null); // { step: 'passkey', flow_id, options, expires_at }
 */
export async function startPasskeySignIn(deps: Deps, browser: Browser, returnTo: string | null): Promise<PasskeyStep> {
  const options = await requestOptions(passkeySignInConfig(deps));
  const flow = await openCeremony<PasskeySignInFlow>(deps.storage, deps, browser, {
    kind: PASSKEY_SIGN_IN,
    userId: null,
    data: { challenge: options.challenge, return_to: returnTo },
  });
  return passkeyStep(flow, options);
}

/**
 * The assertion is the first factor (a passkey: amr `hwk` or `swk`, with `user`). The
 * ceremony and the credential are read, the assertion verified, the engine
 * decides what comes next, and then one statement writes it all or nothing:
 * the challenge consumed if still open, the counter moved if it still moves
 * forward, the session opened (or the pending sign-in stored). Three round
 * trips to the database with the rate limit, no transaction to hold open.
 */
export async function finishPasskeySignIn(deps: Deps, browser: Browser, flowId: string, credential: AssertionCredential): Promise<StepOutcome> {
  passkeySignInConfig(deps);
  const key = ceremonyKey(deps, browser, flowId, PASSKEY_SIGN_IN);
  return recordingCounterRegressions(deps, async () => {
    const found = await findAssertionCeremony<PasskeySignInFlow>(deps.storage, key, 'sign-in', credential.id);
    const { user, factor, passkey, use } = await verifyAssertion(deps, { name: 'sign-in', challenge: found.flow.data.challenge, userId: null }, credential, found);
    // No transaction is held here: the requirements read through the storage, and one statement writes the plan.
    const plan = await planFirstFactor(deps.storage, deps, browser, user, factor, found.flow.data.return_to);
    const written = await finishPasskeySignInOnce(deps.storage, key, use, plan.store);
    // Another finish of this ceremony, or of an assertion with this counter, won the race.
    if (!written.open) throw notOpen('sign-in');
    if (!written.moved) throw new CounterRegression('sign-in', passkey.id, passkey.counter, use.counter);
    return plan.outcome;
  });
}

/**
 * Opens a passkey challenge for one user's own credentials, as a second factor
 * (for the MFA step; finish it with `verifyPasskeyAssertion`). `extra` is kept
 * in the ceremony's data beside the challenge (the MFA step keeps which
 * pending sign-in the passkey answers).
 *
 * @example
 * const step = await deps.storage.transaction((tx) => startPasskeySecondFactor(tx, deps, browser, user.id, { pending_sign_in: pending.id }));
 * // step.options.allowCredentials lists the user's passkeys; step.flow_id goes back with the assertion.
 */
export async function startPasskeySecondFactor(tx: Db, deps: Deps, browser: Browser, userId: string, extra: object = {}, kind = PASSKEY_SECOND_FACTOR): Promise<PasskeyStep> {
  const options = await requestOptions(passkeyConfig(deps), await listUserPasskeys(tx, userId));
  const flow = await openCeremony<ChallengeData>(tx, deps, browser, { kind, userId, data: { ...extra, challenge: options.challenge } });
  return passkeyStep(flow, options);
}
