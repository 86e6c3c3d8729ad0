export * from './wire/index.js';
export type * from './types.js';
export { LatchkeyError, type LatchkeyErrorCode } from './errors.js';
export { connect } from './connection.js';
export { identify, signInWithPassword, startEmailCodeSignIn, finishEmailCodeSignIn, resendEmailCode } from './calls/sign-in.js';
export { startSignUp, finishSignUp, startPasswordReset, finishPasswordReset } from './calls/sign-up.js';
export { getSession, getSessionToken, signOut, type SessionTokenOptions } from './calls/session.js';
export {
  startPasskeySignIn,
  finishPasskeySignIn,
  restartPasskeySignUp,
  finishPasskeySignUp,
  startAddPasskey,
  addPasskey,
  listPasskeys,
  renamePasskey,
  deletePasskey,
  removePasskeysAfterReset,
} from './calls/passkeys.js';
export { listConnectedAccounts, connectAccount, disconnectAccount } from './calls/identities.js';
export { verifyMfa, enrollMfa, startMfaPasskey, finishMfaPasskey, getMfaStatus, startTotpEnrollment, confirmTotpEnrollment, deleteTotp, regenerateRecoveryCodes } from './calls/mfa.js';
export { startStepUp, stepUpWithPassword, stepUpWithCode, startStepUpPasskey, stepUpWithPasskey, sendStepUpEmailCode, stepUpWithEmailCode } from './calls/step-up.js';
export { getPublicConfig, startSocialSignIn, resumeSignIn } from './calls/federation.js';
export { createSessionStore } from './session-store.js';
export { createClient } from './client.js';
export { createSessionClient, followStep, type SessionClient } from './session-client.js';
export { listSessions, revokeSession, revokeOtherSessions, getPasswordStatus, changePassword, startEmailChange, finishEmailChange } from './calls/account.js';
export {
  listOrganizations,
  createOrganization,
  updateOrganization,
  deleteOrganization,
  listMembers,
  updateMember,
  removeMember,
  listRoles,
  createRole,
  updateRole,
  deleteRole,
  listInvitations,
  createInvitation,
  revokeInvitation,
  previewInvitation,
  acceptInvitation,
  listInviteLinks,
  createInviteLink,
  revokeInviteLink,
  previewInviteLink,
  joinWithInviteLink,
  listJoinableOrganizations,
  joinOrganization,
  requestAccess,
  listMyAccessRequests,
  listAccessRequests,
  approveAccessRequest,
  denyAccessRequest,
  listDomains,
  addDomain,
  verifyDomain,
  updateDomain,
  removeDomain,
  getOrgPolicies,
  updateOrgPolicies,
  switchOrganization,
  listAuditEvents,
  auditCsvUrl,
  type AuditFilter,
} from './calls/orgs.js';
