import { html, nothing, type TemplateResult } from 'lit';
import { msg, str } from '../internal/localize.js';
import type { ConnectedAccount, SocialProvider } from '@latchkey/client';
import { isolate } from '../internal/locale-state.js';
import { providerIcon } from '../internal/provider-icons.js';
import { formatDate } from '../internal/dates.js';

/** What the connected-accounts section shows, worked out by its controller from its requests. */
export interface AccountsView {
  accounts: ConnectedAccount[];
  available: SocialProvider[];
  /** The account whose disconnection waits for a yes; `refused` once the broker said it is the last way in. */
  confirming?: { id: string; pending: boolean; error?: string | undefined; refused: boolean };
  /** The provider the page is leaving for (asking the broker, then navigating). */
  connecting?: SocialProvider | undefined;
}

/** What the section's buttons call. */
export interface AccountsCallbacks {
  onStartDisconnect(id: string): void;
  onDisconnect(id: string): void;
  onCancelDisconnect(): void;
  onConnect(provider: SocialProvider): void;
}

const spinner = html`<span class="spinner" aria-hidden="true"></span>`;

/**
 * The section's frame: heading, what it is for, `alert` (why the last connect
 * failed: the broker, or the provider after the page came back), then `body`
 * and the connect buttons.
 */
export function renderAccountsSection(body: TemplateResult | typeof nothing, connect: TemplateResult | typeof nothing, alert: string | undefined): TemplateResult {
  return html`<section part="section accounts-section" class="section" aria-labelledby="accounts-title"> <h3 part="section-title" id="accounts-title">${msg('Connected accounts')}</h3> <p part="section-description" class="description">${msg('Sign in with an account from another service.')}</p> ${alert ? html`<p class="alert top" role="alert">${alert}</p>` : nothing} ${body} ${connect} </section>`;
}

/**
 * The user's connected accounts, one row each; the row being disconnected opens
 * its confirmation. None yet: nothing, the description and the connect buttons say it all.
 */
export function renderAccountList(view: AccountsView, on: AccountsCallbacks): TemplateResult | typeof nothing {
  if (!view.accounts.length) return nothing;
  return html`<ul part="account-list" class="list"> ${view.accounts.map((a) => renderAccount(a, view.confirming?.id === a.id ? view.confirming : undefined, on))} </ul>`;
}

function renderAccount(a: ConnectedAccount, confirming: AccountsView['confirming'], on: AccountsCallbacks): TemplateResult {
  const name = `account-${a.id}`;
  return html`<li part="account" class="row" data-id=${a.id}> <span class="icon">${providerIcon(a.provider.icon)}</span> <div class="details"> <span part="account-name" class="name" id=${name}>${a.provider.name}</span> <span class="meta">${a.email ? html`<span><bdi>${a.email}</bdi></span><span aria-hidden="true">\u00a0· </span>` : nothing}<span>${msg(str`Connected ${formatDate(a.created_at)}`)}</span></span> </div> ${confirming
      ? renderConfirmation(a, confirming, on)
      : html`<div class="actions"> <button type="button" class="link danger" id=${`disconnect-${a.id}`} data-action="disconnect" aria-labelledby=${`disconnect-${a.id} ${name}`} @click=${() => on.onStartDisconnect(a.id)}> ${msg('Disconnect')} </button> </div>`} </li>`;
}

function renderConfirmation(a: ConnectedAccount, state: NonNullable<AccountsView['confirming']>, on: AccountsCallbacks): TemplateResult {
  const id = `confirm-${a.id}`;
  const onKeydown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    on.onCancelDisconnect();
  };
  return html`<div part="confirm" class="confirm" role="group" aria-labelledby=${id} @keydown=${onKeydown}> <p id=${id}><strong>${msg(str`Disconnect ${isolate(a.provider.name)}?`)}</strong></p> ${state.error ? html`<p class="alert" role="alert">${state.error}</p>` : nothing} <div class="confirm-actions"> ${state.refused
        ? nothing
        : html`<button type="button" class="destructive" data-action="confirm-disconnect" aria-disabled=${state.pending ? 'true' : 'false'} @click=${() => on.onDisconnect(a.id)}> ${state.pending ? spinner : nothing}${msg('Disconnect')} </button>`} <button type="button" class="secondary" data-action="cancel-disconnect" @click=${on.onCancelDisconnect}>${msg('Cancel')}</button> </div> </div>`;
}

/** "Connect {provider}" for each provider not connected yet; while leaving for one, where the page is going. */
export function renderConnect(view: AccountsView, on: AccountsCallbacks): TemplateResult | typeof nothing {
  if (!view.available.length && !view.connecting) return nothing;
  const going = view.connecting;
  return html`<div class="add"> <div class="add-row"> ${view.available.map(
        (p) =>
          html`<button type="button" part="connect-button" class="secondary" aria-disabled=${going ? 'true' : 'false'} @click=${() => on.onConnect(p)}> ${going?.id === p.id ? spinner : providerIcon(p.icon)} ${msg(str`Connect ${p.name}`)} </button>`,
      )} </div> <p class="hint" role="status">${going ? msg(str`Taking you to ${going.name}…`) : ''}</p> </div>`;
}
