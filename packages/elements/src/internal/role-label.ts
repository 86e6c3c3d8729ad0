import { msg } from './localize.js';

/** A role of an organization in words: the built-in ones translated, a custom role by its key. */
export function roleLabel(role: string): string {
  return role === 'owner' ? msg('Owner') : role === 'admin' ? msg('Admin') : role === 'member' ? msg('Member') : role;
}
