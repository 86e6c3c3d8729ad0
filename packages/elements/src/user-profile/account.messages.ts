import { msg } from '../internal/localize.js';
import { LatchkeyError } from '@latchkey/client';
import { errorMessage } from '../internal/messages.js';
import { weakPasswordMessage } from '../internal/password-messages.js';

// The password and email sections' wording of failures, where the user is: on their
// account page, changing something. Anything else is the shared `error.<code>` message.

const fieldOf = (error: unknown) => (error instanceof LatchkeyError ? error.problem?.errors?.[0]?.path : undefined);

/** Why a new password was refused, for its field; undefined when the field is not what failed. */
export function passwordFieldProblem(error: unknown): string | undefined {
  return weakPasswordMessage(error) ?? (fieldOf(error) === 'password' ? errorMessage(error) : undefined);
}

/** Why setting the password failed, for the section (not the field). */
export function passwordFailure(error: unknown): string {
  if (error instanceof LatchkeyError && error.code === 'sso_required') {
    return msg('Your organization signs you in with its single sign-on, so this account has no password to set.', { id: 'profile.password.sso' });
  }
  return errorMessage(error);
}

/** Why the new address was refused, for its field; undefined when the field is not what failed. */
export function emailFieldProblem(error: unknown): string | undefined {
  if (!(error instanceof LatchkeyError) || fieldOf(error) !== 'email') return undefined;
  if (error.code === 'sso_required') return msg("This address's organization signs its people in with its own single sign-on, so it can't be used here.", { id: 'profile.email.sso-domain' });
  return msg('Enter a new email address, different from the one you use now.', { id: 'profile.email.same' });
}

/** Why changing the address failed, for the section. */
export function emailFailure(error: unknown): string {
  if (error instanceof LatchkeyError && error.code === 'sso_required') {
    return msg('Your organization manages this address, so it can’t be changed here.', { id: 'profile.email.sso-managed' });
  }
  return errorMessage(error);
}

/** Whether a code failure is one the code field says (a wrong code), rather than the section (expired, too many). */
export const codeFieldFailure = (error: unknown) => error instanceof LatchkeyError && (error.code === 'invalid_code' || fieldOf(error) === 'code');

