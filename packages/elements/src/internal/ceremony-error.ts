// Apart from passkeys.ts, so the error messages can know this class without pulling in WebAuthn code.

/** Why a passkey ceremony in the browser did not give a credential (the broker was not asked). */
export type CeremonyFailure = 'cancelled' | 'timed-out' | 'exists' | 'unsupported' | 'failed';

/** A ceremony the browser ended without a credential; the element says which, and every other way in stays usable. */
export class PasskeyCeremonyError extends Error {
  constructor(
    readonly failure: CeremonyFailure,
    cause?: unknown,
  ) {
    super(`passkey ceremony: ${failure}`, { cause });
    this.name = 'PasskeyCeremonyError';
  }
}
