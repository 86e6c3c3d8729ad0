import { msg } from '../internal/localize.js';
import type { Role } from '@latchkey/client';

/** A built-in role's name in the page's language; a custom role's as the organization named it (its key until the roles are read). */
export function roleName(key: string, roles: readonly Role[] = []): string {
  switch (key) {
    case 'owner':
      return msg('Owner');
    case 'admin':
      return msg('Admin');
    case 'member':
      return msg('Member');
  }
  return roles.find((r) => r.key === key)?.name ?? key;
}
