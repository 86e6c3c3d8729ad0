import { html, type TemplateResult } from 'lit';
import { msg } from '@lit/localize';
import { LIMITS } from '@latchkey/client';
import type { LkSignUp, SignUpView } from './sign-up.js';

/** The light-DOM form of each sign-up step. */
export function renderSignUpForm(el: LkSignUp, view: SignUpView): TemplateResult {
  switch (view.name) {
    case 'details':
      return html`<form class="lk-form" novalidate @submit=${el.submitDetails}>
        ${el.renderField({ name: 'name', label: msg('Name (optional)', { id: 'field.name.label' }), type: 'text', autocomplete: 'name', required: false, maxlength: LIMITS.nameMaxLength })}
        ${el.renderField({ name: 'email', label: msg('Email', { id: 'field.email.label' }), type: 'email', autocomplete: 'username', inputmode: 'email' })}
        ${el.renderField({
          name: 'new-password',
          label: msg('Password', { id: 'field.password.label' }),
          type: 'password',
          autocomplete: 'new-password',
          hint: msg('At least 8 characters.', { id: 'field.new-password.hint' }),
        })}
        ${el.renderAlert()} ${el.renderSubmit(msg('Create account', { id: 'sign-up.submit' }))}
      </form>`;
    case 'email-code':
      return html`<form class="lk-form" novalidate @submit=${el.submitCode} @input=${el.onCodeInput}>
        ${el.renderCodeField(view.flow, () => el.resend(view.flow))}
        ${el.renderAlert()} ${el.renderSubmit(msg('Verify email', { id: 'sign-up.verify' }))}
        <div class="lk-links">
          <button type="button" class="lk-link" @click=${el.startOver}>${msg('Use another email', { id: 'sign-up.other-email' })}</button>
        </div>
      </form>`;
    case 'done':
      return html``;
  }
}
