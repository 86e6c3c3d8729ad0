import type { TemplateResult } from 'lit';
import { msg } from '../localize.js';
import { addFieldCheck } from '../field-checks.js';
import { normaliseCode, triesLeft } from './code-field.js';
import { renderField } from './field.js';
import type { FormState } from './form-state.js';

// The authenticator app's code field (`totp`), shared by the steps that ask for one: the MFA
// step and enrolment during sign-in. Its check is added once, by whichever chunk loads first.

/** What the field says when it is not six digits (also the MFA step's subtitle). */
export const enterTotp = () => msg('Enter the 6-digit code from your authenticator app.', { id: 'mfa.enter-totp' });

addFieldCheck((name, _input, value) => (name === 'totp' && !/^\d{6}$/.test(value) ? enterTotp() : undefined));

/** The six digits of an authenticator app, labelled `label`; how many tries are left once they run low, as the mailed code's field. */
export function renderTotpField(form: FormState, label: string, attemptsLeft: number): TemplateResult {
  return renderField(form, {
    name: 'totp',
    label,
    type: 'text',
    autocomplete: 'one-time-code',
    inputmode: 'numeric',
    className: 'lk-code',
    onInput: normaliseCode,
    hint: attemptsLeft > 3 ? undefined : triesLeft(attemptsLeft),
  });
}
