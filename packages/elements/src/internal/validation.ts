import { msg, str } from '@lit/localize';
import { LIMITS } from '@latchkey/client';

/**
 * What is wrong with one input's value before anything is sent, or undefined.
 * The input's `type` and `autocomplete` say what it holds.
 */
export function fieldProblem(name: string, input: HTMLInputElement, value: string): string | undefined {
  if (input.type === 'email') {
    if (!value) return msg('Enter your email address.', { id: 'field.email.missing' });
    if (!input.validity.valid || value.length > LIMITS.emailMaxLength) return msg('Enter a valid email address, like name@example.com.', { id: 'field.email.invalid' });
  }
  if (name === 'code' && !/^\d{6}$/.test(value)) return msg('Enter the 6-digit code from the email.', { id: 'field.code.invalid' });
  if (input.autocomplete === 'current-password' && !value) return msg('Enter your password.', { id: 'field.password.missing' });
  if (input.autocomplete === 'new-password') {
    if (value.length < LIMITS.passwordMinLength) return msg(str`Use at least ${LIMITS.passwordMinLength} characters.`, { id: 'field.password.short' });
    if (value.length > LIMITS.passwordMaxLength) return msg(str`Use at most ${LIMITS.passwordMaxLength} characters.`, { id: 'field.password.long' });
  }
  return undefined;
}
