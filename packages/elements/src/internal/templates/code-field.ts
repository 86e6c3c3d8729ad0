import { html, type TemplateResult } from 'lit';
import { msg, str } from '@lit/localize';
import { LIMITS } from '@latchkey/client';
import { renderField, renderUsernameHint } from './field.js';
import type { FormState } from './form-state.js';

export interface CodeFieldOptions {
  /** Where the code went (paired with the code for password managers). */
  email: string;
  /** ISO 8601; "Resend code" counts down until then. */
  resendAfter: string;
  onResend: () => void;
}

/**
 * The "Verification code" field of any mailed-code step, with "Resend code"
 * and its countdown. Name `code`, so `submitWhenComplete` finds it.
 */
export function renderCodeField(form: FormState, o: CodeFieldOptions): TemplateResult {
  const wait = Math.ceil((Date.parse(o.resendAfter) - form.now) / 1000);
  const aside = html`<button type="button" class="lk-link" ?disabled=${wait > 0} @click=${o.onResend}>
    ${wait > 0 ? msg(str`Resend in ${wait} s`, { id: 'code.resend-wait' }) : msg('Resend code', { id: 'code.resend' })}
  </button>`;
  return html`${renderUsernameHint(o.email)}
  ${renderField(form, {
    name: 'code',
    label: msg('Verification code', { id: 'field.code.label' }),
    type: 'text',
    autocomplete: 'one-time-code',
    inputmode: 'numeric',
    maxlength: LIMITS.codeLength,
    className: 'lk-code',
    aside,
  })}`;
}

/** An `input` listener for a code form: submits as soon as all six digits are in (typed, pasted or autofilled). */
export function submitWhenComplete(event: Event): void {
  const input = event.target as HTMLInputElement;
  if (input.name === 'code' && /^\d{6}$/.test(input.value)) input.form?.requestSubmit();
}
