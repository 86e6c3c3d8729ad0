import { html, nothing, type TemplateResult } from 'lit';
import { msg } from '../localize.js';

/** What a form needs to offer a passkey: the click, and whether its request (or the browser's dialog) is running now. */
export interface PasskeyOffer {
  waiting: boolean;
  onClick: () => void;
}

/**
 * "or" and a secondary button that starts a passkey ceremony; while it runs
 * it says so, with a spinner, and stays focusable.
 */
export function renderPasskeyButton(offer: PasskeyOffer | undefined, label: string, waitingLabel: string): TemplateResult | typeof nothing {
  if (!offer) return nothing;
  return html`<div class="lk-divider">${msg('or')}</div> <button type="button" class="lk-secondary" aria-disabled=${offer.waiting} @click=${offer.onClick}> ${offer.waiting ? html`<span class="lk-spinner" aria-hidden="true"></span>${waitingLabel}` : label} </button>`;
}
