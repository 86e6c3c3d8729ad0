import { html, type TemplateResult } from 'lit';
import { msg, str } from '../localize.js';
import { LIMITS } from '@latchkey/client';
import { addFormStyles, formScope as s } from '../form-styles.js';
import { renderField } from './field.js';
import { linkStyles } from './links.js';
import { renderUsernameHint } from './username-hint.js';
import type { FormState } from './form-state.js';
import { pluralCategory } from '../plural.js';
import { addFieldCheck } from '../field-checks.js';

addFormStyles(linkStyles);
addFormStyles(`@layer latchkey{
${s} input.lk-code{font-size:1.5rem;letter-spacing:.5em;text-align:center;font-variant-numeric:tabular-nums;padding-inline-start:calc(var(--_space-m)*.75 + .5em)}}`);

// Checked before anything is sent: six digits (`normaliseCode` keeps only digits).
addFieldCheck((name, _input, value) => (name === 'code' && !/^\d{6}$/.test(value) ? msg('Enter the 6-digit code from the email.') : undefined));

export interface CodeFieldOptions {
  /** Where the code went (paired with the code for password managers). */
  email: string;
  /** ISO 8601; "Resend code" counts down until then. */
  resendAfter: string;
  /** Wrong codes the flow still takes, as the step says; shown once three or fewer are left. */
  attemptsLeft?: number;
  /** A new code was just sent: say so. */
  resent?: boolean;
  onResend: () => void;
}

/**
 * Keeps only the digits of what was typed, pasted or autofilled ("123 456",
 * "123-456"), at most six. No `maxlength`: it would cut a pasted "123 456"
 * to "123 45" before this sees it.
 */
export function normaliseCode(event: Event): void {
  const input = event.target as HTMLInputElement;
  const digits = input.value.replace(/\D/g, '').slice(0, LIMITS.codeLength);
  if (digits !== input.value) input.value = digits;
}

/**
 * The "Verification code" field of any mailed-code step, with "Resend code"
 * and its countdown, how many tries are left, and a confirmation after a
 * resend. Name `code`, so `submitWhenComplete` finds it.
 */
export function renderCodeField(form: FormState, o: CodeFieldOptions): TemplateResult {
  const wait = Math.ceil((Date.parse(o.resendAfter) - form.now) / 1000);
  const left = o.attemptsLeft;
  const aside = html`<button type="button" class="lk-link" ?disabled=${wait > 0} @click=${o.onResend}> ${wait > 0 ? msg(str`Resend in ${wait} s`) : msg('Resend code')} </button>`;
  return html`${renderUsernameHint(o.email)} ${renderField(form, {
      name: 'code',
      label: msg('Verification code'),
      type: 'text',
      autocomplete: 'one-time-code',
      inputmode: 'numeric',
      className: 'lk-code',
      aside,
      onInput: normaliseCode,
      // Only once tries run low: five at the start is noise.
      hint: left === undefined || left > 3 ? undefined : triesLeft(left),
    })} <p class="lk-notice" role="status">${o.resent ? msg('We sent a new code.') : ''}</p>`;
}

/** "2 tries left.", by the plural rules of the locale: Arabic names two tries with its dual, and 3 with its `few` form. */
export function triesLeft(left: number): string {
  // One English text, a form per plural category: each keeps its own id.
  switch (pluralCategory(left)) {
    case 'one':
      return msg('1 try left.', { id: 'code.one-try-left' });
    case 'two':
      return msg('2 tries left.', { id: 'code.two-tries-left' });
    case 'few':
      return msg(str`${left} tries left.`, { id: 'code.few-tries-left' });
  }
  return msg(str`${left} tries left.`, { id: 'code.tries-left' });
}

/**
 * An `input` listener for a code form: submits as soon as all six digits of its one-time
 * code (a mailed code, an authenticator app's) are in (typed, pasted or autofilled).
 */
export function submitWhenComplete(event: Event): void {
  const input = event.target as HTMLInputElement;
  if (input.autocomplete === 'one-time-code' && /^\d{6}$/.test(input.value)) input.form?.requestSubmit();
}
