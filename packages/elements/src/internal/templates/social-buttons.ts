import { html, nothing, type TemplateResult } from 'lit';
import type { SocialProvider } from '@latchkey/client';
import { msg, str } from '../localize.js';
import type { SocialOffer } from '../controllers/social-controller.js';

/**
 * "Continue with {name}" for each social provider the broker lists, in its
 * order, each with its built-in icon; after an "or" divider unless one is
 * drawn above already (`divider: false`). Nothing at all while the broker lists
 * none (or its configuration is still on its way): no room is kept for them.
 */
export function renderSocialButtons(offer: SocialOffer, o: { divider: boolean; pending: boolean; onPick(provider: SocialProvider): void }): TemplateResult | typeof nothing {
  if (!offer.providers.length) return nothing;
  return html`${o.divider ? html`<div class="lk-divider">${msg('or')}</div>` : nothing}
    ${offer.providers.map(
      (p) =>
        html`<button type="button" class="lk-secondary lk-social" aria-disabled=${o.pending} @click=${() => o.pending || o.onPick(p)}>
          ${offer.icon(p.icon)}${msg(str`Continue with ${p.name}`)}
        </button>`,
    )}`;
}
