import { msg, str } from './localize.js';
import { LatchkeyError, LIMITS, type WeakPasswordReason } from '@latchkey/client';

/**
 * Why the broker refused a new password, one message per `WeakPasswordReason`, id
 * `password.<reason>` (`too_short` is the browser's own length message). Typed over the closed union, so a reason added to `@latchkey/client`
 * fails the type check until it has its message here. A module of its own, so only the
 * steps that take a new password load it.
 */
const reasons: { readonly [R in WeakPasswordReason]: () => string } = {
  // The browser's own check says the same, and shares its translation (it counts UTF-16 units, the broker characters).
  too_short: () => msg(str`Use at least ${LIMITS.passwordMinLength} characters.`),
  common: () => msg('This is a common password, or too close to one. Choose something less predictable.', { id: 'password.common' }),
  pattern: () => msg('Repeated characters, sequences and keyboard runs are easy to guess. Choose something less predictable.', { id: 'password.pattern' }),
  personal: () => msg("Don't build your password from this site's name, your name or your email address.", { id: 'password.personal' }),
  guessable: () => msg('This password is too easy to guess. Add another word or two.', { id: 'password.guessable' }),
};

/**
 * The text for a `weak_password` refusal that says why, or undefined for any other error
 * (or a reason this build does not know, which keeps the generic text).
 *
 * @example
 * weakPasswordMessage(error); // "This is a common password, or too close to one. …"
 */
export function weakPasswordMessage(error: unknown): string | undefined {
  if (!(error instanceof LatchkeyError) || error.code !== 'weak_password') return undefined;
  const reason = error.problem?.errors?.find((e) => e.path === 'password')?.reason;
  return reason && Object.hasOwn(reasons, reason) ? reasons[reason]() : undefined;
}

/**
 * `fieldErrors` (as `serverFieldErrors` made them) with the new-password field saying why the
 * broker refused it, where the broker said. An element that takes a new password calls it
 * from its `reportError`.
 *
 * @example
 * this.fieldErrors = explainWeakPassword(this.fieldErrors, error);
 */
export function explainWeakPassword(fieldErrors: Record<string, string>, error: unknown): Record<string, string> {
  const why = weakPasswordMessage(error);
  const field = Object.keys(fieldErrors).find((name) => name === 'password' || name === 'new-password');
  return why && field ? { ...fieldErrors, [field]: why } : fieldErrors;
}
