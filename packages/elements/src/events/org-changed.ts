import type { Organization } from '@latchkey/client';

export interface LkOrgChangedDetail {
  /** The organization this tab now acts in, or null for the personal account. */
  org_id: string | null;
  /** It as the broker answered the switch (the user's role and permissions in it), or null. */
  organization: Organization | null;
}

/**
 * This tab switched organization (or joined one and switched into it): its
 * tokens now carry `org_id`. Fired once the switch succeeded.
 */
export class LkOrgChangedEvent extends CustomEvent<LkOrgChangedDetail> {
  static readonly type = 'lk-org-changed';
  constructor(detail: LkOrgChangedDetail) {
    super(LkOrgChangedEvent.type, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'lk-org-changed': LkOrgChangedEvent;
  }
}
