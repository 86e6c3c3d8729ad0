import { html, nothing, type TemplateResult } from 'lit';
import { msg } from '@lit/localize';
import type { PasswordStep, SignInMethod } from '@latchkey/client';
import { renderAlert } from '../internal/templates/alert.js';
import { renderCodeField, submitWhenComplete } from '../internal/templates/code-field.js';
import { renderField, renderUsernameHint } from '../internal/templates/field.js';
import type { FormState } from '../internal/templates/form-state.js';
import { renderSubmit } from '../internal/templates/submit.js';

// The light-DOM form of each sign-in step: native inputs, so password managers
// and autofill work. Each template gets its data and the callbacks it calls.

type Submit = (event: SubmitEvent) => void;

export function renderIdentifierStep(o: { form: FormState; email: string; onSubmit: Submit }): TemplateResult {
  return html`<form class="lk-form" novalidate @submit=${o.onSubmit}>
    ${renderField(o.form, { name: 'email', label: msg('Email', { id: 'field.email.label' }), type: 'email', autocomplete: 'username', inputmode: 'email', value: o.email })}
    ${renderAlert(o.form.alert)} ${renderSubmit(msg('Continue', { id: 'sign-in.continue' }), o.form.pending)}
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
      ? html`<p class="lk-notice" role="status">${msg('Your password was changed. Sign in with the new one.', { id: 'sign-in.password-changed' })}</p>`
      : nothing}
    ${renderIdentity(o.email, o.onChangeEmail)}
    ${renderField(o.form, {
      name: 'password',
      label: msg('Password', { id: 'field.password.label' }),
      type: 'password',
      autocomplete: 'current-password',
      aside: html`<button type="button" class="lk-link" @click=${o.onForgot}>${msg('Forgot password?', { id: 'sign-in.forgot' })}</button>`,
    })}
    ${renderAlert(o.form.alert)} ${renderSubmit(msg('Sign in', { id: 'sign-in.submit' }), o.form.pending)}
    ${o.methods.includes('email-code')
      ? html`<div class="lk-divider">${msg('or', { id: 'sign-in.or' })}</div>
          <button type="button" class="lk-secondary" @click=${o.onUseCode}>${msg('Email me a sign-in code', { id: 'sign-in.send-code' })}</button>`
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
    ${renderAlert(o.form.alert)} ${renderSubmit(msg('Sign in', { id: 'sign-in.submit' }), o.form.pending)}
    <div class="lk-links">
      ${o.methods.includes('password')
        ? html`<button type="button" class="lk-link" @click=${o.onUsePassword}>${msg('Use my password instead', { id: 'sign-in.use-password' })}</button>`
        : nothing}
      <button type="button" class="lk-link" @click=${o.onChangeEmail}>${msg('Use another email', { id: 'sign-in.other-email' })}</button>
    </div>
  </form>`;
}

export function renderResetStep(o: { form: FormState; email: string; resendAfter: string; attemptsLeft?: number; onSubmit: Submit; onResend: () => void; onBack: () => void }): TemplateResult {
  return html`<form class="lk-form" novalidate @submit=${o.onSubmit}>
    ${renderCodeField(o.form, { email: o.email, resendAfter: o.resendAfter, attemptsLeft: o.attemptsLeft, resent: o.form.resent, onResend: o.onResend })}
    ${renderField(o.form, {
      name: 'new-password',
      label: msg('New password', { id: 'field.new-password.label' }),
      type: 'password',
      autocomplete: 'new-password',
      hint: msg('At least 8 characters.', { id: 'field.new-password.hint' }),
    })}
    ${renderAlert(o.form.alert)} ${renderSubmit(msg('Set new password', { id: 'sign-in.reset.submit' }), o.form.pending)}
    <div class="lk-links">
      <button type="button" class="lk-link" @click=${o.onBack}>${msg('Back to sign in', { id: 'sign-in.back' })}</button>
    </div>
  </form>`;
}

/** The chosen email as a chip with "Change", plus the hidden username field password managers pair with. */
function renderIdentity(email: string, onChange: () => void): TemplateResult {
  return html`${renderUsernameHint(email)}
    <div class="lk-identity">
      <bdi>${email}</bdi>
      <button type="button" class="lk-link" @click=${onChange} aria-label=${msg('Change email', { id: 'sign-in.change-email' })}>
        ${msg('Change', { id: 'sign-in.change' })}
      </button>
    </div>`;
}
