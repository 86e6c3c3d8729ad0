import { html, type TemplateResult } from 'lit';
import { msg } from '../internal/localize.js';
import { LIMITS } from '@latchkey/client';
import { renderAlert } from '../internal/templates/alert.js';
import { renderCodeField, submitWhenComplete } from '../internal/templates/code-field.js';
import { addFormStyles } from '../internal/form-styles.js';
import { renderField } from '../internal/templates/field.js';
import { linkStyles } from '../internal/templates/links.js';
import { renderPasswordField } from '../internal/templates/password-field.js';
import type { FormState } from '../internal/templates/form-state.js';
import { renderSubmit } from '../internal/templates/submit.js';
import { renderPasskeyButton, type PasskeyOffer } from '../internal/templates/passkey-button.js';
import { renderSocialButtons } from '../internal/templates/social-buttons.js';
import type { SocialOffer } from '../internal/controllers/social-controller.js';
import type { SocialProvider } from '@latchkey/client';

// The light-DOM form of each sign-up step. Each template gets its data and the callbacks it calls.

addFormStyles(linkStyles);

export function renderDetailsStep(o: {
  form: FormState;
  onSubmit: (event: SubmitEvent) => void;
  passkey?: PasskeyOffer;
  social: SocialOffer;
  onSocial(provider: SocialProvider): void;
  /** An invitation's address: filled in, and read-only (only it may accept). */
  email?: string;
}): TemplateResult {
  return html`<form class="lk-form" novalidate @submit=${o.onSubmit}> ${renderField(o.form, { name: 'name', label: msg('Name (optional)'), type: 'text', autocomplete: 'name', required: false, maxlength: LIMITS.nameMaxLength })} ${renderField(o.form, { name: 'email', label: msg('Email'), type: 'email', autocomplete: 'username', inputmode: 'email', value: o.email })} ${renderPasswordField(o.form, {
      name: 'new-password',
      label: msg('Password'),
      autocomplete: 'new-password',
      hint: msg('At least 8 characters.'),
    })} ${renderAlert(o.form.alert)} ${renderSubmit(msg('Create account'), o.form.pending && !o.passkey?.waiting)} ${renderPasskeyButton(o.passkey, msg('Create account with a passkey'), msg('Sending your code…'))} ${renderSocialButtons(o.social, { divider: !o.passkey, pending: o.form.pending, onPick: o.onSocial })} </form>`;
}

/** After the code: create the passkey the account will sign in with (no password at all). */
export function renderPasskeyStep(o: { form: FormState; waiting: boolean; onCreate: () => void; onStartOver: () => void }): TemplateResult {
  return html`<form class="lk-form" novalidate @submit=${(event: SubmitEvent) => (event.preventDefault(), o.onCreate())}> ${renderAlert(o.form.alert)} ${renderSubmit(o.waiting ? msg('Waiting for your passkey…') : msg('Create passkey'), o.form.pending)} <div class="lk-links"> <button type="button" class="lk-link" @click=${o.onStartOver}>${msg('Use another email')}</button> </div> </form>`;
}

export function renderVerifyStep(o: {
  form: FormState;
  email: string;
  resendAfter: string;
  attemptsLeft?: number;
  onSubmit: (event: SubmitEvent) => void;
  onResend: () => void;
  onStartOver: () => void;
}): TemplateResult {
  return html`<form class="lk-form" novalidate @submit=${o.onSubmit} @input=${submitWhenComplete}> ${renderCodeField(o.form, { email: o.email, resendAfter: o.resendAfter, attemptsLeft: o.attemptsLeft, resent: o.form.resent, onResend: o.onResend })} ${renderAlert(o.form.alert)} ${renderSubmit(msg('Verify email'), o.form.pending)} <div class="lk-links"> <button type="button" class="lk-link" @click=${o.onStartOver}>${msg('Use another email')}</button> </div> </form>`;
}
