import { html, nothing, type TemplateResult } from 'lit';
import { msg, str } from '../internal/localize.js';
import type { MfaStatus } from '@latchkey/client';
import { formatDate } from '../internal/dates.js';
import { codesLeft } from './two-step.messages.js';

/** What the "Two-step verification" section shows, worked out by its controller. */
export interface TwoStepView {
  status: MfaStatus;
  /** An enrolment or new recovery codes fill the light-DOM slot under this heading. */
  panel?: { title: string } | undefined;
  /** "Set up" was clicked: its chunk or the broker's secret is on its way. */
  starting: boolean;
  /** Why "Set up" could not start (the chunk did not load). */
  startError?: string | undefined;
  /** "Remove" waits for a yes; `pending` while the broker removes it. */
  removing?: { pending: boolean; error?: string | undefined } | undefined;
  /** "Regenerate" waits for a yes; `pending` while the broker makes them. */
  regenerating?: { pending: boolean; error?: string | undefined } | undefined;
}

export interface TwoStepCallbacks {
  onSetUp(): void;
  onStartRemove(): void;
  onRemove(): void;
  onCancelRemove(): void;
  onStartRegenerate(): void;
  onRegenerate(): void;
  onCancelRegenerate(): void;
}

const spinner = html`<span class="spinner" aria-hidden="true"></span>`;
const phoneIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true"><rect x="6.5" y="2.5" width="11" height="19" rx="2.5" /><path d="M10.5 18h3" /></svg>`;
const listIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M9 6h11M9 12h11M9 18h11M4.5 6h.01M4.5 12h.01M4.5 18h.01" /></svg>`;
const shieldIcon = html`<svg class="plus" viewBox="0 0 24 24" aria-hidden="true"><path d="M12 3l7 3v5c0 4.5-3 8.5-7 10-4-1.5-7-5.5-7-10V6z" /></svg>`;

/** The section's frame: heading, what two-step verification is, then `body`. */
export function renderTwoStepSection(body: TemplateResult): TemplateResult {
  return html`<section part="section two-step-section" class="section" aria-labelledby="two-step-title"> <h3 part="section-title" id="two-step-title">${msg('Two-step verification', { id: 'mfa.title' })}</h3> <p part="section-description" class="description">${msg('Ask for a code from your phone as well as your password when you sign in, so a stolen password alone is not enough.', { id: 'two-step.description' })}</p> ${body} </section>`;
}

/** An enrolment or new recovery codes: their heading here, their form (light DOM, where password managers see the code field) in the slot. */
function renderPanel(title: string): TemplateResult {
  return html`<div class="panel"> <h4 class="panel-title" id="two-step-panel-title">${title}</h4> <slot name="two-step"></slot> </div>`;
}

