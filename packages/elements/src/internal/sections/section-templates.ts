import { html, type TemplateResult } from 'lit';
import { msg } from '../localize.js';

// What every section of an element of sections draws while its list loads or when it cannot.

/** Placeholder rows while a list loads (`rows` of them), and `status` (what is loading) said to screen readers. */
export function renderRowsLoading(status: string, rows = 2): TemplateResult {
  return html`<p class="visually-hidden" role="status">${status}</p> <ul class="list skeleton" aria-hidden="true"> ${Array.from({ length: rows }, () => html`<li class="row"><span class="icon"></span><span class="details"><span class="bar"></span><span class="bar short"></span></span></li>`)} </ul>`;
}

/** The list could not be read: why, and "Try again". */
export function renderLoadFailed(message: string, onRetry: () => void): TemplateResult {
  return html`<div class="failed"> <p class="alert" role="alert">${message}</p> <button type="button" class="secondary" @click=${onRetry}>${msg('Try again')}</button> </div>`;
}
