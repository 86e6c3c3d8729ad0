import { html, type TemplateResult } from 'lit';

/** The live region where a failed request says what went wrong (empty, and hidden, when nothing did). */
export function renderAlert(message: string): TemplateResult {
  return html`<p class="lk-alert" role="alert" aria-live="assertive">${message}</p>`;
}
