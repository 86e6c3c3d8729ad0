import type { ConnectedAccounts } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { deleteIdentityKeepingAWayIn, listIdentities } from '../../storage/queries/index.js';
import { socialButtons } from './providers.js';

/** The signed-in user's connected social accounts, and the configured providers not connected yet. */
export async function listConnectedAccounts(deps: Deps, userId: string): Promise<ConnectedAccounts> {
  const buttons = socialButtons(deps.config.social);
  const byId = new Map(buttons.map((b) => [b.id, b]));
  const identities = (await listIdentities(deps.storage, userId)).filter((i) => i.provider !== null);
  const accounts = identities.map((i) => ({
    id: i.id,
    // A provider removed from the configuration still shows (and can be disconnected) under its id.
    provider: byId.get(i.provider!) ?? { id: i.provider!, name: i.provider!, icon: 'oauth' as const },
    email: i.email,
    created_at: i.createdAt.toISOString(),
  }));
  const connected = new Set(identities.map((i) => i.provider));
  return { accounts, available: buttons.filter((b) => !connected.has(b.id)) };
}

/** Disconnects one of the user's identities unless it is the last way in (409 `last_way_in`). */
export async function disconnectAccount(deps: Deps, userId: string, id: string): Promise<void> {
  const outcome = await deleteIdentityKeepingAWayIn(deps.storage, userId, id);
  if (outcome === 'last_way_in') throw new ProblemError('last_way_in');
  if (outcome === 'not_found') throw new ProblemError('not_found');
}
