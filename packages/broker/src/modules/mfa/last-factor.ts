import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { findOrganizationRequiringMfa, listUserPasskeys } from '../../storage/queries/index.js';
import type { Db } from '../../storage/storage.js';

/**
 * The last-factor rule of an organization's "MFA required": a member keeps a
 * second factor. Removing the authenticator app is refused with 409
 * `mfa_required` while the user is a member of an
 * organization that requires MFA, unless a passkey stays (it answers the `mfa`
 * step too). Runs in the removal's transaction, before anything is deleted.
 * Regenerating recovery codes is not a removal and stays allowed.
 */
export async function refuseRemovingLastFactor(tx: Db, deps: Deps, userId: string): Promise<void> {
  const org = await findOrganizationRequiringMfa(tx, userId);
  if (!org) return;
  if (deps.config.passkeys && (await listUserPasskeys(tx, userId)).length > 0) return;
  throw new ProblemError('mfa_required', { detail: `${org.name} requires a second factor of its members` });
}
