import { msg, str } from '../internal/localize.js';
import type { IdpErrorStep } from '@latchkey/client';

/**
 * Why the trip to the provider ended without connecting it, said where the user
 * is (their account page): nothing changed, and what to do about it.
 */
export function idpErrorMessage({ reason, to: { name } }: IdpErrorStep): string {
  switch (reason) {
    case 'access_denied':
      return msg(str`${name} wasn't connected: access was declined.`);
    case 'idp_unreachable':
      return msg(str`${name} didn't answer. Try again later.`);
    case 'not_linkable':
      return msg(str`This ${name} account is already linked to another account, or can't be linked.`);
    default:
      return msg(str`${name} couldn't be connected. Try again.`);
  }
}
