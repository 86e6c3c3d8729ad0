import { html, nothing, type TemplateResult } from 'lit';
import { msg } from '../internal/localize.js';
import type { PasswordStep, SignInMethod } from '@latchkey/client';
import { renderAlert } from '../internal/templates/alert.js';
import { renderCodeField, submitWhenComplete } from '../internal/templates/code-field.js';
import { renderField, renderUsernameHint } from '../internal/templates/field.js';
import { renderPasskeyButton, type PasskeyOffer } from '../internal/templates/passkey-button.js';
import type { FormState } from '../internal/templates/form-state.js';
import { renderSubmit } from '../internal/templates/submit.js';

// The light-DOM form of each sign-in step: native inputs, so password managers
// and autofill work. Each template gets its data and the callbacks it calls.

type Submit = (event: SubmitEvent) => void;

/** The email, and "Sign in with a passkey" when `passkey` is offered. `webauthn` in the field's autocomplete lets autofill list passkeys. */
export function renderIdentifierStep(o: { form: FormState; email: string; onSubmit: Submit; passkey?: PasskeyOffer }): TemplateResult {
  return html`<form class="lk-form" novalidate @submit=${o.onSubmit}>
    ${renderField(o.form, { name: 'email', label: msg('Email'), type: 'email', autocomplete: 'username webauthn', inputmode: 'email', value: o.email })}
    ${renderAlert(o.form.alert)} ${renderSubmit(msg('Continue'), o.form.pending && !o.passkey?.waiting)}
    ${renderPasskeyButton(o.passkey, msg('Sign in with a passkey'), msg('Waiting for your passkey…'))}
  </form>`;
}

export function renderPasswordStep(o: {
  form: FormState;
  email: string;
  /** How this address may sign in; "Email me a sign-in code" shows only when it lists `email-code`. */
  methods: SignInMethod[];
  notice: PasswordStep['notice'];
  onSubmit: Submit;
  onForgot: () => void;
  onUseCode: () => void;
  onChangeEmail: () => void;
}): TemplateResult {
  return html`<form class="lk-form" novalidate @submit=${o.onSubmit}>
    ${o.notice === 'password-reset'
      ? html`<p class="lk-notice" role="status">${msg('Your password was changed. Sign in with the new one.')}</p>`
      : nothing}
    ${renderIdentity(o.email, o.onChangeEmail)}
    ${renderField(o.form, {
      name: 'password',
      label: msg('Password'),
      type: 'password',
      autocomplete: 'current-password',
      aside: html`<button type="button" class="lk-link" @click=${o.onForgot}>${msg('Forgot password?')}</button>`,
    })}
    ${renderAlert(o.form.alert)} ${renderSubmit(msg('Sign in'), o.form.pending)}
    ${o.methods.includes('email-code')
      ? html`<div class="lk-divider">${msg('or')}</div>
          <button type="button" class="lk-secondary" @click=${o.onUseCode}>${msg('Email me a sign-in code')}</button>`
      : nothing}
  </form>`;
}

export function renderEmailCodeStep(o: {
  form: FormState;
  email: string;
  resendAfter: string;
  attemptsLeft?: number;
  /** How this address may sign in; "Use my password instead" shows only when it lists `password`. */
  methods: SignInMethod[];
  onSubmit: Submit;
  onResend: () => void;
  onUsePassword: () => void;
  onChangeEmail: () => void;
}): TemplateResult {
  return html`<form class="lk-form" novalidate @submit=${o.onSubmit} @input=${submitWhenComplete}>
    ${renderCodeField(o.form, { email: o.email, resendAfter: o.resendAfter, attemptsLeft: o.attemptsLeft, resent: o.form.resent, onResend: o.onResend })}
    ${renderAlert(o.form.alert)} ${renderSubmit(msg('Sign in'), o.form.pending)}
    <div class="lk-links">
      ${o.methods.includes('password')
        ? html`<button type="button" class="lk-link" @click=${o.onUsePassword}>${msg('Use my password instead')}</button>`
        : nothing}
      <button type="button" class="lk-link" @click=${o.onChangeEmail}>${msg('Use another email')}</button>
    </div>
  </form>`;
}

export function renderResetStep(o: { form: FormState; email: string; resendAfter: string; attemptsLeft?: number; onSubmit: Submit; onResend: () => void; onBack: () => void }): TemplateResult {
  return html`<form class="lk-form" novalidate @submit=${o.onSubmit}>
    ${renderCodeField(o.form, { email: o.email, resendAfter: o.resendAfter, attemptsLeft: o.attemptsLeft, resent: o.form.resent, onResend: o.onResend })}
    ${renderField(o.form, {
      name: 'new-password',
      label: msg('New password'),
      type: 'password',
      autocomplete: 'new-password',
      hint: msg('At least 8 characters.'),
    })}
    ${renderAlert(o.form.alert)} ${renderSubmit(msg('Set new password'), o.form.pending)}
    <div class="lk-links">
      <button type="button" class="lk-link" @click=${o.onBack}>${msg('Back to sign in')}</button>
    </div>
  </form>`;
}

/** The chosen email as a chip with "Change", plus the hidden username field password managers pair with. */
function renderIdentity(email: string, onChange: () => void): TemplateResult {
  return html`${renderUsernameHint(email)}
    <div class="lk-identity">
      <bdi>${email}</bdi>
      <button type="button" class="lk-link" @click=${onChange} aria-label=${msg('Change email')}>
        ${msg('Change')}
      </button>
    </div>`;
}
