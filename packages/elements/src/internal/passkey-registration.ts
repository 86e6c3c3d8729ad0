import { startRegistration, WebAuthnAbortService } from '@simplewebauthn/browser';
import type { PasskeyRegistrationJSON, PasskeyRegistrationStep } from '@latchkey/client';
import { ceremony, passkeysSupported, PasskeyCeremonyError } from './passkeys.js';

// Apart from passkeys.ts: the library's abort service is made when its module loads, so
// no bundler can drop it from an element that only signs in.

/** Asks the browser to create a passkey (through `@simplewebauthn/browser`, stopped by its abort service). */
export async function createPasskey(step: PasskeyRegistrationStep, signal: AbortSignal): Promise<PasskeyRegistrationJSON> {
  if (!passkeysSupported()) throw new PasskeyCeremonyError('unsupported');
  return ceremony(
    () => startRegistration({ optionsJSON: step.options }) as Promise<PasskeyRegistrationJSON>,
    step.options.timeout,
    signal,
    () => WebAuthnAbortService.cancelCeremony(),
  );
}
