/**
 * The locale the elements show, for the few places that format by it (plural
 * rules). Kept apart from the localization runtime so an element imported on
 * its own (`@latchkey/elements/sign-in.js`) does not pull in the runtime and
 * every translation: a page that wants another language loads
 * `@latchkey/elements` (or its `localization.js`, or `<lk-config>`), which
 * keeps this current.
 */
let current = 'en';

export const currentLocale = () => current;

/** Called by the localization runtime once a locale's messages are in. */
export function noteLocale(locale: string) {
  current = locale;
}
