import { html, type TemplateResult } from 'lit';
import type { ProviderIcon } from '@latchkey/client';

// Provider marks wherever a provider is named: social buttons in lk-sign-in and
// lk-sign-up, connected accounts in lk-user-profile. Monochrome, filled with
// `currentColor`, so they follow the theme and forced colours; each path is
// simplified, on a 48-unit grid of whole numbers, to stay small (every element's bytes count against one budget).

// A disc with an arrow cut out (drawn the other way round, so nonzero filling leaves it empty).
const GENERIC = 'M24 4a20 20 0 1 0 0 40 20 20 0 0 0 0-40zm-2 12 8 8-8 8v-6h-8v-4h8z';

const PATHS: Record<ProviderIcon, string> = {
  github:
    'M24 2a22 22 0 0 0-7 43c1 0 2-1 2-1v-5c-5-1-10-3-10-11 0-3 1-5 2-6 0-1-1-3 0-6 0 0 2-1 6 2a21 21 0 0 1 11 0c4-3 6-2 6-2 1 3 0 5 0 6 1 1 2 3 2 6 0 8-5 10-10 11 1 1 2 2 2 4v6s1 1 2 1A22 22 0 0 0 24 2z',
  google: 'M44 20H24v8h11a12 12 0 1 1-3-13l6-6a20 20 0 1 0 6 15z',
  microsoft: 'M4 4h19v19H4zm21 0h19v19H25zM4 25h19v19H4zm21 0h19v19H25z',
  apple:
    'M32 25c0-5 4-7 4-7-2-3-5-4-7-4-3 0-5 2-7 2s-4-2-7-2c-4 0-9 4-9 11 0 9 6 19 10 19 2 0 3-1 6-1s4 1 6 1c3 0 6-5 7-8-1 0-3-3-3-11zM28 10c2-2 2-5 2-7-2 0-5 2-6 3s-2 4-2 7c2 0 4-1 6-3z',
  oauth: GENERIC,
  oidc: GENERIC,
};

/**
 * A provider's mark, decorative (`aria-hidden`): the provider's name is always
 * written beside it. An icon this build does not know (a newer broker's) gets
 * the generic one. Class `provider-icon`, 18 px unless CSS says otherwise.
 *
 * @example
 * html`<button>${providerIcon(provider.icon)} ${msg(str`Continue with ${provider.name}`)}</button>`
 */
export function providerIcon(icon: ProviderIcon): TemplateResult {
  return html`<svg class="provider-icon" width="18" height="18" viewBox="0 0 48 48" fill="currentColor" aria-hidden="true"><path d=${PATHS[icon] ?? GENERIC} /></svg>`;
}
