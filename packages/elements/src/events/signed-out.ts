/** The session was revoked on the broker and the cookie cleared. */
export class LkSignedOutEvent extends CustomEvent<Record<string, never>> {
  static readonly type = 'lk-signed-out';
  constructor() {
    super(LkSignedOutEvent.type, { detail: {}, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'lk-signed-out': LkSignedOutEvent;
  }
}
