import { currentLocale } from './locale-state.js';

/**
 * The CLDR plural category of `n` in the current locale (Arabic has `two` and `few`,
 * English only `one` and `other`). A module of its own: only steps and messages that
 * count (tries left, codes left) use it, so it stays out of lk-sign-in's first screen.
 */
export function pluralCategory(n: number): Intl.LDMLPluralRule {
  try {
    return new Intl.PluralRules(currentLocale()).select(n);
  } catch {
    return n === 1 ? 'one' : 'other';
  }
}
