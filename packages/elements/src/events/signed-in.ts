import type { DoneStep } from '@latchkey/client';

export type LkSignedInDetail = Pick<DoneStep, 'user' | 'session' | 'return_to'>;

/**
 * Someone signed in (or finished signing up). Cancelable only to stop the
 * element from navigating to `detail.return_to` itself.
 */
export class LkSignedInEvent extends CustomEvent<LkSignedInDetail> {
  static readonly type = 'lk-signed-in';
  constructor(detail: LkSignedInDetail) {
    super(LkSignedInEvent.type, { detail, bubbles: true, composed: true, cancelable: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'lk-signed-in': LkSignedInEvent;
  }
}
