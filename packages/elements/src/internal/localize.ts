// The parts of @lit/localize the elements use, imported from their own modules: its
// index also loads the runtime and transform set-up, and without a `sideEffects`
// flag in its package.json no bundler can drop them (0.2 kB gzip in lk-sign-in).
// `lit-localize extract` still finds every msg() and str: it goes by their types. Every
// element draws again when a locale is in through LkElement (base.ts), not `@localized()`.
export { msg } from '@lit/localize/init/install.js';
export { str } from '@lit/localize/internal/str-tag.js';

/**
 * The event `@lit/localize` fires on `window` as a locale loads (its `LOCALE_STATUS_EVENT`),
 * written out: its module would be one more entry for Vite's dependency pre-bundling.
 */
export const LOCALE_STATUS_EVENT = 'lit-localize-status';
