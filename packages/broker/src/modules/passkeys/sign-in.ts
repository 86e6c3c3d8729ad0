import type { PasskeyStep } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { listUserPasskeys } from '../../storage/queries/index.js';
import type { Db } from '../../storage/storage.js';
import type { Browser } from '../sign-in/browser.js';
import { completeFirstFactor, type StepOutcome } from '../sign-in/complete.js';
import { consumeAssertionCeremony, openCeremony, PASSKEY_SECOND_FACTOR, PASSKEY_SIGN_IN, passkeyConfig, recordingCounterRegressions, type ChallengeData, type PasskeySignInFlow } from './ceremony.js';
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
  const options = await requestOptions(passkeyConfig(deps));
  const flow = await openCeremony<PasskeySignInFlow>(deps.storage, deps, browser, {
    kind: PASSKEY_SIGN_IN,
    userId: null,
    data: { challenge: options.challenge, return_to: returnTo },
  });
  return passkeyStep(flow, options);
}

/**
 * The assertion is the first factor (amr `hwk` or `swk`, with `user`): the
 * challenge is consumed, the counter moves, and the engine decides what comes
 * next, all in one transaction — or nothing is written.
 */
export async function finishPasskeySignIn(deps: Deps, browser: Browser, flowId: string, credential: AssertionCredential): Promise<StepOutcome> {
  passkeyConfig(deps);
  return recordingCounterRegressions(deps, () =>
    deps.storage.transaction(async (tx) => {
      const consumed = await consumeAssertionCeremony<PasskeySignInFlow>(tx, deps, browser, flowId, PASSKEY_SIGN_IN, 'sign-in', credential.id);
      const { user, amr } = await verifyAssertion(tx, deps, { name: 'sign-in', challenge: consumed.flow.data.challenge, userId: null }, credential, consumed);
      return completeFirstFactor(tx, deps, browser, user, amr, consumed.flow.data.return_to);
    }),
  );
}

/**
 * Opens a passkey challenge for one user's own credentials, as a second factor
 * (for the MFA step; finish it with `verifyPasskeyAssertion`).
 *
 * @example
 * const step = await deps.storage.transaction((tx) => startPasskeySecondFactor(tx, deps, browser, user.id));
 * // step.options.allowCredentials lists the user's passkeys; step.flow_id goes back with the assertion.
 */
export async function startPasskeySecondFactor(tx: Db, deps: Deps, browser: Browser, userId: string, kind = PASSKEY_SECOND_FACTOR): Promise<PasskeyStep> {
  const options = await requestOptions(passkeyConfig(deps), await listUserPasskeys(tx, userId));
  const flow = await openCeremony<ChallengeData>(tx, deps, browser, { kind, userId, data: { challenge: options.challenge } });
  return passkeyStep(flow, options);
}
