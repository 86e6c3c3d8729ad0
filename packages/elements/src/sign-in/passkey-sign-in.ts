import { finishMfaPasskey, finishPasskeySignIn, startMfaPasskey, startPasskeySignIn } from '@latchkey/client';
import type { Connection, Step } from '@latchkey/client';
import { getPasskey, passkeyAutofillSupported, untilAborted } from '../internal/passkeys.js';

// A chunk of its own, imported as soon as lk-sign-in first draws its email step (where
// autofill starts at once), so the WebAuthn code is not part of the entry's bytes
// while conditional UI still starts with the first screen.

/**
 * Options from the broker (`offered()` then: the broker offers passkeys, the button
 * shows), a passkey from the browser (its dialog, or `autofill`), the broker's answer.
 */
export async function signInWithPasskey(
  conn: Connection,
  signal: AbortSignal,
  o: { autofill: boolean; returnTo: string | undefined; offered(): void },
): Promise<Step> {
  let picked = false;
  try {
    const step = await startPasskeySignIn(conn, { return_to: o.returnTo }, { signal });
    o.offered();
    if (o.autofill && !(await passkeyAutofillSupported())) return await untilAborted(signal);
    const credential = await getPasskey(step, signal, o.autofill);
    picked = true;
    return await finishPasskeySignIn(conn, { flow_id: step.flow_id, credential }, { signal });
  } catch (error) {
    // In the background nothing shows until the user picked a passkey: a broker without
    // passkeys, or a browser whose autofill cannot, leaves the form as it is. A refused pick
    // shows why; autofill then waits for the next visit of the step (or the button), so a
    // device that answers autofill by itself cannot loop on a passkey the broker refuses.
    if (o.autofill && !picked) return untilAborted(signal);
    throw error;
  }
}

/**
 * Answers a pending sign-in's `mfa` step (`flowId`) with one of the account's
 * passkeys (the second factor's own routes): the broker's options for this
 * sign-in, the browser's dialog, the assertion back. The broker adds the passkey
 * to that sign-in's factors, so the answer is `done` with `mfa` in `amr`, never a
 * new passkey-only sign-in. lk-sign-in's and lk-mfa's `mfa` step import it with
 * "Use a passkey instead".
 */
export async function answerMfaWithPasskey(conn: Connection, signal: AbortSignal, flowId: string): Promise<Step> {
  const step = await startMfaPasskey(conn, { flow_id: flowId }, { signal });
  return finishMfaPasskey(conn, { flow_id: step.flow_id, credential: await getPasskey(step, signal) }, { signal });
}
