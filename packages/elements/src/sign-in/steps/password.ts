import { signInWithPassword, startEmailCodeSignIn, startPasswordReset } from '@latchkey/client';
import { html, nothing } from 'lit';
import { msg } from '../../internal/localize.js';
import { renderAlert } from '../../internal/templates/alert.js';
import { addFormStyles, formScope as s } from '../../internal/form-styles.js';
import { linkStyles } from '../../internal/templates/links.js';
import { renderPasswordField } from '../../internal/templates/password-field.js';
import { renderUsernameHint } from '../../internal/templates/username-hint.js';
import { renderSubmit } from '../../internal/templates/submit.js';
import type { SignInStepOptions, SignInView, StepScreen } from '../sign-in.steps.js';

// The password step's chunk: lk-sign-in imports it the first time the broker asks for a password.

addFormStyles(linkStyles);
addFormStyles(`@layer latchkey {
${s} .lk-identity {
  display: flex; align-items: center; justify-content: space-between; gap: var(--_space-s);
  padding-block: var(--_space-xs); padding-inline: calc(var(--_space-m) * 0.75) var(--_space-s);
  border: var(--_border-width) solid var(--_border); border-radius: calc(var(--_radius) * 2); font-size: 0.9rem;
}
${s} .lk-identity > bdi { min-inline-size: 0; overflow-wrap: anywhere; }
${s} .lk-identity > button { flex: none; white-space: nowrap; }
}`);

/**
 * The password, with "Forgot password?", and "Email me a sign-in code" when the
 * step lists `email-code` among this address's methods.
 */
export function render(o: SignInStepOptions<Extract<SignInView, { name: 'password' }>>): StepScreen {
  const { email, methods, notice } = o.view.step;
  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    const values = o.validate(['password']);
    if (values) o.submit((conn, signal) => signInWithPassword(conn, { email, password: values.password!, return_to: o.returnTo }, { signal }));
  };
  const onForgot = () => o.submit((conn, signal) => startPasswordReset(conn, { email }, { signal }));
  const onUseCode = () => o.submit((conn, signal) => startEmailCodeSignIn(conn, { email, return_to: o.returnTo }, { signal }));
  return {
    title: msg('Enter your password'),
    form: html`<form class="lk-form" novalidate @submit=${onSubmit}>
      ${notice === 'password-reset'
        ? html`<p class="lk-notice" role="status">${msg('Your password was changed. Sign in with the new one.')}</p>`
        : nothing}
      ${renderIdentity(email, () => o.goTo({ name: 'identifier', email }))}
      ${renderPasswordField(o.form, {
        name: 'password',
        label: msg('Password'),
        autocomplete: 'current-password',
        aside: html`<button type="button" class="lk-link" @click=${onForgot}>${msg('Forgot password?')}</button>`,
      })}
      ${renderAlert(o.form.alert)} ${renderSubmit(msg('Sign in'), o.form.pending)}
      ${methods.includes('email-code')
        ? html`<div class="lk-divider">${msg('or')}</div>
            <button type="button" class="lk-secondary" @click=${onUseCode}>${msg('Email me a sign-in code')}</button>`
        : nothing}
    </form>`,
  };
}

/** The chosen email as a chip with "Change", plus the hidden username field password managers pair with. */
function renderIdentity(email: string, onChange: () => void) {
  return html`${renderUsernameHint(email)}
    <div class="lk-identity">
      <bdi>${email}</bdi>
      <button type="button" class="lk-link" @click=${onChange} aria-label=${msg('Change email')}>
        ${msg('Change')}
      </button>
    </div>`;
}
