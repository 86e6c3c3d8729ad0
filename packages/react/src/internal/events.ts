import type { EventName } from '@lit/react';
import type {
  LkErrorEvent,
  LkMfaEnrolledEvent,
  LkOrgChangedEvent,
  LkOrgPolicyUnmetEvent,
  LkPasskeyAddedEvent,
  LkPasskeyDeletedEvent,
  LkPasskeyRenamedEvent,
  LkSignOutEvent,
  LkSignedInEvent,
  LkSignedOutEvent,
} from '@latchkey/elements';

// Each event's name, typed with its class so a wrapper's `onSignedIn` handler receives an
// LkSignedInEvent. Literals, not `LkSignedInEvent.type`: reading the classes would load (and
// register) every element through the elements' index, and a wrapper must register only its own.
export const lkSignedIn = 'lk-signed-in' as EventName<LkSignedInEvent>;
export const lkSignOut = 'lk-sign-out' as EventName<LkSignOutEvent>;
export const lkSignedOut = 'lk-signed-out' as EventName<LkSignedOutEvent>;
export const lkError = 'lk-error' as EventName<LkErrorEvent>;
export const lkMfaEnrolled = 'lk-mfa-enrolled' as EventName<LkMfaEnrolledEvent>;
export const lkOrgChanged = 'lk-org-changed' as EventName<LkOrgChangedEvent>;
export const lkOrgPolicyUnmet = 'lk-org-policy-unmet' as EventName<LkOrgPolicyUnmetEvent>;
export const lkPasskeyAdded = 'lk-passkey-added' as EventName<LkPasskeyAddedEvent>;
export const lkPasskeyRenamed = 'lk-passkey-renamed' as EventName<LkPasskeyRenamedEvent>;
export const lkPasskeyDeleted = 'lk-passkey-deleted' as EventName<LkPasskeyDeletedEvent>;
