// Apart from validation.ts, and importing nothing, so the step chunks that add a check
// (code-field.ts, password-field.ts) import only this from the first screen: importing
// validation.ts there made Vite's bundler split lit-localize and the client's error class
// out of lk-sign-in's entry into chunks of their own.

/**
 * What is wrong with one input's value before anything is sent, or undefined.
 * `name` is the field's (`code`); the input's `type` and `autocomplete` say what it holds.
 */
export type FieldCheck = (name: string, input: HTMLInputElement, value: string) => string | undefined;

/** The checks templates added, in the order they loaded (`fieldProblem` runs the email's first). */
export const fieldChecks: FieldCheck[] = [];

/**
 * Adds the check of a field only later steps draw (the code, a password), once,
 * when the template that draws it loads: a step's checks come with its chunk, as
 * its styles do (`addFormStyles`).
 *
 * @example
 * addFieldCheck((name, input, value) => (name === 'code' && !/^\d{6}$/.test(value) ? msg('Enter the 6-digit code from the email.') : undefined));
 */
export function addFieldCheck(check: FieldCheck): void {
  if (!fieldChecks.includes(check)) fieldChecks.push(check);
}
