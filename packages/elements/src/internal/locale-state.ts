/**
 * The locale the elements show, for the few places that format or lay out by
 * it (plural rules, direction). Kept apart from the localization runtime so an
 * element imported on its own (`@latchkey/elements/sign-in.js`) does not pull
 * in the runtime and every translation: a page that wants another language
 * loads `@latchkey/elements` (or its `localization.js`, or `<lk-config>`),
 * which keeps this current.
 */
let current = 'en';

export const currentLocale = () => current;

/** Called by the localization runtime once a locale's messages are in. */
export function noteLocale(locale: string) {
  current = locale;
}

const RTL = /^(ar|fa|he|ps|ur|yi|dv|ckb)\b/i;

/** Whether `locale` is written right to left. */
export function isRtl(locale: string): boolean {
  return RTL.test(locale);
}

/**
 * An address (or any left-to-right text) inside a sentence of any locale, set
 * apart with Unicode's first-strong isolate, so "ada@example.com." does not
 * reorder inside Arabic text.
 */
export const isolate = (text: string) => `\u2068${text}\u2069`;

/**
 * The `dir` for an element's own content (its card, its menu): `rtl` while the
 * elements speak a right-to-left language and neither the element nor anything
 * around it (nor `<html>`) sets `dir`; undefined to inherit the page's direction,
 * which then says what the page wants. Set inside the element, never on it, so
 * the page's own layout of the element (`margin-inline-start: auto`) keeps the
 * page's direction.
 */
export function directionFor(element: Element): 'rtl' | undefined {
  if (!isRtl(current)) return undefined;
  return element.closest('[dir]') || document.documentElement.hasAttribute('dir') ? undefined : 'rtl';
}
