import { configureLocalization, LOCALE_STATUS_EVENT, type LocaleModule } from '@lit/localize';
import { noteLocale } from './locale-state.js';
import { allLocales, sourceLocale, targetLocales } from '../locales/locale-codes.js';

/** A locale the elements ship: English (the source) or one of the translations. */
export type LatchkeyLocale = (typeof allLocales)[number];
type TargetLocale = (typeof targetLocales)[number];

/**
 * Each translation is its own module, fetched the first time its locale is
 * asked for: a page in English never downloads German or Arabic. Plain
 * `import()` of a static path, so bundlers emit a chunk per locale and a strict
 * CSP (no eval, no inline script) has nothing to object to. Keyed by the
 * generated `targetLocales`, so a locale added to lit-localize.json fails the
 * type check until it is listed here.
 */
const loaders: { readonly [L in TargetLocale]: () => Promise<LocaleModule> } = {
  ar: () => import('../locales/ar.js'),
  de: () => import('../locales/de.js'),
};

/** Languages written right to left, by their language subtag. */
/** A rejected locale load is reported by `setLocale`'s promise; the page keeps the previous language. */
let runtime: { getLocale: () => string; setLocale: (locale: string) => Promise<void> } | undefined;

function lit() {
  if (!runtime) {
    try {
      runtime = configureLocalization({
        sourceLocale,
        targetLocales,
        loadLocale: (locale) => loaders[locale as TargetLocale](),
      });
    } catch (error) {
      // @lit/localize allows one configuration per page: a second copy of the
      // elements (or a host app that configured it first) keeps its own.
      console.warn('[latchkey] localization is configured elsewhere on this page; locale options are ignored.', error);
      runtime = { getLocale: () => sourceLocale, setLocale: async () => {} };
    }
  }
  return runtime;
}

/**
 * The shipped locale that best matches a BCP 47 tag: exact (`de`), else its
 * language (`de-AT` → `de`, `ar-EG` → `ar`); undefined when none does.
 *
 * @example
 * matchLocale('de-AT') // 'de'
 * matchLocale('fr')    // undefined
 */
export function matchLocale(tag: string | null | undefined): LatchkeyLocale | undefined {
  const wanted = tag?.trim().toLowerCase().replace(/_/g, '-');
  if (!wanted) return undefined;
  const exact = allLocales.find((l) => l.toLowerCase() === wanted);
  if (exact) return exact;
  const language = wanted.split('-')[0];
  return allLocales.find((l) => l.toLowerCase() === language);
}

/**
 * Who asked for which locale, in the order they asked: each `<lk-config
 * locale>` and the page's own `setLocale()`. The newest request that names a
 * shipped locale wins; with none, the page's `<html lang>`; else English.
 */
const requests = new Map<object, string>();
const PAGE = {};

/** The locale the elements should show now, by the rules above. */
export function wantedLocale(): LatchkeyLocale {
  for (const tag of [...requests.values()].reverse()) {
    const match = matchLocale(tag);
    if (match) return match;
  }
  return (typeof document !== 'undefined' && matchLocale(document.documentElement.lang)) || sourceLocale;
}

let watchingPage = false;

/** Applies `wantedLocale()`; resolves when its messages are loaded and every element re-rendered. */
function apply(): Promise<void> {
  return lit().setLocale(wantedLocale());
}

/**
 * Follows the page: the locale from `<html lang>` now, and again whenever the
 * page changes `lang` (one attribute observer on `<html>`, so it costs nothing
 * while the page leaves `lang` alone).
 */
function followPage(): void {
  if (watchingPage || typeof document === 'undefined') return;
  watchingPage = true;
  new MutationObserver(() => void apply().catch(reportLoadFailure)).observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
  void apply().catch(reportLoadFailure);
}

function reportLoadFailure(error: unknown) {
  console.error('[latchkey] could not load the messages of a locale; keeping the current one.', error);
}

/**
 * Records (or with `undefined`, withdraws) one owner's locale request and
 * applies the result. `<lk-config locale>` calls this for itself.
 */
export function requestLocale(owner: object, locale: string | null | undefined): Promise<void> {
  requests.delete(owner);
  if (locale) requests.set(owner, locale);
  return apply();
}

/**
 * The locale the elements show now (`en`, `de`, `ar`). Localization is
 * page-wide in `@lit/localize`: every Latchkey element on the page shows the
 * same language.
 *
 * @example
 * if (getLocale() === 'ar') …
 */
export function getLocale(): string {
  return lit().getLocale();
}

/**
 * Picks the language of every Latchkey element on the page, over `<html lang>`
 * (but under a `<lk-config locale>` set later). Takes any BCP 47 tag and uses
 * the best shipped match (`de-CH` → German); `null` goes back to following the
 * page. Resolves once the locale's messages are loaded and shown.
 *
 * @example
 * import { setLocale } from '@latchkey/elements';
 * await setLocale('de');
 */
export function setLocale(locale: string | null): Promise<void> {
  return requestLocale(PAGE, locale);
}

// Elements re-render on the same event, after this (their update is a microtask later).
if (typeof window !== 'undefined') {
  window.addEventListener(LOCALE_STATUS_EVENT, (event) => {
    if (event.detail.status === 'ready') noteLocale(event.detail.readyLocale);
  });
}

// `@latchkey/elements`, `<lk-config>` and `@latchkey/elements/localization.js` import
// this module, so a page that loads any of them and sets `<html lang>` gets its
// language without calling anything. An element imported on its own stays English.
followPage();
