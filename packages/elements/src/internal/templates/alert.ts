import { html, type TemplateResult } from 'lit';
import { msg } from '../localize.js';

/** The live region where a failed request says what went wrong (empty, and hidden, when nothing did). */
export function renderAlert(message: string): TemplateResult {
  return html`<p class="lk-alert" role="alert" aria-live="assertive">${message}</p>`;
}

/** In place of a form while the broker cannot be reached: why, and "Try again". */
export function renderRetry(message: string, onRetry: () => void): TemplateResult {
  return html`<div class="lk-form"> ${renderAlert(message)} <button type="button" class="lk-secondary" @click=${onRetry}>${msg('Try again')}</button> </div>`;
}
