import { msg } from '@lit/localize';
import { LatchkeyError, type LatchkeyErrorCode } from '@latchkey/client';

/**
 * The text shown for a failure. Codes map to message ids `error.<code>`;
 * anything unknown gets the generic text. Raw server text is never shown.
 */
export function errorMessage(error: unknown): string {
  const code: LatchkeyErrorCode | undefined = error instanceof LatchkeyError ? error.code : undefined;
  switch (code) {
    case 'invalid_credentials':
      return msg("That email and password don't match. Try again, or reset your password.", { id: 'error.invalid_credentials' });
    case 'invalid_code':
      return msg("That code isn't right. Check the email we sent and try again.", { id: 'error.invalid_code' });
    case 'code_expired':
      return msg('That code has expired or was already used. Ask for a new one.', { id: 'error.code_expired' });
    case 'too_many_attempts':
      return msg('Too many wrong codes. Ask for a new code to try again.', { id: 'error.too_many_attempts' });
    case 'rate_limited':
      return msg('Too many attempts. Wait a moment, then try again.', { id: 'error.rate_limited' });
    case 'weak_password':
      return msg('Choose a stronger password: at least 8 characters and not a common one.', { id: 'error.weak_password' });
    case 'invalid_request':
      return msg('Some of the details are not valid. Check them and try again.', { id: 'error.invalid_request' });
    case 'network_error':
      return msg("We can't reach the sign-in service. Check your connection and try again.", { id: 'error.network_error' });
    case 'forbidden_origin':
      return msg("This site isn't allowed to sign in with this service.", { id: 'error.forbidden_origin' });
    case 'invalid_return_to':
      return msg("The page you came from isn't allowed as a return address.", { id: 'error.invalid_return_to' });
    case 'unauthenticated':
      return msg('Your session has ended. Sign in again.', { id: 'error.unauthenticated' });
    default:
      return msg('Something went wrong. Please try again.', { id: 'error.generic' });
  }
}
