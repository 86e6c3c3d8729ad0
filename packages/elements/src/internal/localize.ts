// The parts of @lit/localize the elements use, imported from their own modules: its
// index also loads the runtime and transform set-up, and without a `sideEffects`
// flag in its package.json no bundler can drop them (0.2 kB gzip in lk-sign-in).
// `lit-localize extract` still finds every msg() and str: it goes by their types.
export { msg } from '@lit/localize/init/install.js';
export { str } from '@lit/localize/internal/str-tag.js';
export { updateWhenLocaleChanges } from '@lit/localize/internal/localized-controller.js';
export { localized } from '@lit/localize/internal/localized-decorator.js';
