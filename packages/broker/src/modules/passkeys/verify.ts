import {
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { PasskeyTransport } from '@latchkey/client';
import type { PasskeyConfig } from '../../config.js';
import type { Deps } from '../../deps.js';
import { recordPasskeyUse, type AssertedPasskey, type FlowRecord, type PasskeyRecord, type PasskeyUse, type SessionUser } from '../../storage/queries/index.js';
import type { Db } from '../../storage/storage.js';
import type { Browser } from '../sign-in/browser.js';
import type { Factor } from '../sign-in/factors.js';
import { consumeAssertionCeremony, CounterRegression, passkeyConfig, rejected, type ChallengeData, type Ceremony } from './ceremony.js';
import type { AssertionCredential, RegistrationCredential } from './schema.js';
import { checkAssertionAuthenticatorData, checkAttestationObject, checkClientData } from './strict-checks.js';

/** EdDSA, ES256, RS256: what the options offer and what a registration may use (WebAuthn §5.8.3). */
export const SUPPORTED_ALGORITHMS = [-8, -7, -257];

const TRANSPORTS: ReadonlySet<string> = new Set<PasskeyTransport>(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb']);

/** The user handle of an account's passkeys: the bytes of its user id (random, no personal data, at most 64 bytes). */
export const userHandleOf = (userId: string) => Buffer.from(userId, 'utf8');

/**
 * The factor a passkey proves, at `at`: synced (a multi-device credential, amr
 * `swk`) or bound to its device (`hwk`); user verification is required of
 * every passkey here (`user`). See sign-in/factors.ts.
 */
export const passkeyFactor = (deviceType: PasskeyRecord['deviceType'], at: Date): Factor => ({ method: 'passkey', at: at.toISOString(), synced: deviceType === 'multi-device' });

/** A registration that verified: what to store. */
export interface VerifiedRegistration {
  credentialId: string;
  publicKey: Uint8Array;
  counter: number;
  transports: PasskeyTransport[];
  aaguid: string;
  deviceType: PasskeyRecord['deviceType'];
  backedUp: boolean;
}

const toDeviceType = (type: 'singleDevice' | 'multiDevice'): PasskeyRecord['deviceType'] => (type === 'multiDevice' ? 'multi-device' : 'single-device');
const attachment = (value: string | null | undefined) => (value === 'platform' || value === 'cross-platform' ? value : undefined);

/**
 * Verifies a new credential against the ceremony's challenge (WebAuthn §7.1):
 * first the steps the library leaves out (`strict-checks.ts`: no cross-origin
 * iframe, one attestation object with nothing after it, authenticator data
 * whose flags match its bytes, a COSE key of its algorithm's type and curve,
 * on its curve), then @simplewebauthn/server's: client data type, challenge,
 * origin (one of the configured origins), RP ID hash, user presence, user
 * verification when required, an offered algorithm, the attestation
 * statement. Any failure is logged and refused as `passkey_rejected`.
 */
export async function verifyRegistration(passkeys: PasskeyConfig, challenge: string, credential: RegistrationCredential, ceremony: Ceremony): Promise<VerifiedRegistration> {
  const response: RegistrationResponseJSON = {
    ...credential,
    response: { ...credential.response, transports: credential.response.transports as AuthenticatorTransportFuture[] | undefined },
    authenticatorAttachment: attachment(credential.authenticatorAttachment),
  };
  let result: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    checkClientData(credential.response.clientDataJSON);
    checkAttestationObject(credential.response.attestationObject, SUPPORTED_ALGORITHMS);
    result = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: passkeys.origins,
      expectedRPID: passkeys.rpId,
      requireUserVerification: passkeys.userVerification === 'required',
      supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
    });
  } catch (error) {
    throw rejected(ceremony, (error as Error).message);
  }
  if (!result.verified) throw rejected(ceremony, 'the attestation statement did not verify');
  const info = result.registrationInfo;
  // The id the browser reports must be the one the authenticator attested: it is how assertions find the key.
  if (info.credential.id !== credential.id) throw rejected(ceremony, 'the credential id does not match the attested one');
  return {
    credentialId: info.credential.id,
    publicKey: info.credential.publicKey,
    counter: info.credential.counter,
    transports: (credential.response.transports ?? []).filter((t): t is PasskeyTransport => TRANSPORTS.has(t)),
    aaguid: info.aaguid,
    deviceType: toDeviceType(info.credentialDeviceType),
    backedUp: info.credentialBackedUp,
  };
}

/** An assertion that verified: the passkey, its account, and what it proves. */
export interface VerifiedAssertion {
  passkey: AssertedPasskey;
  user: SessionUser;
  /** What it proves: a passkey factor, synced or device-bound. */
  factor: Factor;
  /** What to record: the counter it signed, checked against the one read; write it with a conditional statement. */
  use: PasskeyUse;
}

