import { browserSupportsWebAuthnAutofill, startAuthentication, startRegistration, WebAuthnAbortService } from '@simplewebauthn/browser';
import type { PasskeyAssertionJSON, PasskeyRegistrationJSON, PasskeyRegistrationStep, PasskeyStep } from '@latchkey/client';

export { browserSupportsWebAuthn as passkeysSupported } from '@simplewebauthn/browser';
import { PasskeyCeremonyError } from './ceremony-error.js';

export { PasskeyCeremonyError };

const abortError = () => new DOMException('The passkey ceremony was stopped', 'AbortError');

/**
 * Runs one WebAuthn call through `@simplewebauthn/browser`, stopped when
 * `signal` aborts, and turns what the browser throws into an AbortError (the
 * element moved on) or a `PasskeyCeremonyError`. Browsers answer a closed
 * dialog and a timeout with the same NotAllowedError: the elapsed time tells
 * them apart.
 */
async function ceremony<T>(run: () => Promise<T>, timeoutMs: number | undefined, signal: AbortSignal): Promise<T> {
  if (signal.aborted) throw abortError();
  const stop = () => WebAuthnAbortService.cancelCeremony();
  signal.addEventListener('abort', stop, { once: true });
  const started = Date.now();
  try {
    return await run();
  } catch (error) {
    const cause = (error as { cause?: { name?: string } }).cause;
    const name = cause?.name ?? (error as Error).name;
    if (signal.aborted || name === 'AbortError') throw abortError();
    if (name === 'NotAllowedError') throw new PasskeyCeremonyError(timeoutMs && Date.now() - started >= timeoutMs - 1000 ? 'timed-out' : 'cancelled', error);
    if (name === 'InvalidStateError') throw new PasskeyCeremonyError('exists', error);
    if (name === 'NotSupportedError' || /not supported/i.test((error as Error).message)) throw new PasskeyCeremonyError('unsupported', error);
    throw new PasskeyCeremonyError('failed', error);
  } finally {
    signal.removeEventListener('abort', stop);
  }
}

/** Asks the browser for a passkey assertion: its dialog, or (`autofill`) the email field's suggestions. */
export function getPasskey(step: PasskeyStep, signal: AbortSignal, autofill = false): Promise<PasskeyAssertionJSON> {
  return ceremony(() => startAuthentication({ optionsJSON: step.options, useBrowserAutofill: autofill }) as Promise<PasskeyAssertionJSON>, autofill ? undefined : step.options.timeout, signal);
}

/** Asks the browser to create a passkey. */
export function createPasskey(step: PasskeyRegistrationStep, signal: AbortSignal): Promise<PasskeyRegistrationJSON> {
  return ceremony(() => startRegistration({ optionsJSON: step.options }) as Promise<PasskeyRegistrationJSON>, step.options.timeout, signal);
}

/** Whether passkeys can be offered in the email field's autofill (conditional mediation). */
export const passkeyAutofillSupported = (): Promise<boolean> => browserSupportsWebAuthnAutofill();

/** Resolves never; rejects with an AbortError when `signal` aborts. A background request with nothing to do waits so. */
export const untilAborted = (signal: AbortSignal) =>
  new Promise<never>((_, reject) => (signal.aborted ? reject(abortError()) : signal.addEventListener('abort', () => reject(abortError()), { once: true })));
