import { switchOrganization, type CallOptions, type Organization, type SessionClient, type SessionStore } from '@latchkey/client';

/**
 * The session store's organization of this tab (issue 24 §3), as
 * `packages/client/src/session-store.ts` adds it: `organization` is the
 * organization this tab acts in (null: the personal account, or none chosen),
 * and `switchOrganization(orgId | null)` checks the switch on the broker, keeps
 * the choice for this tab, mints its token at once and tells the store's
 * subscribers. Both are optional here, so the elements also run on a store
 * without them: the switch is then the broker call alone, and the element
 * keeps the answer itself.
 */
export interface OrgAwareStore extends SessionStore {
  readonly organization?: Organization | null;
  switchOrganization?(orgId: string | null, options?: CallOptions): Promise<unknown>;
}

const storeOf = (client: SessionClient) => client.session as OrgAwareStore;

/** The id of this tab's organization as the store keeps it: null for the personal account, undefined when the store does not say. */
export function activeOrgId(client: SessionClient | undefined): string | null | undefined {
  const store = client && storeOf(client);
  if (!store || !('organization' in store)) return undefined;
  // The client's store keeps the id (packages/client, issue 24 §3); the stories' stand-in kept the organization.
  const active = store.organization as Organization | string | null | undefined;
  return (typeof active === 'string' ? active : active?.id) ?? null;
}

/**
 * Switches this tab into `orgId` (null: the personal account) and answers the
 * organization the broker let it into. Rejects with the broker's refusal
 * (`org_policy_unmet` with its `requirement`, `not_found`, `forbidden`).
 */
export async function switchTab(client: SessionClient, orgId: string | null, options?: CallOptions): Promise<Organization | null> {
  const store = storeOf(client);
  if (!store.switchOrganization) return (await switchOrganization(client.connection, { org_id: orgId }, options)).organization;
  const answer = (await store.switchOrganization(orgId, options)) as { organization?: Organization | null; id?: string } | null | undefined;
  // Whatever the store answers (the switch, the organization, or nothing), what it keeps now is the truth.
  if ('organization' in store) return store.organization ?? null;
  return answer && 'organization' in answer ? (answer.organization ?? null) : ((answer as Organization | null | undefined) ?? null);
}
