import { switchOrganization, type CallOptions, type Organization, type SessionClient } from '@latchkey/client';

/**
 * The session store's organization of this tab (issue 24 §3), as
 * `packages/client/src/session-store.ts` adds it: `organization` is the
 * organization this tab acts in (its id; null: the personal account; undefined:
 * none chosen), and `switchOrganization(orgId | null)` checks the switch on the
 * broker, keeps the choice for this tab, mints its token at once, tells the
 * store's subscribers and answers the switch (`OrgSwitch`). Both are read
 * loosely here (the stories' stand-in keeps the organization itself), and the
 * elements also run on a store without them: the switch is then the broker
 * call alone, and the element keeps the answer itself.
 */
interface OrgStoreView {
  readonly organization?: unknown;
  switchOrganization?(orgId: string | null, options?: CallOptions): Promise<unknown>;
}

// Through unknown: the client's store types these two exactly, and this view must not conflict with it.
const storeOf = (client: SessionClient) => client.session as unknown as OrgStoreView;

/**
 * The id of the organization this tab acts in: the store's choice for the tab (null for the
 * personal account); where the tab has chosen none, the session's own organization (the one its
 * SSO sign-in came through, which its tokens then carry), or null; undefined when the store does
 * not say.
 */
export function activeOrgId(client: SessionClient | undefined): string | null | undefined {
  const store = client && storeOf(client);
  if (!store || !('organization' in store)) return undefined;
  const active = store.organization as string | null | undefined;
  if (active !== undefined) return active;
  const state = client!.session.state;
  return state.status === 'signed-in' ? state.session.org_id : null;
}

/**
 * Switches this tab into `orgId` (null: the personal account) and answers the
 * organization the broker let it into. Rejects with the broker's refusal
 * (`org_policy_unmet` with its `requirement`, `not_found`, `forbidden`).
 */
export async function switchTab(client: SessionClient, orgId: string | null, options?: CallOptions): Promise<Organization | null> {
  const store = storeOf(client);
  if (!store.switchOrganization) return (await switchOrganization(client.connection, { org_id: orgId }, options)).organization;
  const answer = await store.switchOrganization(orgId, options);
  // The store answers the switch (`OrgSwitch`: the organization and its first token).
  if (answer && typeof answer === 'object' && 'organization' in answer) return ((answer as { organization: Organization | null }).organization ?? null);
  const kept = store.organization;
  return kept && typeof kept === 'object' ? (kept as Organization) : null;
}
