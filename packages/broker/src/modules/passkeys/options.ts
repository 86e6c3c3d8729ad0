import { generateAuthenticationOptions, generateRegistrationOptions, type AuthenticatorTransportFuture } from '@simplewebauthn/server';
import type { PasskeyCreationOptionsJSON, PasskeyRegistrationStep, PasskeyRequestOptionsJSON, PasskeyStep } from '@latchkey/client';
import type { PasskeyConfig } from '../../config.js';
import type { FlowRecord, PasskeyRecord } from '../../storage/queries/index.js';
import type { ChallengeData } from './ceremony.js';
import { SUPPORTED_ALGORITHMS, userHandleOf } from './verify.js';

const descriptors = (passkeys: PasskeyRecord[]) => passkeys.map((p) => ({ id: p.credentialId, transports: p.transports as AuthenticatorTransportFuture[] }));

/**
 * What `navigator.credentials.get()` is asked. Empty `allowCredentials` for a
 * sign-in (discoverable: the authenticator offers the user's passkeys, so no
 * email is asked and nothing tells whether an address has one); a second
 * factor lists the user's own.
 */
export async function requestOptions(passkeys: PasskeyConfig, allow: PasskeyRecord[] = []): Promise<PasskeyRequestOptionsJSON> {
  const options = await generateAuthenticationOptions({
    rpID: passkeys.rpId,
    allowCredentials: descriptors(allow),
    userVerification: passkeys.userVerification,
    timeout: passkeys.timeoutMs,
  });
  const { extensions, ...rest } = options;
  return { ...rest, allowCredentials: rest.allowCredentials ?? [], ...(extensions ? { extensions: { ...extensions } } : {}) };
}

/**
 * What `navigator.credentials.create()` is asked: a discoverable credential
 * (resident key required, so it can sign in without an email), user
 * verification as configured, and the user's existing credentials excluded so
 * an authenticator never holds two for one account.
 */
export async function creationOptions(
  passkeys: PasskeyConfig,
  user: { id: string; email: string; name: string | null },
  exclude: PasskeyRecord[] = [],
): Promise<PasskeyCreationOptionsJSON> {
  const { extensions, ...options } = await generateRegistrationOptions({
    rpName: passkeys.rpName,
    rpID: passkeys.rpId,
    userID: userHandleOf(user.id),
    userName: user.email,
    userDisplayName: user.name || user.email,
    timeout: passkeys.timeoutMs,
    attestationType: passkeys.attestation,
    excludeCredentials: descriptors(exclude),
    authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: passkeys.userVerification },
    supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
  });
  return { ...options, ...(extensions ? { extensions: { ...extensions } } : {}) };
}

export const passkeyStep = (flow: FlowRecord<ChallengeData>, options: PasskeyRequestOptionsJSON): PasskeyStep => ({
  step: 'passkey',
  flow_id: flow.id,
  options,
  expires_at: flow.expiresAt.toISOString(),
});

export const registrationStep = (flow: FlowRecord<ChallengeData>, options: PasskeyCreationOptionsJSON): PasskeyRegistrationStep => ({
  step: 'passkey-registration',
  flow_id: flow.id,
  options,
  expires_at: flow.expiresAt.toISOString(),
});
