// lk-config first, so it is defined before the elements inside it upgrade.
export { LkConfig } from './config/config.js';
export { LkSignIn, type SignInView } from './sign-in/sign-in.js';
export { LkSignUp, type SignUpView } from './sign-up/sign-up.js';
export { LkUserButton } from './user-button/user-button.js';
export { LkUserProfile } from './user-profile/user-profile.js';
export { LkOrgProfile } from './org-profile/org-profile.js';
export { LkMfa, type MfaChallengeView } from './mfa/mfa.js';
export { configure } from './internal/clients.js';
export { setLocale, getLocale, type LatchkeyLocale } from './internal/localization.js';
export { LkSignedInEvent, type LkSignedInDetail } from './events/signed-in.js';
export { LkSignOutEvent } from './events/sign-out.js';
export { LkSignedOutEvent } from './events/signed-out.js';
export { LkErrorEvent, type LkErrorDetail } from './events/error.js';
export { LkPasskeyAddedEvent, type LkPasskeyDetail } from './events/passkey-added.js';
export { LkPasskeyRenamedEvent } from './events/passkey-renamed.js';
export { LkPasskeyDeletedEvent } from './events/passkey-deleted.js';
export { LkMfaEnrolledEvent, type LkMfaEnrolledDetail } from './events/mfa-enrolled.js';
export { LkOrgChangedEvent, type LkOrgChangedDetail } from './events/org-changed.js';
