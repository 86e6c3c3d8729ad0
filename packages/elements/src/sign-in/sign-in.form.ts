import { html, nothing, type TemplateResult } from 'lit';
import { msg } from '@lit/localize';
import type { LkSignIn, SignInView } from './sign-in.js';

/** The light-DOM form of each sign-in step. Native inputs, so password managers and autofill work. */
export function renderSignInForm(el: LkSignIn, view: SignInView): TemplateResult {
  switch (view.name) {
    case 'identifier':
      return html`<form class="lk-form" novalidate @submit=${el.submitIdentifier}>
        ${el.renderField({ name: 'email', label: msg('Email', { id: 'field.email.label' }), type: 'email', autocomplete: 'username', inputmode: 'email', value: view.email ?? '' })}
        ${el.renderAlert()} ${el.renderSubmit(msg('Continue', { id: 'sign-in.continue' }))}
      </form>`;
    case 'password':
      return html`<form class="lk-form" novalidate @submit=${el.submitPassword}>
        ${view.notice === 'password-reset'
          ? html`<p class="lk-notice" role="status">${msg('Your password was changed. Sign in with the new one.', { id: 'sign-in.password-changed' })}</p>`
          : nothing}
        ${identity(el, view.email)}
        ${el.renderField({
          name: 'password',
          label: msg('Password', { id: 'field.password.label' }),
          type: 'password',
          autocomplete: 'current-password',
          aside: html`<button type="button" class="lk-link" @click=${() => el.forgotPassword(view.email)}>${msg('Forgot password?', { id: 'sign-in.forgot' })}</button>`,
        })}
        ${el.renderAlert()} ${el.renderSubmit(msg('Sign in', { id: 'sign-in.submit' }))}
        <div class="lk-divider">${msg('or', { id: 'sign-in.or' })}</div>
        <button type="button" class="lk-secondary" @click=${() => el.sendCode(view.email)}>${msg('Email me a sign-in code', { id: 'sign-in.send-code' })}</button>
      </form>`;
    case 'email-code':
      return html`<form class="lk-form" novalidate @submit=${el.submitCode} @input=${el.onCodeInput}>
        ${el.renderCodeField(view.flow, () => el.resend(view.flow, 'email-code'))}
        ${el.renderAlert()} ${el.renderSubmit(msg('Sign in', { id: 'sign-in.submit' }))}
        <div class="lk-links">
          <button type="button" class="lk-link" @click=${() => el.back({ name: 'password', email: view.flow.email })}>${msg('Use my password instead', { id: 'sign-in.use-password' })}</button>
          <button type="button" class="lk-link" @click=${() => el.back({ name: 'identifier', email: view.flow.email })}>${msg('Use another email', { id: 'sign-in.other-email' })}</button>
        </div>
      </form>`;
    case 'reset':
      return html`<form class="lk-form" novalidate @submit=${el.submitReset}>
        ${el.renderCodeField(view.flow, () => el.resend(view.flow, 'reset'))}
        ${el.renderField({
          name: 'new-password',
          label: msg('New password', { id: 'field.new-password.label' }),
          type: 'password',
          autocomplete: 'new-password',
          hint: msg('At least 8 characters.', { id: 'field.new-password.hint' }),
        })}
        ${el.renderAlert()} ${el.renderSubmit(msg('Set new password', { id: 'sign-in.reset.submit' }))}
        <div class="lk-links">
          <button type="button" class="lk-link" @click=${() => el.back({ name: 'password', email: view.flow.email })}>${msg('Back to sign in', { id: 'sign-in.back' })}</button>
        </div>
      </form>`;
    case 'done':
      return html``;
  }
}

/** The chosen email as a chip with "Change", plus the hidden username field password managers pair with. */
function identity(el: LkSignIn, email: string): TemplateResult {
  return html`${el.renderUsernameHint(email)}
    <div class="lk-identity">
      <span>${email}</span>
      <button type="button" class="lk-link" @click=${() => el.back({ name: 'identifier', email })} aria-label=${msg('Change email', { id: 'sign-in.change-email' })}>
        ${msg('Change', { id: 'sign-in.change' })}
      </button>
    </div>`;
}
