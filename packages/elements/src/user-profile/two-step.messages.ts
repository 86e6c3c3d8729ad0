import { msg, str } from '../internal/localize.js';
import { pluralCategory } from '../internal/plural.js';

// The "Two-step verification" section's wording that depends on a number or a state.

/** "7 of 10 recovery codes left.", by the locale's plural rules (each form its own id). */
export function codesLeft(left: number): string {
  if (left === 0) return msg('No recovery codes left. Make new ones.', { id: 'two-step.codes-none' });
  switch (pluralCategory(left)) {
    case 'one':
      return msg('1 recovery code left.', { id: 'two-step.codes-one' });
    case 'two':
      return msg('2 recovery codes left.', { id: 'two-step.codes-two' });
    case 'few':
      return msg(str`${left} recovery codes left.`, { id: 'two-step.codes-few' });
  }
  return msg(str`${left} recovery codes left.`, { id: 'two-step.codes-many' });
}

/** The next step couldn't load (offline): said at the button that asked for it. */
export const chunkFailed = () => msg("The next step couldn't load. Check your connection and try again.");
