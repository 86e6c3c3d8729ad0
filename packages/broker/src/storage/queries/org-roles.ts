import type { Db } from '../storage.js';

/**
 * Custom roles of an organization (`org_roles`): a named set of permissions.
 * The built-in roles are not rows (modules/orgs/permissions.ts). Always looked
 * up together with the organization: another organization's key finds nothing.
 */

export interface OrgRoleRecord {
  key: string;
  name: string;
  permissions: string[];
  createdAt: Date;
  updatedAt: Date;
}

const ROLE = `key, name, permissions, created_at AS "createdAt", updated_at AS "updatedAt"`;

export async function listOrgRoles(db: Db, orgId: string): Promise<OrgRoleRecord[]> {
  return db.query<OrgRoleRecord>(`SELECT ${ROLE} FROM org_roles WHERE org_id = $1 ORDER BY key`, [orgId]);
}

export async function findOrgRole(db: Db, orgId: string, key: string): Promise<OrgRoleRecord | undefined> {
  return (await db.query<OrgRoleRecord>(`SELECT ${ROLE} FROM org_roles WHERE org_id = $1 AND key = $2`, [orgId, key]))[0];
}

/** How many members hold each role of the organization (roles nobody holds are absent). */
export async function countRoleHolders(db: Db, orgId: string): Promise<Map<string, number>> {
  const rows = await db.query<{ role: string; n: number }>(`SELECT role, count(*)::int AS n FROM memberships WHERE org_id = $1 GROUP BY role`, [orgId]);
  return new Map(rows.map((row) => [row.role, row.n]));
}

/** Stores a custom role; undefined (nothing written) when the organization has one with this key. */
export async function insertOrgRole(tx: Db, orgId: string, role: Omit<OrgRoleRecord, 'updatedAt'>): Promise<OrgRoleRecord | undefined> {
  return (
    await tx.query<OrgRoleRecord>(
      `INSERT INTO org_roles (org_id, key, name, permissions, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
       ON CONFLICT (org_id, key) DO NOTHING RETURNING ${ROLE}`,
      [orgId, role.key, role.name, role.permissions, role.createdAt],
    )
  )[0];
}

export async function updateOrgRole(tx: Db, orgId: string, key: string, change: { name: string; permissions: string[] }, at: Date): Promise<OrgRoleRecord | undefined> {
  return (
    await tx.query<OrgRoleRecord>(`UPDATE org_roles SET name = $3, permissions = $4, updated_at = $5 WHERE org_id = $1 AND key = $2 RETURNING ${ROLE}`, [
      orgId,
      key,
      change.name,
      change.permissions,
      at,
    ])
  )[0];
}

/**
 * Deletes a custom role nobody holds, in one conditional statement. Answers
 * what happened: `deleted`, `in_use` (members hold it; nothing written), or
 * `not_found`.
 */
export async function deleteUnusedOrgRole(tx: Db, orgId: string, key: string): Promise<'deleted' | 'in_use' | 'not_found'> {
  const rows = await tx.query<{ deleted: boolean; found: boolean }>(
    `WITH deleted AS (
       DELETE FROM org_roles WHERE org_id = $1 AND key = $2
         AND NOT EXISTS (SELECT 1 FROM memberships WHERE org_id = $1 AND role = $2) RETURNING key
     )
     SELECT EXISTS (SELECT 1 FROM deleted) AS deleted, EXISTS (SELECT 1 FROM org_roles WHERE org_id = $1 AND key = $2) AS found`,
    [orgId, key],
  );
  const { deleted, found } = rows[0]!;
  return deleted ? 'deleted' : found ? 'in_use' : 'not_found';
}
