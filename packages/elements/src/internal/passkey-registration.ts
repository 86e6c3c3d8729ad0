import { startRegistration, WebAuthnAbortService } from '@simplewebauthn/browser';
import type { PasskeyRegistrationJSON, PasskeyRegistrationStep } from '@latchkey/client';
import { ceremony, passkeysSupported, PasskeyCeremonyError } from './passkeys.js';

// Apart from passkeys.ts: the library's abort service is made when its module loads, so
// no bundler can drop it from an element that only signs in.

/**
 * Asks the browser to create a passkey, through `@simplewebauthn/browser`: its
 * abort service stops the dialog when `signal` aborts, and what the browser
 * threw is the `cause` of the library's error.
 */
export async function createPasskey(step: PasskeyRegistrationStep, signal: AbortSignal): Promise<PasskeyRegistrationJSON> {
  if (!passkeysSupported()) throw new PasskeyCeremonyError('unsupported');
  const stop = () => WebAuthnAbortService.cancelCeremony();
  signal.addEventListener('abort', stop, { once: true });
  try {
    return await ceremony(
      () => (startRegistration({ optionsJSON: step.options }) as Promise<PasskeyRegistrationJSON>).catch((error: { cause?: unknown }) => Promise.reject(error.cause ?? error)),
      step.options.timeout,
      signal,
    );
  } finally {
    signal.removeEventListener('abort', stop);
  }
}
