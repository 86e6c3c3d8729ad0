import type { LkPasskeyDetail } from './passkey-added.js';

/** The signed-in user renamed one of their passkeys; `detail.passkey` has the new name. */
export class LkPasskeyRenamedEvent extends CustomEvent<LkPasskeyDetail> {
  static readonly type = 'lk-passkey-renamed';
  constructor(detail: LkPasskeyDetail) {
    super(LkPasskeyRenamedEvent.type, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'lk-passkey-renamed': LkPasskeyRenamedEvent;
  }
}
