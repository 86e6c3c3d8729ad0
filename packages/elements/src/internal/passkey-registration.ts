import type { PasskeyRegistrationJSON, PasskeyRegistrationStep } from '@latchkey/client';
import { ceremony, fromBase64url, passkeysSupported, PasskeyCeremonyError, toBase64url } from './passkeys.js';

/**
 * Asks the browser to create a passkey (its dialog, stopped by `signal`), and
 * answers it in the JSON form the broker verifies (`PublicKeyCredential.toJSON()`'s
 * shape, which not every browser has yet).
 *
 * The WebAuthn call is made here, as `getPasskey` does for sign-in, rather than
 * through `@simplewebauthn/browser`'s `startRegistration`: that one's error
 * classifier and global abort service cost the elements about 2 kB gzip, which the
 * 50 kB budget no longer had once social sign-in came in (issue 21); `ceremony`
 * already tells the browser's errors apart, and `signal` stops the dialog.
 */
export async function createPasskey(step: PasskeyRegistrationStep, signal: AbortSignal): Promise<PasskeyRegistrationJSON> {
  if (!passkeysSupported()) throw new PasskeyCeremonyError('unsupported');
  const o = step.options;
  return ceremony(
    async () => {
      const credential = (await navigator.credentials.create({
        signal,
        publicKey: {
          ...o,
          challenge: fromBase64url(o.challenge),
          user: { ...o.user, id: fromBase64url(o.user.id) },
          excludeCredentials: o.excludeCredentials?.map((c) => ({ ...c, id: fromBase64url(c.id) })),
        } as PublicKeyCredentialCreationOptions,
      })) as PublicKeyCredential | null;
      if (!credential) throw new DOMException('No passkey was created', 'NotAllowedError');
      const r = credential.response as AuthenticatorAttestationResponse;
      // Level 2 browsers lack the getters; the broker reads the attestation object then.
      const publicKey = r.getPublicKey?.();
      return {
        id: credential.id,
        rawId: credential.id,
        type: 'public-key',
        response: {
          clientDataJSON: toBase64url(r.clientDataJSON),
          attestationObject: toBase64url(r.attestationObject),
          authenticatorData: r.getAuthenticatorData ? toBase64url(r.getAuthenticatorData()) : undefined,
          transports: r.getTransports?.() as PasskeyRegistrationJSON['response']['transports'],
          publicKeyAlgorithm: r.getPublicKeyAlgorithm?.(),
          publicKey: publicKey ? toBase64url(publicKey) : undefined,
        },
        authenticatorAttachment: (credential.authenticatorAttachment ?? undefined) as PasskeyRegistrationJSON['authenticatorAttachment'],
        clientExtensionResults: credential.getClientExtensionResults() as Record<string, unknown>,
      };
    },
    o.timeout,
    signal,
  );
}
