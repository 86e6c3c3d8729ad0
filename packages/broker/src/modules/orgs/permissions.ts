import { ORG_PERMISSIONS, type BuiltInRole, type OrgPermission } from '@latchkey/client';
import type { BrokerConfig } from '../../config.js';

/**
 * Roles and permissions of organizations (issue 24 §1). The built-in roles are
 * fixed here, not stored: `owner` holds every permission (the broker's and the
 * host's), `admin` every one but deleting the organization, `member` only reads.
 * A custom role (`org_roles`) holds the named set it was given. What a role
 * allows is decided on the server at each request from the role stored now, so
 * a demotion counts from the next request and the next token.
 */

export const BUILT_IN_ROLES: readonly BuiltInRole[] = ['owner', 'admin', 'member'];

export const isBuiltInRole = (role: string): role is BuiltInRole => (BUILT_IN_ROLES as readonly string[]).includes(role);

const MEMBER_PERMISSIONS: readonly OrgPermission[] = ['org:read', 'members:read'];

/** Every permission a role may hold with this configuration: the broker's, then the host's. */
export function allPermissions(config: Pick<BrokerConfig, 'orgs'>): string[] {
  return [...ORG_PERMISSIONS, ...config.orgs.permissions];
}

/**
 * What `role` allows. `custom` is the custom role's stored permissions (null
 * when no such role exists, which allows nothing: a role deleted under a
 * member, or a stale key, never grants by accident). A stored permission the
 * configuration no longer knows is dropped.
 *
 * @example
 * permissionsOf(config, 'admin', null); // every permission but 'org:delete'
 * permissionsOf(config, 'billing', ['invoices:read']); // ['invoices:read'] when the host configured it
 */
export function permissionsOf(config: Pick<BrokerConfig, 'orgs'>, role: string, custom: readonly string[] | null): string[] {
  const all = allPermissions(config);
  switch (role) {
    case 'owner':
      return all;
    case 'admin':
      return all.filter((p) => p !== 'org:delete');
    case 'member':
      return [...MEMBER_PERMISSIONS];
    default:
      return custom ? all.filter((p) => custom.includes(p)) : [];
  }
}

/** Whether `held` covers every permission of `wanted`: no one grants what they do not hold. */
export const holdsAll = (held: readonly string[], wanted: readonly string[]) => wanted.every((p) => held.includes(p));
