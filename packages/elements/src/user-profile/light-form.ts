import { nothing, render, type TemplateResult } from 'lit';
import { addFormStyles, adoptFormStyles, formScope as s } from '../internal/form-styles.js';

// The profile's forms sit under a section's text; their buttons side by side where there is room.
addFormStyles(`@layer latchkey{
${s} .lk-profile-form{margin-block-start:var(--_space-s)}
${s} .lk-profile-actions{display:flex;flex-wrap:wrap;gap:var(--_space-s)}
${s} .lk-profile-actions>button{inline-size:auto;flex:1 1 9rem;margin-block-start:0}}`);

/**
 * Where a section of `lk-user-profile` draws its credential form (a new
 * password, a new address, a code): a `<div slot=…>` in the element's light
 * DOM, shown through a `<slot>` of the section. Password managers scan only the
 * light DOM (DESIGN.md), so these fields live there like lk-sign-in's, styled
 * by the same scoped sheet. A section renders it from its `hostUpdated`.
 */
export class LightForm {
  readonly #host: HTMLElement;
  readonly #box = document.createElement('div');

  constructor(host: HTMLElement, slot: string) {
    this.#host = host;
    this.#box.slot = slot;
    this.#box.className = 'lk-form-host';
  }

  /** Draws `template` (or, with `nothing`, takes the box out of the page). */
  render(template: TemplateResult | typeof nothing): void {
    if (template === nothing) {
      if (this.#box.parentNode) render(nothing, this.#box);
      this.#box.remove();
      return;
    }
    adoptFormStyles(this.#host.getRootNode());
    if (this.#box.parentNode !== this.#host) this.#host.append(this.#box);
    render(template, this.#box, { host: this.#host });
  }

  /** The first element of the form matching `selector`. */
  query<T extends Element>(selector: string): T | null {
    return this.#box.querySelector<T>(selector);
  }
}
