import type { Organization } from '@latchkey/client';

export interface LkOrgChangedDetail {
  /** The organization this tab now works in; null: none (the personal account, or the organization is gone for this user). */
  org_id: string | null;
  /** That organization as its member sees it, when there is one. */
  organization: Organization | null;
}

/**
 * The tab's organization changed: switched to another, or the one it was in is
 * gone for this user (they left it, or deleted it: `org_id: null`). A page
 * reloads what it shows of the organization and asks for a new token.
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
