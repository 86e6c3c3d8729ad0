import { html, nothing, type TemplateResult } from 'lit';

/**
 * The form's primary button. While a request runs it stays focusable and
 * says so (`aria-disabled`, a spinner) instead of disappearing from the tab order.
 */
export function renderSubmit(label: string, pending: boolean): TemplateResult {
  return html`<button class="lk-primary" type="submit" aria-disabled=${pending}> ${pending ? html`<span class="lk-spinner" aria-hidden="true"></span>` : nothing}${label} </button>`;
}
