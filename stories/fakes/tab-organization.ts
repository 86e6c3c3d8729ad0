import { switchOrganization, type CallOptions, type LatchkeyClient, type Organization, type SessionState } from '@latchkey/client';

/**
 * The session store's organization of the tab (`organization`,
 * `switchOrganization(orgId | null)`), for the fake's clients while
 * `@latchkey/client`'s store does not have them yet (issue 24 §3, built on
 * another branch): the switch goes to the broker (`POST /v1/session/org`), the
 * answer is kept for this client (one tab), and the store's subscribers hear of
 * it as of any change. A store that has the two members already is left alone.
 */
export function withTabOrganization(client: LatchkeyClient): LatchkeyClient {
  const store = client.session as LatchkeyClient['session'] & { organization?: Organization | null; switchOrganization?: unknown };
  if ('switchOrganization' in store) return client;
  let organization: Organization | null = null;
  const listeners = new Set<(state: SessionState) => void>();
  const subscribe = store.subscribe.bind(store);
  // Signing out (or in as someone else) ends the tab's organization.
  let who: string | undefined;
  subscribe((state) => {
    if (state.status === 'loading' || state.status === 'error') return;
    const now = state.status === 'signed-in' ? state.user.id : undefined;
    if (now === undefined || (who !== undefined && now !== who)) organization = null;
    who = now;
  });
  Object.defineProperty(store, 'organization', { get: () => organization, enumerable: true });
  Object.assign(store, {
    subscribe(listener: (state: SessionState) => void) {
      listeners.add(listener);
      const stop = subscribe(listener);
      return () => {
        listeners.delete(listener);
        stop();
      };
    },
    async switchOrganization(orgId: string | null, options?: CallOptions) {
      const answer = await switchOrganization(client.connection, { org_id: orgId }, options);
      organization = answer.organization;
      for (const listener of [...listeners]) listener(store.state);
      return answer;
    },
  });
  return client;
}
