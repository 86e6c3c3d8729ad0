import type { OrgPolicyUnmet } from '@latchkey/client';

/** What the organization asks before this session may enter it. */
export type LkOrgPolicyUnmetDetail = OrgPolicyUnmet;

/**
 * The user asked to meet an organization's policy ("Set up two-step
 * verification", "Sign in with single sign-on"…) after a switch was refused with
 * `org_policy_unmet`: the host takes them there (a step-up, lk-mfa, the
 * organization's SSO). Cancelable: for `mfa-enroll` the element opens lk-mfa's
 * enrolment inline unless a listener calls `preventDefault()`.
 */
export class LkOrgPolicyUnmetEvent extends CustomEvent<LkOrgPolicyUnmetDetail> {
  static readonly type = 'lk-org-policy-unmet';
  constructor(detail: LkOrgPolicyUnmetDetail) {
    super(LkOrgPolicyUnmetEvent.type, { detail, bubbles: true, composed: true, cancelable: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'lk-org-policy-unmet': LkOrgPolicyUnmetEvent;
  }
}
