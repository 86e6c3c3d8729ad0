import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';

/** What the card shows around the slotted light-DOM form. */
export interface CardOptions {
  title: string;
  subtitle?: string | undefined;
  footer?: TemplateResult | typeof nothing;
  /** Said through the polite live region (the new step's heading, while focus goes to its first field). */
  announcement: string;
  /** The host's product name, above the heading. */
  appName?: string | undefined;
  /** `rtl` in a right-to-left locale on a page that sets no `dir` (`directionFor`). */
  dir?: 'rtl' | undefined;
}

/**
 * The shadow card of a flow element: a `logo` slot and the app's name, the
 * step's heading and subtitle, the slotted light-DOM form, and a footer line.
 */
export function renderCard(o: CardOptions): TemplateResult {
  return html`<div part="base" dir=${ifDefined(o.dir)}> <header part="header"> <slot name="logo" part="logo"></slot> ${o.appName ? html`<p part="app-name">${o.appName}</p>` : nothing} <h2 part="title" tabindex="-1">${o.title}</h2> ${o.subtitle ? html`<p part="subtitle">${o.subtitle}</p>` : nothing} </header> <slot name="form"></slot> <footer part="footer">${o.footer ?? nothing}</footer> <p class="announcer" aria-live="polite">${o.announcement}</p> </div>`;
}
