import type { LatchkeyErrorCode, Problem } from '@latchkey/client';

export interface LkErrorDetail {
  code: LatchkeyErrorCode;
  /** The broker's problem+json, when it sent one. */
  problem?: Problem;
}

/** An error the element is showing to the user right now. */
export class LkErrorEvent extends CustomEvent<LkErrorDetail> {
  static readonly type = 'lk-error';
  constructor(detail: LkErrorDetail) {
    super(LkErrorEvent.type, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'lk-error': LkErrorEvent;
  }
}
