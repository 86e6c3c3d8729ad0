import { html, nothing, type TemplateResult } from 'lit';
import { msg, str } from '../internal/localize.js';
import type { Passkey } from '@latchkey/client';
import { isolate } from '../internal/locale-state.js';
import { PASSKEY_NAME_MAX_LENGTH } from './passkeys.messages.js';
import { keyIcon, renderPasskeyDetails } from '../internal/templates/passkey-details.js';

/** What the passkeys section shows, worked out by its controller from its requests. */
export interface PasskeysView {
  passkeys: Passkey[];
  /** The passkey being renamed: its form is open, maybe saving, maybe saying what is wrong. */
  renaming?: { id: string; pending: boolean; error?: string | undefined };
  /** The passkey whose deletion waits for a yes; `refused` once the broker said it is the last way in. */
  confirming?: { id: string; pending: boolean; error?: string | undefined; refused: boolean };
  /** Whether this browser can create passkeys at all. */
  supported: boolean;
  /** Adding one: the browser's dialog or the broker is working on it. */
  adding: boolean;
  addError?: string | undefined;
}

/** What the section's buttons and forms call. */
export interface PasskeysCallbacks {
  onStartRename(id: string): void;
  onRename(event: SubmitEvent, id: string): void;
  onCancelRename(): void;
  onStartDelete(id: string): void;
  onDelete(id: string): void;
  onCancelDelete(): void;
  onAdd(): void;
  onCancelAdd(): void;
}

const spinner = html`<span class="spinner" aria-hidden="true"></span>`;

const plusIcon = html`<svg class="plus" viewBox="0 0 24 24" aria-hidden="true"><path d="M12 5v14M5 12h14" /></svg>`;

/**
 * The section's frame: heading and what passkeys are, then `body` (the list,
 * or its loading and failed states) and the add button.
 */
export function renderPasskeysSection(body: TemplateResult, add: TemplateResult | typeof nothing): TemplateResult {
  return html`<section part="section passkeys-section" class="section" aria-labelledby="passkeys-title"> <h3 part="section-title" id="passkeys-title">${msg('Passkeys')}</h3> <p part="section-description" class="description"> ${msg('Sign in with your fingerprint, face or screen lock instead of a password. Passkeys cannot be guessed or phished.')} </p> ${body} ${add} </section>`;
}

/** The broker offers no passkeys (its sign-in methods leave them out): said plainly, nothing to retry. */
export function renderPasskeysOff(): TemplateResult {
  return html`<p class="note">${msg("This site doesn't offer passkeys.")}</p>`;
}

/** The user's passkeys, one row each; the row being renamed or deleted opens its form. */
export function renderPasskeyList(view: PasskeysView, on: PasskeysCallbacks): TemplateResult {
  if (!view.passkeys.length) {
    return html`<p class="empty">${msg("You haven't added a passkey yet.")}</p>`;
  }
  return html`<ul part="passkey-list" class="list"> ${view.passkeys.map((p) => renderPasskey(p, view, on))} </ul>`;
}

function renderPasskey(p: Passkey, view: PasskeysView, on: PasskeysCallbacks): TemplateResult {
  const renaming = view.renaming?.id === p.id ? view.renaming : undefined;
  const confirming = view.confirming?.id === p.id ? view.confirming : undefined;
  const details = renderPasskeyDetails(p);
  return html`<li part="passkey" class="row" data-id=${p.id}> <span class="icon">${keyIcon}</span> ${renaming ? renderRenameForm(p, renaming, on) : details} ${renaming || confirming
      ? nothing
      : html`<div class="actions"> <button type="button" class="link" data-action="rename" aria-label=${msg(str`Rename ${p.name}`)} @click=${() => on.onStartRename(p.id)}> ${msg('Rename')} </button> <button type="button" class="link danger" data-action="delete" aria-label=${msg(str`Delete ${p.name}`)} @click=${() => on.onStartDelete(p.id)}> ${msg('Delete')} </button> </div>`} ${confirming ? renderDeleteConfirmation(p, confirming, on) : nothing} </li>`;
}

function renderRenameForm(p: Passkey, state: NonNullable<PasskeysView['renaming']>, on: PasskeysCallbacks): TemplateResult {
  const id = `rename-${p.id}`;
  return html`<form class="rename" novalidate @submit=${(event: SubmitEvent) => on.onRename(event, p.id)}> <label for=${id}>${msg('Passkey name')}</label> <div class="rename-row"> <input id=${id} name="name" type="text" autocomplete="off" spellcheck="false" maxlength=${PASSKEY_NAME_MAX_LENGTH} required .value=${p.name} aria-invalid=${state.error ? 'true' : 'false'} aria-describedby=${`${id}-error`} @keydown=${(event: KeyboardEvent) => {
          if (event.key !== 'Escape') return;
          event.preventDefault();
          on.onCancelRename();
        }} /> <button type="submit" class="primary" aria-disabled=${state.pending ? 'true' : 'false'}> ${state.pending ? spinner : nothing}${msg('Save')} </button> <button type="button" class="secondary" @click=${on.onCancelRename}>${msg('Cancel')}</button> </div> <p class="field-error" id=${`${id}-error`} role="alert">${state.error ?? ''}</p> </form>`;
}

function renderDeleteConfirmation(p: Passkey, state: NonNullable<PasskeysView['confirming']>, on: PasskeysCallbacks): TemplateResult {
  const id = `confirm-${p.id}`;
  const onKeydown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    on.onCancelDelete();
  };
  return html`<div part="confirm" class="confirm" role="group" aria-labelledby=${id} @keydown=${onKeydown}> <p id=${id}> <strong>${msg(str`Delete “${isolate(p.name)}”?`)}</strong> ${msg("You won't be able to sign in with it any more. Your device keeps it until you remove it there too.")} </p> ${state.error ? html`<p class="alert" role="alert">${state.error}</p>` : nothing} <div class="confirm-actions"> ${state.refused
        ? nothing
        : html`<button type="button" class="destructive" data-action="confirm-delete" aria-disabled=${state.pending ? 'true' : 'false'} @click=${() => on.onDelete(p.id)}> ${state.pending ? spinner : nothing}${msg('Delete passkey')} </button>`} <button type="button" class="secondary" data-action="cancel-delete" @click=${on.onCancelDelete}>${msg('Cancel')}</button> </div> </div>`;
}

/** "Add a passkey" (or, while the browser's dialog is open, what to do there), or why this browser cannot. */
export function renderAddPasskey(view: PasskeysView, on: PasskeysCallbacks): TemplateResult {
  if (!view.supported) {
    return html`<p part="unsupported" class="note"> ${msg("This browser can't create passkeys. To add one, open this page in an up-to-date browser such as Chrome, Edge, Firefox or Safari.")} </p>`;
  }
  return html`<div class="add"> <div class="add-row"> <button type="button" part="add-button" class="secondary" data-action="add" aria-disabled=${view.adding ? 'true' : 'false'} @click=${on.onAdd}> ${view.adding ? spinner : plusIcon} ${view.adding ? msg('Waiting for your device…') : msg('Add a passkey')} </button> ${view.adding ? html`<button type="button" class="link" data-action="cancel-add" @click=${on.onCancelAdd}>${msg('Cancel')}</button>` : nothing} </div> <p class="hint" role="status">${view.adding ? msg("Follow the steps in your browser's window.") : ''}</p> ${view.addError ? html`<p class="alert" role="alert">${view.addError}</p>` : nothing} </div>`;
}
