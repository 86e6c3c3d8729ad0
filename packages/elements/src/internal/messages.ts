import { msg, str } from '@lit/localize';
import { LatchkeyError, type LatchkeyErrorCode } from '@latchkey/client';

/**
 * The text shown for a failure. Codes map to message ids `error.<code>`
 * (`invalid_code` also says how many tries are left when the broker says);
 * anything unknown gets the generic text. Raw server text is never shown.
 */
export function errorMessage(error: unknown): string {
  const code: LatchkeyErrorCode | undefined = error instanceof LatchkeyError ? error.code : undefined;
  switch (code) {
    case 'invalid_credentials':
      return msg("That email and password don't match. Try again, or reset your password.", { id: 'error.invalid_credentials' });
    case 'code_expired':
      return msg('That code has expired or was already used. Ask for a new one.', { id: 'error.code_expired' });
    case 'invalid_code': {
      const left = (error as LatchkeyError).problem?.attempts_left;
      if (left === 1) return msg("That code isn't right. 1 try left.", { id: 'error.invalid_code.one-left' });
      if (left !== undefined && left > 1) return msg(str`That code isn't right. ${left} tries left.`, { id: 'error.invalid_code.some-left' });
      if (left !== 0) return msg("That code isn't right. Check the email we sent and try again.", { id: 'error.invalid_code' });
      // No tries left: the same as too many.
    }
    // falls through
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
    case 'not_configured':
      return msg("Sign-in isn't set up on this page yet.", { id: 'error.not_configured' });
    case 'unsupported_step':
      return msg("This page can't show the next sign-in step yet. Try again later, or contact the site's support.", { id: 'error.unsupported_step' });
    case 'unauthenticated':
      return msg('Your session has ended. Sign in again.', { id: 'error.unauthenticated' });
    default:
      return msg('Something went wrong. Please try again.', { id: 'error.generic' });
  }
}
