import { msg, str } from '../internal/localize.js';
import { LatchkeyError, PASSKEY_NAME_MAX_LENGTH } from '@latchkey/client';
import { PasskeyCeremonyError } from '../internal/ceremony-error.js';
import { errorMessage } from '../internal/messages.js';

// The passkeys section's own wording of failures: where the user is (managing
// their account, not signing in) changes what helps. Anything else is the
// shared `error.<code>` message.

/** The longest passkey name: the broker's own limit. */
export { PASSKEY_NAME_MAX_LENGTH };

/** Why adding a passkey did not work: the browser's dialog, or the broker. */
export function addFailure(error: unknown): string {
  const failure = error instanceof PasskeyCeremonyError ? error.failure : error instanceof LatchkeyError && error.code === 'passkey_exists' ? 'exists' : undefined;
  switch (failure) {
    case 'cancelled':
      return msg('Adding a passkey was cancelled. Nothing was changed.');
    case 'timed-out':
      return msg('Your device took too long to answer, so no passkey was added. Try again when you are ready.');
    case 'exists':
      return msg('This device or password manager already has a passkey for your account. To add another, use a different one.');
    case 'unsupported':
      return msg("This browser can't create passkeys.");
    case 'failed':
      return msg("Your device couldn't create a passkey. Try again, or use another device.");
  }
  if (error instanceof LatchkeyError && error.code === 'passkey_rejected') {
    return msg("The new passkey couldn't be verified, so it wasn't added. Try again.");
  }
  return errorMessage(error);
}

/** Why deleting a passkey did not work; the broker's refusal to remove the last way in says what to do instead. */
export function deleteFailure(error: unknown): string {
  if (error instanceof LatchkeyError && error.code === 'last_sign_in_method') {
    return msg("You can't delete this passkey: it's the only way left to sign in to your account. Add another passkey first.");
  }
  return errorMessage(error);
}

/** A name the broker would refuse (empty, too long), checked before it is sent; undefined when it is fine. */
export function nameProblem(name: string): string | undefined {
  if (!name) return msg('Enter a name for this passkey.');
  if (name.length > PASSKEY_NAME_MAX_LENGTH) return msg(str`Use at most ${PASSKEY_NAME_MAX_LENGTH} characters.`);
  return undefined;
}

/** Why renaming did not work: the broker's problem at the name field is said as the check above says it. */
export function renameFailure(error: unknown): string {
  if (error instanceof LatchkeyError && error.problem?.errors?.some((e) => e.path === 'name')) {
    return msg(str`Enter a name of 1 to ${PASSKEY_NAME_MAX_LENGTH} characters.`);
  }
  return errorMessage(error);
}
