import { msg, str } from './localize.js';
import { LatchkeyError, LIMITS } from '@latchkey/client';
import { errorMessage } from './messages.js';

/**
 * What is wrong with one input's value before anything is sent, or undefined.
 * The input's `type` and `autocomplete` say what it holds.
 */
export function fieldProblem(name: string, input: HTMLInputElement, value: string): string | undefined {
  if (input.type === 'email') {
    if (!value) return msg('Enter your email address.');
    if (!input.validity.valid || value.length > LIMITS.emailMaxLength) return msg('Enter a valid email address, like name@example.com.');
  }
  if (name === 'code' && !/^\d{6}$/.test(value)) return msg('Enter the 6-digit code from the email.');
  if (input.autocomplete === 'current-password' && !value) return msg('Enter your password.');
  if (input.autocomplete === 'new-password') {
    if (value.length < LIMITS.passwordMinLength) return msg(str`Use at least ${LIMITS.passwordMinLength} characters.`);
    if (value.length > LIMITS.passwordMaxLength) return msg(str`Use at most ${LIMITS.passwordMaxLength} characters.`);
  }
  return undefined;
}

/**
 * The problems the broker sent back for single fields, by the name of the
 * field in `fields` that shows each, or undefined when it sent none this form
 * shows. Messages come from the problem's `code` and the field, never from the
 * broker's text. `path` is the request body's field (`password` is this form's
 * `password` or `new-password`).
 */
export function serverFieldErrors(error: unknown, fields: string[]): Record<string, string> | undefined {
  if (!(error instanceof LatchkeyError) || !error.problem) return undefined;
  const { code, errors, attempts_left } = error.problem;
  const out: Record<string, string> = {};
  const fieldOf = (path: string) => fields.find((f) => f === path || f === `new-${path}`);
  // A weak password is always about the password, with or without a path.
  const paths = code === 'weak_password' ? ['password'] : code === 'invalid_code' && attempts_left ? ['code'] : (errors ?? []).map((e) => e.path);
  for (const path of paths) {
    const field = fieldOf(path);
    if (!field || out[field]) continue;
    out[field] =
      code === 'weak_password' ? msg('This password is too easy to guess. Choose another.')
      : code === 'invalid_code' ? errorMessage(error)
      : field === 'email' ? msg('Enter a valid email address, like name@example.com.')
      : msg('Check this field.');
  }
  return Object.keys(out).length ? out : undefined;
}
