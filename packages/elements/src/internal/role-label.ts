import { msg } from './localize.js';

/**
 * A role of an organization in words: the built-in ones translated, a custom
 * role by the name the organization gave it where its roles are known
 * (lk-org-profile reads them), else by its key.
 */
export function roleLabel(role: string, roles?: ReadonlyArray<{ key: string; name: string }>): string {
  return role === 'owner' ? msg('Owner') : role === 'admin' ? msg('Admin') : role === 'member' ? msg('Member') : (roles?.find((r) => r.key === role)?.name ?? role);
}
