import type { TotpFactor } from '@latchkey/client';

export interface LkMfaEnrolledDetail {
  /** The authenticator app now enrolled, as the broker lists it. */
  factor: TotpFactor;
}

/** The signed-in user turned on two-step verification with an authenticator app; `detail.factor` is it. */
export class LkMfaEnrolledEvent extends CustomEvent<LkMfaEnrolledDetail> {
  static readonly type = 'lk-mfa-enrolled';
  constructor(detail: LkMfaEnrolledDetail) {
    super(LkMfaEnrolledEvent.type, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'lk-mfa-enrolled': LkMfaEnrolledEvent;
  }
}
