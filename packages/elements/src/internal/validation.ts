import { msg } from './localize.js';
import { LIMITS } from '@latchkey/client';
import { fieldChecks, type FieldCheck } from './field-checks.js';

/** An email field: every first screen has one. The other fields' checks come with their templates (`addFieldCheck`). */
const emailProblem: FieldCheck = (_name, input, value) => {
  if (input.type !== 'email') return undefined;
  if (!value) return msg('Enter your email address.');
  if (!input.validity.valid || value.length > LIMITS.emailMaxLength) return msg('Enter a valid email address, like name@example.com.');
  return undefined;
};

/**
 * What is wrong with one input's value before anything is sent, or undefined:
 * the first problem the email's check or a template's (`addFieldCheck`) finds.
 * The input's `type` and `autocomplete` say what it holds.
 */
export function fieldProblem(name: string, input: HTMLInputElement, value: string): string | undefined {
  for (const check of [emailProblem, ...fieldChecks]) {
    const problem = check(name, input, value);
    if (problem) return problem;
  }
  return undefined;
}
