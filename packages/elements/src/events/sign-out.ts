/** About to sign out; `preventDefault()` keeps the user signed in (e.g. to confirm unsaved work first). */
export class LkSignOutEvent extends CustomEvent<Record<string, never>> {
  static readonly type = 'lk-sign-out';
  constructor() {
    super(LkSignOutEvent.type, { detail: {}, bubbles: true, composed: true, cancelable: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'lk-sign-out': LkSignOutEvent;
  }
}
