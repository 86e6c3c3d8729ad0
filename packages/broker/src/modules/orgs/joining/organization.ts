import type { Organization } from '@latchkey/client';
import type { Deps } from '../../../deps.js';
import { ProblemError } from '../../../http/problem.js';
import { findUserOrganization, type LiveSession } from '../../../storage/queries/index.js';
import type { Db } from '../../../storage/storage.js';
import { toWireOrganization } from '../views.js';

/**
 * The `Organization` a join answers, as `GET /v1/orgs` shows it (`toWireOrganization`):
 * read in the join's transaction; `not_found` when the user is not a member (left in between).
 */
export async function memberOrganization(db: Db, deps: Deps, session: LiveSession, orgId: string): Promise<Organization> {
  const org = await findUserOrganization(db, orgId, session.userId);
  if (!org) throw new ProblemError('not_found');
  return toWireOrganization(deps.config, org, org, session.factors, deps.clock());
}