/**
 * Verifies an assertion against the ceremony's challenge (WebAuthn §7.2);
 * `found` is the credential the assertion names and its account, as read with
 * the ceremony's flow. Writes nothing:
 * - the credential must be registered — to `userId` when one is given (a
 *   second factor), else to whichever account its user handle names;
 * - the user handle, required when no user was identified before (a
 *   discoverable sign-in), must be the credential's account's;
 * - no cross-origin iframe, and authenticator data whose flags match its
 *   bytes (`strict-checks.ts`, the steps the library leaves out); then client
 *   data, origin, RP ID hash, user presence and verification and the
 *   signature are checked by @simplewebauthn/server;
 * - the signature counter must move forward from the one read unless it is 0
 *   on both sides (synced passkeys): a signed assertion that does not is a
 *   `CounterRegression`.
 * The caller records the use with one conditional statement that checks the
 * counter again (`recordPasskeyUse`, `finishPasskeySignInOnce`), so the same
 * counter never passes twice, even in parallel.
 */
export async function verifyAssertion(
  deps: Deps,
  ceremony: { name: Ceremony; challenge: string; userId: string | null },
  credential: AssertionCredential,
  found: { passkey?: AssertedPasskey; user?: SessionUser },
): Promise<VerifiedAssertion> {
  const passkeys = passkeyConfig(deps);
  const { passkey, user } = found;
  if (!passkey || !user) throw rejected(ceremony.name, 'the credential is not registered here');
  if (ceremony.userId !== null && passkey.userId !== ceremony.userId) throw rejected(ceremony.name, "the credential is another account's");
  const userHandle = credential.response.userHandle ?? undefined;
  if (userHandle === undefined && ceremony.userId === null) throw rejected(ceremony.name, 'a discoverable credential answered without its user handle');
  if (userHandle !== undefined && userHandle !== userHandleOf(passkey.userId).toString('base64url')) {
    throw rejected(ceremony.name, "the user handle is not the credential's account");
  }
  const response: AuthenticationResponseJSON = {
    ...credential,
    response: { ...credential.response, userHandle },
    authenticatorAttachment: attachment(credential.authenticatorAttachment),
  };
  let result: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    checkClientData(credential.response.clientDataJSON);
    checkAssertionAuthenticatorData(credential.response.authenticatorData);
    result = await verifyAuthenticationResponse({
      response,
      expectedChallenge: ceremony.challenge,
      expectedOrigin: passkeys.origins,
      expectedRPID: passkeys.rpId,
      // Counter 0 turns the library's own counter check off: it runs before the signature is
      // checked, and only a correctly signed regression is worth recording (below).
      credential: { id: passkey.credentialId, publicKey: new Uint8Array(passkey.publicKey), counter: 0 },
      requireUserVerification: passkeys.userVerification === 'required',
    });
  } catch (error) {
    throw rejected(ceremony.name, (error as Error).message);
  }
  if (!result.verified) throw rejected(ceremony.name, 'the signature does not verify');
  const { newCounter, credentialBackedUp, credentialDeviceType } = result.authenticationInfo;
  if ((newCounter > 0 || passkey.counter > 0) && newCounter <= passkey.counter) throw new CounterRegression(ceremony.name, passkey.id, passkey.counter, newCounter);
  return { passkey, user, factor: passkeyFactor(toDeviceType(credentialDeviceType), deps.clock()), use: { id: passkey.id, counter: newCounter, backedUp: credentialBackedUp, at: deps.clock() } };
}

/**
 * A passkey as the second factor of `userId` (for the MFA step): consumes the
 * flow the step opened (one use, this browser), verifies the assertion with
 * the checks of a sign-in, restricted to that user's credentials, and records
 * the use (one conditional UPDATE). Run it in the transaction that completes
 * the step, inside `recordingCounterRegressions`.
 *
 * @example
 * const outcome = await recordingCounterRegressions(deps, () =>
 *   deps.storage.transaction(async (tx) => {
 *     const { factor } = await verifyPasskeyAssertion(tx, deps, browser, user.id, flow, credential);
 *     return advanceSignIn(tx, deps, browser, user, pending, factor);
 *   }));
 */
export async function verifyPasskeyAssertion(
  tx: Db,
  deps: Deps,
  browser: Browser,
  userId: string,
  flow: Pick<FlowRecord<ChallengeData>, 'id' | 'kind'>,
  credential: AssertionCredential,
): Promise<VerifiedAssertion> {
  const consumed = await consumeAssertionCeremony<ChallengeData>(tx, deps, browser, flow.id, flow.kind, 'second factor', credential.id);
  if (consumed.flow.userId !== userId) throw rejected('second factor', 'the ceremony was opened for another account');
  const verified = await verifyAssertion(deps, { name: 'second factor', challenge: consumed.flow.data.challenge, userId }, credential, consumed);
  if (!(await recordPasskeyUse(tx, verified.use.id, verified.use))) throw new CounterRegression('second factor', verified.passkey.id, verified.passkey.counter, verified.use.counter);
  return verified;
}
