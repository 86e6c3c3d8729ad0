import { html, nothing, type TemplateResult } from 'lit';
import { msg } from '../internal/localize.js';
import { renderPasswordField } from '../internal/templates/password-field.js';
import { renderSubmit } from '../internal/templates/submit.js';
import { renderUsernameHint } from '../internal/templates/username-hint.js';
import type { FormState } from '../internal/templates/form-state.js';

/** What the password section shows, worked out by its controller. */
export interface PasswordView {
  /** Undefined while it is being read. */
  hasPassword?: boolean | undefined;
  editing: boolean;
  /** Why the last change failed (not at the field). */
  alert?: string | undefined;
}

/** The section in the card: heading, what it is for, and "Change password" or, while editing, the slot of its light-DOM form. */
export function renderPasswordSection(view: PasswordView, body: TemplateResult | typeof nothing, onEdit: () => void): TemplateResult {
  const has = view.hasPassword;
  return html`<section part="section" class="section" aria-labelledby="password-title"> <h3 part="section-title" id="password-title">${msg('Password', { id: 'profile.password.title' })}</h3> <p part="section-description" class="description"> ${has === false
        ? msg('Your account has no password: you sign in with a passkey or another account. Set one to sign in with your email and a password too.', { id: 'profile.password.none' })
        : msg('Use a long password you don’t use anywhere else. Changing it signs you out on your other devices.', { id: 'profile.password.description' })} </p> ${view.alert ? html`<p class="alert top" role="alert">${view.alert}</p>` : nothing} ${body} ${view.editing
        ? html`<slot name="password-form"></slot>`
        : has === undefined
          ? nothing
          : html`<div class="add-row"><button type="button" part="password-button" class="secondary" data-action="edit-password" @click=${onEdit}> ${has ? msg('Change password', { id: 'profile.password.change' }) : msg('Set a password', { id: 'profile.password.set' })} </button></div>`} </section>`;
}

/** The light-DOM form: the account's address for password managers, "New password", Save and Cancel. */
export function renderPasswordForm(form: FormState, email: string, on: { onSubmit(event: SubmitEvent): void; onCancel(): void }): TemplateResult {
  return html`<form class="lk-form lk-profile-form" novalidate @submit=${on.onSubmit} @keydown=${(event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      on.onCancel();
    }}> ${renderUsernameHint(email)} ${renderPasswordField(form, {
      name: 'password',
      label: msg('New password', { id: 'profile.password.new' }),
      autocomplete: 'new-password',
      hint: msg('At least 8 characters. A few words are easy to remember and hard to guess.', { id: 'profile.password.hint' }),
    })} <div class="lk-profile-actions">${renderSubmit(msg('Save password', { id: 'profile.password.save' }), form.pending)} <button type="button" class="lk-secondary" @click=${on.onCancel}>${msg('Cancel')}</button></div> </form>`;
}
