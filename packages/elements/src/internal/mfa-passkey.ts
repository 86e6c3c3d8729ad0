import { finishMfaPasskey, startMfaPasskey, type Connection, type Step } from '@latchkey/client';
import { getPasskey } from './passkeys.js';

// A chunk of its own: the `mfa` step (lk-sign-in's, lk-mfa's challenge) imports it only when
// "Use a passkey instead" is clicked, so the WebAuthn code is not part of the step's bytes.

/**
 * Answers a pending sign-in's `mfa` step (`flowId`) with one of the account's
 * passkeys: the broker's options for this sign-in, the browser's dialog, the
 * assertion back. The broker adds the passkey to the factors of that sign-in,
 * so the answer is `done` with `mfa` in `amr` (never a new, passkey-only sign-in).
 *
 * @example
 * const next = await (await import('../internal/mfa-passkey.js')).answerMfaWithPasskey(conn, signal, step.flow_id);
 */
export async function answerMfaWithPasskey(conn: Connection, signal: AbortSignal, flowId: string): Promise<Step> {
  const step = await startMfaPasskey(conn, { flow_id: flowId }, { signal });
  const credential = await getPasskey(step, signal);
  return finishMfaPasskey(conn, { flow_id: step.flow_id, credential }, { signal });
}
