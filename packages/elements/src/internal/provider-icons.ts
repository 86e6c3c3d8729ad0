import { html, type TemplateResult } from 'lit';
import type { ProviderIcon } from '@latchkey/client';

// Provider marks wherever a provider is named: social buttons in lk-sign-in and
// lk-sign-up, connected accounts in lk-user-profile. Monochrome, filled with
// `currentColor`, so they follow the theme and forced colours; each path is
// simplified to stay small (every element's bytes count against one budget).

const GENERIC = 'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 2a8 8 0 1 1 0 16 8 8 0 0 1 0-16zm-1 4v3H7v2h4v3l4-4z';

const PATHS: Record<ProviderIcon, string> = {
  github:
    'M12 1a11 11 0 0 0-3.5 21.4c.6.1.8-.2.8-.5v-2.5c-2.6-.5-5-1.7-5-5.6 0-1.2.4-2.2 1.1-2.9-.1-.3-.5-1.4.1-2.9 0 0 .9-.3 3 1.1a10.4 10.4 0 0 1 5.5 0c2.1-1.4 3-1.1 3-1.1.6 1.5.2 2.6.1 2.9.7.8 1.1 1.7 1.1 2.9 0 3.9-2.4 5.1-5 5.6.4.3.7 1 .7 2v3c0 .3.2.6.8.5A11 11 0 0 0 12 1z',
  google: 'M21.8 10H12v4h5.7A6 6 0 1 1 16 7.6l2.9-2.8A10 10 0 1 0 22 12c0-.7-.1-1.4-.2-2z',
  microsoft: 'M2 2h9.5v9.5H2zm10.5 0H22v9.5h-9.5zM2 12.5h9.5V22H2zm10.5 0H22V22h-9.5z',
  apple:
    'M16.4 12.6c0-2.6 2.1-3.8 2.2-3.9-1.2-1.8-3.1-2-3.8-2-1.6-.2-3.1.9-3.9.9-.8 0-2-.9-3.4-.9-1.7 0-3.3 1-4.2 2.6-1.8 3.1-.5 7.7 1.3 10.2.9 1.2 1.9 2.6 3.2 2.6 1.3-.1 1.8-.8 3.3-.8s2 .8 3.4.8 2.3-1.3 3.1-2.5c1-1.4 1.4-2.8 1.4-2.9 0 0-2.6-1-2.6-4.1zm-2.5-7.7c.7-.9 1.2-2 1-3.2-1 0-2.3.7-3 1.6-.7.8-1.3 2-1.1 3.1 1.2.1 2.3-.6 3.1-1.5z',
  oauth: GENERIC,
  oidc: GENERIC,
};

/**
 * A provider's mark, decorative (`aria-hidden`): the provider's name is always
 * written beside it. An icon this build does not know (a newer broker's) gets
 * the generic one. Class `provider-icon`; size it with CSS.
 *
 * @example
 * html`<button>${providerIcon(provider.icon)} ${msg(str`Continue with ${provider.name}`)}</button>`
 */
export function providerIcon(icon: ProviderIcon): TemplateResult {
  return html`<svg class="provider-icon" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true"><path d=${PATHS[icon] ?? GENERIC} /></svg>`;
}
