import { html, nothing, type TemplateResult } from 'lit';
import { msg, str } from '../internal/localize.js';
import { renderField } from '../internal/templates/field.js';
import { renderCodeField, submitWhenComplete } from '../internal/templates/code-field.js';
import { renderSubmit } from '../internal/templates/submit.js';
import type { FormState } from '../internal/templates/form-state.js';
import type { EmailCodeStep } from '@latchkey/client';

/** What the email section shows, worked out by its controller. */
export interface EmailView {
  email: string;
  /** The form is open: a new address is being typed (no `step`), or its code (`step`). */
  editing: boolean;
  step?: EmailCodeStep | undefined;
  alert?: string | undefined;
}

/** The section in the card: the address in use and "Change email", or, while changing it, the slot of its light-DOM form. */
export function renderEmailSection(view: EmailView, onEdit: () => void): TemplateResult {
  return html`<section part="section" class="section" aria-labelledby="email-title"> <h3 part="section-title" id="email-title">${msg('Email address', { id: 'profile.email.title' })}</h3> <p part="section-description" class="description">${msg('You sign in with this address, and we send your codes and notices to it.', { id: 'profile.email.description' })}</p> ${view.alert ? html`<p class="alert top" role="alert">${view.alert}</p>` : nothing} <div class="row email-row"> <span class="icon">${mailIcon}</span> <span class="details"><span part="current-email" class="name"><bdi>${view.email}</bdi></span></span> ${view.editing
        ? nothing
        : html`<div class="actions"><button type="button" part="email-button" class="link" data-action="edit-email" @click=${onEdit}>${msg('Change email', { id: 'profile.email.change' })}</button></div>`} </div> ${view.editing ? html`<slot name="email-form"></slot>` : nothing} </section>`;
}

const mailIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true"><rect x="3" y="5" width="18" height="14" rx="2" /><path d="m3 7 9 6 9-6" /></svg>`;

export interface EmailFormCallbacks {
  onSubmitEmail(event: SubmitEvent): void;
  onSubmitCode(event: SubmitEvent): void;
  onResend(): void;
  onCancel(): void;
}

const onEscape = (on: EmailFormCallbacks) => (event: KeyboardEvent) => {
  if (event.key !== 'Escape') return;
  event.preventDefault();
  on.onCancel();
};

/** The light-DOM form: the new address, then the code mailed to it. */
export function renderEmailForm(form: FormState, step: EmailCodeStep | undefined, on: EmailFormCallbacks): TemplateResult {
  const cancel = html`<button type="button" class="lk-secondary" @click=${on.onCancel}>${msg('Cancel')}</button>`;
  if (!step) {
    return html`<form class="lk-form lk-profile-form" novalidate @submit=${on.onSubmitEmail} @keydown=${onEscape(on)}> ${renderField(form, { name: 'email', label: msg('New email address', { id: 'profile.email.new' }), type: 'email', autocomplete: 'email', inputmode: 'email' })} <div class="lk-profile-actions">${renderSubmit(msg('Send code', { id: 'profile.email.send' }), form.pending)} ${cancel}</div> </form>`;
  }
  return html`<form class="lk-form lk-profile-form" novalidate @submit=${on.onSubmitCode} @input=${submitWhenComplete} @keydown=${onEscape(on)}> <p class="lk-hint">${msg(str`We sent a code to ${step.email}. Enter it to use this address from now on.`, { id: 'profile.email.code-sent' })}</p> ${renderCodeField(form, {
      email: step.email,
      resendAfter: step.resend_after,
      attemptsLeft: step.attempts_left,
      resent: form.resent ?? false,
      onResend: on.onResend,
    })} <div class="lk-profile-actions">${renderSubmit(msg('Verify', { id: 'profile.email.verify' }), form.pending)} ${cancel}</div> </form>`;
}
