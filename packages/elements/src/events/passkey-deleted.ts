import type { LkPasskeyDetail } from './passkey-added.js';

/**
 * The signed-in user deleted one of their passkeys: the broker no longer takes
 * it (the authenticator may still hold it until the user removes it there).
 */
export class LkPasskeyDeletedEvent extends CustomEvent<LkPasskeyDetail> {
  static readonly type = 'lk-passkey-deleted';
  constructor(detail: LkPasskeyDetail) {
    super(LkPasskeyDeletedEvent.type, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'lk-passkey-deleted': LkPasskeyDeletedEvent;
  }
}
