import { html, nothing, type TemplateResult } from 'lit';

/**
 * The shadow card of a flow element: the step's heading (focused on each step
 * change), its subtitle, the slotted light-DOM form, and a footer line.
 */
export function renderCard(title: string, subtitle: string | undefined, footer: TemplateResult | typeof nothing): TemplateResult {
  return html`<div part="base">
    <header part="header">
      <h2 part="title" tabindex="-1">${title}</h2>
      ${subtitle ? html`<p part="subtitle">${subtitle}</p>` : nothing}
    </header>
    <slot name="form"></slot>
    <footer part="footer">${footer}</footer>
  </div>`;
}
