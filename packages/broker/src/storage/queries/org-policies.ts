import type { Db } from '../storage.js';

/** An organization's policy columns (migrations 013 and 014), as `unmetRequirements` takes them. */
export interface OrgPolicyRecord {
  orgId: string;
  requireMfa: boolean;
  requirePasskey: boolean;
  requireSso: boolean;
  graceUntil: Date | null;
}

/** The policy of organization `orgId`, or undefined when there is none (deleted since, or never was). */
export async function findOrgPolicy(db: Db, orgId: string): Promise<OrgPolicyRecord | undefined> {
  const rows = await db.query<OrgPolicyRecord>(
    `SELECT id AS "orgId", require_mfa AS "requireMfa", require_passkey AS "requirePasskey", require_sso AS "requireSso", policy_grace_until AS "graceUntil"
     FROM organizations WHERE id = $1`,
    [orgId],
  );
  return rows[0];
}
