import { html, type TemplateResult } from 'lit';
import { msg } from '../internal/localize.js';
import { renderAlert } from '../internal/templates/alert.js';
import { renderField } from '../internal/templates/field.js';
import { renderPasskeyButton, type PasskeyOffer } from '../internal/templates/passkey-button.js';
import type { FormState } from '../internal/templates/form-state.js';
import { renderSubmit } from '../internal/templates/submit.js';
import { renderSocialButtons } from '../internal/templates/social-buttons.js';
import type { SocialOffer } from '../internal/controllers/social-controller.js';
import type { SocialProvider } from '@latchkey/client';

// The light-DOM form of the first screen: native inputs, so password managers and
// autofill work. The later steps draw theirs in their own chunks (steps/, sign-in.steps.ts).

type Submit = (event: SubmitEvent) => void;

/** The email, "Sign in with a passkey" when `passkey` is offered, and a "Continue with {name}" per social provider. `webauthn` in the field's autocomplete lets autofill list passkeys. */
export function renderIdentifierStep(o: { form: FormState; email: string; onSubmit: Submit; passkey?: PasskeyOffer; social: SocialOffer; onSocial(provider: SocialProvider): void }): TemplateResult {
  return html`<form class="lk-form" novalidate @submit=${o.onSubmit}>
    ${renderField(o.form, { name: 'email', label: msg('Email'), type: 'email', autocomplete: 'username webauthn', inputmode: 'email', value: o.email })}
    ${renderAlert(o.form.alert)} ${renderSubmit(msg('Continue'), o.form.pending && !o.passkey?.waiting)}
    ${renderPasskeyButton(o.passkey, msg('Sign in with a passkey'), msg('Waiting for your passkey…'))}
    ${renderSocialButtons(o.social, { divider: !o.passkey, pending: o.form.pending, onPick: o.onSocial })}
  </form>`;
}