/** The section as the status says: off with "Set up an authenticator app", or on with the app and the recovery codes. */
export function renderTwoStep(view: TwoStepView, on: TwoStepCallbacks): TemplateResult {
  const app = view.status.factors[0];
  if (!app) {
    if (view.panel) return renderPanel(view.panel.title);
    return html`<p class="off">${msg('Two-step verification is off.', { id: 'two-step.off' })}</p> <div class="add"> <div class="add-row"> <button type="button" part="setup-button" class="secondary" data-action="set-up" aria-disabled=${view.starting ? 'true' : 'false'} @click=${on.onSetUp}> ${view.starting ? spinner : shieldIcon} ${msg('Set up an authenticator app', { id: 'two-step.set-up' })} </button> </div> ${view.startError ? html`<p class="alert" role="alert">${view.startError}</p>` : nothing} </div>`;
  }
  const recovery = view.status.recovery_codes;
  return html`<ul part="factor-list" class="list"> <li part="factor" class="row" data-factor="totp"> <span class="icon">${phoneIcon}</span> <div class="details"> <span class="name-row"><span class="name">${msg('Authenticator app', { id: 'two-step.app' })}</span><span class="kind synced">${msg('On', { id: 'two-step.on' })}</span></span> <span class="meta"><span>${msg(str`Added ${formatDate(app.created_at)}`, { id: 'two-step.added' })}</span><span aria-hidden="true">\u00a0· </span><span>${app.last_used_at ? msg(str`Last used ${formatDate(app.last_used_at)}`) : msg('Never used')}</span></span> </div> ${view.removing
        ? nothing
        : html`<div class="actions"> <button type="button" class="link danger" data-action="remove-app" aria-label=${msg('Remove authenticator app', { id: 'two-step.remove-label' })} @click=${on.onStartRemove}>${msg('Remove', { id: 'two-step.remove' })}</button> </div>`} ${view.removing ? renderRemoveConfirmation(view.removing, on) : nothing} </li> <li part="factor" class="row" data-factor="recovery-codes"> <span class="icon">${listIcon}</span> <div class="details"> <span class="name">${msg('Recovery codes', { id: 'recovery.file-title' })}</span> <span class="meta"><span>${codesLeft(recovery.remaining)}</span>${recovery.created_at
          ? html`<span aria-hidden="true">\u00a0· </span><span>${msg(str`Made ${formatDate(recovery.created_at)}`, { id: 'two-step.codes-made' })}</span>`
          : nothing}</span> </div> ${view.regenerating || view.panel
        ? nothing
        : html`<div class="actions"> <button type="button" class="link" data-action="regenerate" @click=${on.onStartRegenerate}>${msg('Regenerate recovery codes', { id: 'two-step.regenerate' })}</button> </div>`} ${view.regenerating ? renderRegenerateConfirmation(view.regenerating, on) : nothing} </li> </ul> ${view.status.passkeys > 0 ? html`<p class="note">${msg('Your passkeys work as a second step too.', { id: 'two-step.passkeys-too' })}</p>` : nothing} ${view.panel ? renderPanel(view.panel.title) : nothing}`;
}

/** A question under a row, with its action and Cancel (Escape too); `danger` for a removal. */
function renderConfirmation(o: { id: string; question: string; warning: string; action: string; label: string; danger: boolean; pending: boolean; error?: string | undefined; onConfirm(): void; onCancel(): void }): TemplateResult {
  const onKeydown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    o.onCancel();
  };
  return html`<div part="confirm" class="confirm ${o.danger ? '' : 'notice'}" role="group" aria-labelledby=${o.id} @keydown=${onKeydown}> <p id=${o.id}><strong>${o.question}</strong> ${o.warning}</p> ${o.error ? html`<p class="alert" role="alert">${o.error}</p>` : nothing} <div class="confirm-actions"> <button type="button" class=${o.danger ? 'destructive' : 'primary'} data-action="confirm-${o.action}" aria-disabled=${o.pending ? 'true' : 'false'} @click=${o.onConfirm}>${o.pending ? spinner : nothing}${o.label}</button> <button type="button" class="secondary" data-action="cancel-${o.action}" @click=${o.onCancel}>${msg('Cancel')}</button> </div> </div>`;
}

function renderRemoveConfirmation(state: NonNullable<TwoStepView['removing']>, on: TwoStepCallbacks): TemplateResult {
  return renderConfirmation({
    ...state,
    id: 'remove-app-question',
    action: 'remove',
    danger: true,
    question: msg('Remove your authenticator app?', { id: 'two-step.remove-question' }),
    warning: msg('Signing in will ask for your password only, and your recovery codes stop working.', { id: 'two-step.remove-warning' }),
    label: msg('Remove app', { id: 'two-step.remove-confirm' }),
    onConfirm: on.onRemove,
    onCancel: on.onCancelRemove,
  });
}

function renderRegenerateConfirmation(state: NonNullable<TwoStepView['regenerating']>, on: TwoStepCallbacks): TemplateResult {
  return renderConfirmation({
    ...state,
    id: 'regenerate-question',
    action: 'regenerate',
    danger: false,
    question: msg('Make new recovery codes?', { id: 'two-step.regenerate-question' }),
    warning: msg('Your current codes stop working as soon as the new ones are made.', { id: 'two-step.regenerate-warning' }),
    label: msg('Make new codes', { id: 'two-step.regenerate-confirm' }),
    onConfirm: on.onRegenerate,
    onCancel: on.onCancelRegenerate,
  });
}
