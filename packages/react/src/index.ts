'use client';
// Every wrapper, so importing this registers every element in the browser; to register one
// only, import its own module (`@latchkey/react/sign-in.js`). Named re-exports, not `export *`:
// a 'use client' module may not `export *` under the Next.js App Router.
export { LatchkeyConfig } from './config.js';
export { SignIn } from './sign-in.js';
export { SignUp } from './sign-up.js';
export { Mfa } from './mfa.js';
export { OrgSwitcher } from './org-switcher.js';
export { UserButton } from './user-button.js';
export { UserProfile } from './user-profile.js';
export { OrgProfile } from './org-profile.js';
export type {
  LkErrorEvent,
  LkErrorDetail,
  LkMfaEnrolledEvent,
  LkMfaEnrolledDetail,
  LkOrgChangedEvent,
  LkOrgChangedDetail,
  LkOrgPolicyUnmetEvent,
  LkOrgPolicyUnmetDetail,
  LkPasskeyAddedEvent,
  LkPasskeyRenamedEvent,
  LkPasskeyDeletedEvent,
  LkPasskeyDetail,
  LkSignOutEvent,
  LkSignedInEvent,
  LkSignedInDetail,
  LkSignedOutEvent,
} from '@latchkey/elements';
