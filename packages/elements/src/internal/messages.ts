import { msg } from './localize.js';
import { LatchkeyError } from '@latchkey/client';
import { StepLoadError } from './step-load-error.js';
import { whenIdle } from './idle.js';

// The first screen draws no error, so the messages of the error codes are a chunk
// (`error-messages.ts`): asked for once the page is idle, and awaited by a flow before
// it shows a failure. What must work offline stays here: the chunk may be what failed.

let chunk: typeof import('./error-messages.js') | undefined;
let loading: Promise<void> | undefined;

/** "We can't reach the sign-in service": here, not in the chunk, since being offline may be why the chunk is missing. */
export const networkMessage = () => msg("We can't reach the sign-in service. Check your connection and try again.", { id: 'error.network_error' });

/**
 * Imports the error messages, once (a failed import is tried again on the next call).
 * Flows await it before they show a failure, so a message never shows generic first.
 */
export function loadErrorMessages(): Promise<void> {
  return (loading ??= import('./error-messages.js').then(
    (m) => void (chunk = m),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  ));
}

/** Asks for the error messages while the page is idle, then calls `then` (an element draws again). */
export function loadErrorMessagesWhenIdle(then: () => void): void {
  if (chunk) return;
  whenIdle(() => void loadErrorMessages().then(then, () => {}));
}

/**
 * The text shown for a failure: the code's `error.<code>` message; anything
 * that is not a `LatchkeyError` (or a code this build does not know) gets the
 * generic text, and so does any other code while the messages are still loading.
 * Raw server text is never shown.
 *
 * @example
 * await loadErrorMessages();
 * renderAlert(errorMessage(new LatchkeyError('rate_limited', '…'))) // "Too many attempts. …"
 */
export function errorMessage(error: unknown): string {
  // The page's own files, not the broker, could not be fetched: its network_error message would blame the service.
  if (error instanceof StepLoadError) return msg("The next step couldn't load. Check your connection and try again.");
  if (error instanceof LatchkeyError && error.code === 'network_error') return networkMessage();
  if (!chunk) void loadErrorMessages().catch(() => {});
  return chunk?.explain(error) ?? msg('Something went wrong. Please try again.', { id: 'error.generic' });
}

/**
 * The problems the broker sent back for the fields of `form` (see `serverFieldErrors`
 * in the chunk); undefined while the chunk is not in. Flows await the chunk before
 * they report a failure.
 */
export function serverFieldErrors(error: unknown, form: ParentNode | undefined, uid: string): Record<string, string> | undefined {
  return chunk?.serverFieldErrors(error, form, uid);
}

/**
 * `request`, failing only once the error messages' chunk is in, so the failure is
 * worded at once (not the generic text first): what the sign-in flows do too.
 */
export async function withMessages<T>(request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (error) {
    await loadErrorMessages().catch(() => {});
    throw error;
  }
}
