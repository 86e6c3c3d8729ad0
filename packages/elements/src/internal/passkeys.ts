import type { PasskeyAssertionJSON, PasskeyStep } from '@latchkey/client';
import { PasskeyCeremonyError } from './ceremony-error.js';

export { PasskeyCeremonyError };

const abortError = () => new DOMException('The passkey ceremony was stopped', 'AbortError');

export { passkeysSupported } from './passkey-support.js';

/** Whether passkeys can be offered in the email field's autofill (conditional mediation). Ask only where `passkeysSupported()`. */
export const passkeyAutofillSupported = async (): Promise<boolean> => (await PublicKeyCredential.isConditionalMediationAvailable?.()) === true;

/**
 * Runs one WebAuthn call (stopped by `signal`) and turns what the browser
 * throws into an AbortError (the element moved on) or a `PasskeyCeremonyError`.
 * Browsers answer a closed dialog and a timeout with the same NotAllowedError:
 * the elapsed time tells them apart.
 */
export async function ceremony<T>(run: () => Promise<T>, timeoutMs: number | undefined, signal: AbortSignal): Promise<T> {
  if (signal.aborted) throw abortError();
  const started = Date.now();
  try {
    return await run();
  } catch (error) {
    const name = (error as Error).name;
    if (signal.aborted || name === 'AbortError') throw abortError();
    if (name === 'NotAllowedError') throw new PasskeyCeremonyError(timeoutMs && Date.now() - started >= timeoutMs - 1000 ? 'timed-out' : 'cancelled', error);
    if (name === 'InvalidStateError') throw new PasskeyCeremonyError('exists', error);
    if (name === 'NotSupportedError') throw new PasskeyCeremonyError('unsupported', error);
    throw new PasskeyCeremonyError('failed', error);
  }
}

export const toBase64url = (buffer: ArrayBuffer): string =>
  btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
export const fromBase64url = (text: string): Uint8Array => Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));

/**
 * Asks the browser for a passkey assertion: its dialog, or (`autofill`) the
 * email field's suggestions, which wait beside the form until `signal` aborts.
 *
 * The WebAuthn call is made here rather than through `@simplewebauthn/browser`'s
 * `startAuthentication`: that one costs lk-sign-in 1.6 kB gzip (its error
 * classifier and global abort service, which this element does not use: the
 * ceremony's own `signal` stops it), more than the element's budget leaves.
 * Registration, where the browser's answer needs more care, stays with the
 * library (`passkey-registration.ts`, which lk-sign-in does not import).
 */
export function getPasskey(step: PasskeyStep, signal: AbortSignal, autofill = false): Promise<PasskeyAssertionJSON> {
  const o = step.options;
  return ceremony(
    async () => {
      const credential = (await navigator.credentials.get({
        signal,
        // Undefined is WebIDL's "not given": a modal request.
        mediation: autofill ? 'conditional' : undefined,
        publicKey: {
          ...o,
          challenge: fromBase64url(o.challenge),
          // Autofill offers every passkey of this site: a list would turn it off.
          allowCredentials: autofill ? [] : o.allowCredentials?.map((c) => ({ ...c, id: fromBase64url(c.id) })),
        } as PublicKeyCredentialRequestOptions,
      })) as PublicKeyCredential | null;
      if (!credential) throw new DOMException('No passkey was chosen', 'NotAllowedError');
      const r = credential.response as AuthenticatorAssertionResponse;
      return {
        id: credential.id,
        // `id` is `rawId` in base64url (WebAuthn §5.1).
        rawId: credential.id,
        type: 'public-key',
        response: {
          clientDataJSON: toBase64url(r.clientDataJSON),
          authenticatorData: toBase64url(r.authenticatorData),
          signature: toBase64url(r.signature),
          // Undefined members are left out of the JSON.
          userHandle: r.userHandle ? toBase64url(r.userHandle) : undefined,
        },
        authenticatorAttachment: (credential.authenticatorAttachment ?? undefined) as PasskeyAssertionJSON['authenticatorAttachment'],
        clientExtensionResults: credential.getClientExtensionResults() as Record<string, unknown>,
      };
    },
    autofill ? undefined : o.timeout,
    signal,
  );
}

/** Resolves never; rejects with an AbortError when `signal` aborts. A background request with nothing to do waits so. */
export const untilAborted = (signal: AbortSignal) =>
  new Promise<never>((_, reject) => (signal.aborted ? reject(abortError()) : signal.addEventListener('abort', () => reject(abortError()), { once: true })));
