import type { Passkey } from '@latchkey/client';

export interface LkPasskeyDetail {
  passkey: Passkey;
}

/** The signed-in user added a passkey to their account; `detail.passkey` is it, as the broker lists it. */
export class LkPasskeyAddedEvent extends CustomEvent<LkPasskeyDetail> {
  static readonly type = 'lk-passkey-added';
  constructor(detail: LkPasskeyDetail) {
    super(LkPasskeyAddedEvent.type, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'lk-passkey-added': LkPasskeyAddedEvent;
  }
}
