import type { ProblemCode } from '@latchkey/client';
import { z } from 'zod';
import type { BrokerConfig } from '../../config.js';
import { emailChangeSchema, emailChangeVerifySchema, passwordChangeSchema } from '../account/schema.js';
import {
  createConnectionSchema,
  createDomainSchema,
  createOrganizationSchema as adminCreateOrganizationSchema,
  pageQuerySchema,
  putMembershipSchema,
  updateConnectionSchema,
  updateDomainSchema as adminUpdateDomainSchema,
  updateOrganizationSchema as adminUpdateOrganizationSchema,
  updateSamlConnectionSchema,
  userListQuerySchema,
} from '../admin/schema.js';
import { auditCsvQuerySchema, auditQuerySchema } from '../audit/schema.js';
import { emailCodeSignInSchema } from '../email/routes.js';
import { resendCodeSchema, verifyCodeSchema } from '../email/schema.js';
import { mfaEnrollSchema, mfaPasskeyOptionsSchema, mfaVerifySchema, totpConfirmSchema } from '../mfa/schema.js';
import { connectAccountSchema, socialSignInSchema } from '../oauth/schema.js';
import { accessRequestSchema, approveSchema, denySchema, invitationSchema, inviteLinkSchema, tokenSchema } from '../orgs/joining/schema.js';
import {
  addDomainSchema,
  createOrganizationSchema,
  createRoleSchema,
  emptySchema,
  memberPageSchema,
  policiesSchema,
  updateDomainSchema,
  updateMemberSchema,
  updateOrganizationSchema,
  updateRoleSchema,
} from '../orgs/schema.js';
import { orgSwitchSchema } from '../orgs/switch.js';
import {
  passkeyRegistrationSchema,
  passkeyRenameSchema,
  passkeyReviewRemoveSchema,
  passkeySignInOptionsSchema,
  passkeySignInSchema,
  signUpPasskeyOptionsSchema,
} from '../passkeys/schema.js';
import { passwordResetFinishSchema, passwordResetStartSchema, passwordSignInSchema, signUpSchema, signUpWithPasskeysSchema } from '../password/schema.js';
import { identifySchema } from '../sign-in/routes.js';
import { stepUpCodeSchema, stepUpEmailCodeSchema, stepUpPasskeySchema, stepUpPasswordSchema } from '../step-up/schema.js';

/**
 * Every HTTP operation of the broker, as the OpenAPI document (./document.ts) describes
 * it. Request bodies and query strings are the zod schemas the routes validate with
 * (`readJson`, `readQuery`), imported, never written again; a test (openapi.test.ts)
 * holds this list equal to the routes a broker with every module on registers.
 */

/** Who may call: anyone, a browser with a session cookie (`recent`: authenticated within `stepUp.maxAgeSeconds`), or a server with the admin token. */
export type Caller = 'anyone' | 'session' | 'recent' | 'admin';

/** A success answer: its status, what it is, and its media type (JSON unless said). */
export interface Success {
  status: number;
  description: string;
  media?: 'application/json' | 'text/csv' | 'text/plain' | 'application/samlmetadata+xml' | 'text/html' | 'none';
  /** A redirect (its `Location` header). */
  redirect?: boolean;
}

export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Hono's form (`/v1/orgs/:org_id`), as the route is registered. */
  path: string;
  summary: string;
  tag: string;
  caller: Caller;
  /** The JSON body `readJson` validates with. */
  body?: z.ZodType;
  /** Not JSON: a SAML POST binding form (`SAMLResponse`). */
  form?: boolean;
  /** The query string `readQuery` validates with. */
  query?: z.ZodType;
  ok: Success[];
  /** Problems this operation answers besides those every route of its kind may (see document.ts). */
  problems?: ProblemCode[];
}

const json = (status: number, description: string): Success => ({ status, description });
const noContent: Success = { status: 204, description: 'Done; no body', media: 'none' };
const step = (status = 200): Success => json(status, 'The next sign-in step (`Step`, @latchkey/client wire types); `done` sets the session cookie');

/** What a call that may complete a sign-in can be refused with by the engine (modules/sign-in/complete.ts). */
const ENGINE: ProblemCode[] = ['account_suspended', 'code_expired'];

/** The operations of a broker with `config`: the dev outbox only in dev mode, the sign-up body by whether passkeys are on. */
export function brokerOperations(config: BrokerConfig): Operation[] {
  const signUpBody = config.signIn.methods.includes('passkey') ? signUpWithPasskeysSchema : signUpSchema;
  const operations: Operation[] = [
    // Operations
    { method: 'get', path: '/health', summary: 'Alive', tag: 'operations', caller: 'anyone', ok: [json(200, '`{ "status": "ok" }`')] },
    {
      method: 'get',
      path: '/ready',
      summary: 'Database reachable, migrations applied, a signing key exists; 503 problem+json (`not_ready`) otherwise and once the broker is stopping',
      tag: 'operations',
      caller: 'anyone',
      ok: [json(200, '`{ "status": "ready" }`')],
    },
    {
      method: 'get',
      path: '/metrics',
      summary: 'Prometheus metrics: with `metrics.token` to that bearer token only, else to this machine only (404 to anyone else)',
      tag: 'operations',
      caller: 'anyone',
      ok: [{ status: 200, description: 'The Prometheus text exposition format', media: 'text/plain' }],
    },
    { method: 'get', path: '/openapi.json', summary: 'This document', tag: 'operations', caller: 'anyone', ok: [json(200, 'The OpenAPI 3.1 document of this broker')] },
    {
      method: 'get',
      path: '/.well-known/jwks.json',
      summary: 'The public keys session tokens are signed with (JWKS)',
      tag: 'sessions',
      caller: 'anyone',
      ok: [json(200, 'A JSON Web Key Set; `ETag` and `Cache-Control: public`'), { status: 304, description: 'Not modified (`If-None-Match`)', media: 'none' }],
    },

    // Sign-in
    { method: 'get', path: '/v1/config', summary: 'Sign-in methods and social buttons offered', tag: 'sign-in', caller: 'anyone', ok: [json(200, '`PublicConfig`')] },
    { method: 'post', path: '/v1/sign-in/identify', summary: 'Identifier first: the step for this address', tag: 'sign-in', caller: 'anyone', body: identifySchema, ok: [step()], problems: ['invalid_return_to', 'idp_unreachable'] },
    { method: 'post', path: '/v1/sign-in/password', summary: 'Sign in with a password', tag: 'sign-in', caller: 'anyone', body: passwordSignInSchema, ok: [step()], problems: ['invalid_credentials', 'invalid_return_to', 'sso_required', ...ENGINE] },
    { method: 'post', path: '/v1/sign-in/email-code', summary: 'Mail a sign-in code', tag: 'sign-in', caller: 'anyone', body: emailCodeSignInSchema, ok: [step(202)], problems: ['invalid_return_to', 'sso_required'] },
    { method: 'post', path: '/v1/sign-in/email-code/verify', summary: 'Sign in with the mailed code', tag: 'sign-in', caller: 'anyone', body: verifyCodeSchema, ok: [step()], problems: ['invalid_code', 'too_many_attempts', ...ENGINE] },
    { method: 'post', path: '/v1/sign-in/mfa', summary: 'Answer the second-factor step (TOTP or recovery code)', tag: 'sign-in', caller: 'anyone', body: mfaVerifySchema, ok: [step()], problems: ['invalid_code', 'too_many_attempts', ...ENGINE] },
    { method: 'post', path: '/v1/sign-in/mfa/enroll', summary: "Enrol an authenticator app an organization's policy requires", tag: 'sign-in', caller: 'anyone', body: mfaEnrollSchema, ok: [step()], problems: ['invalid_code', 'too_many_attempts', ...ENGINE] },
    { method: 'post', path: '/v1/sign-in/mfa/passkey/options', summary: 'Passkey as second factor: the challenge', tag: 'sign-in', caller: 'anyone', body: mfaPasskeyOptionsSchema, ok: [step()], problems: ['code_expired'] },
    { method: 'post', path: '/v1/sign-in/mfa/passkey', summary: 'Passkey as second factor: the assertion', tag: 'sign-in', caller: 'anyone', body: passkeySignInSchema, ok: [step()], problems: ['passkey_rejected', ...ENGINE] },
    { method: 'post', path: '/v1/sign-in/social', summary: 'Start a social sign-in (redirect step)', tag: 'sign-in', caller: 'anyone', body: socialSignInSchema, ok: [step()], problems: ['unknown_provider', 'invalid_return_to'] },
    { method: 'get', path: '/v1/sign-in/flow', summary: "The result of this browser's redirect sign-in (answered once)", tag: 'sign-in', caller: 'anyone', ok: [step()], problems: ['no_flow', 'sso_required', 'account_suspended'] },
    { method: 'get', path: '/v1/oauth/callback', summary: 'OAuth 2.0 / OIDC redirect back from the IdP', tag: 'sign-in', caller: 'anyone', ok: [{ status: 303, description: 'Back to the page that started the sign-in', media: 'none', redirect: true }], problems: ['invalid_state'] },
    { method: 'get', path: '/v1/saml/:id/metadata', summary: "A SAML connection's SP metadata", tag: 'sign-in', caller: 'anyone', ok: [{ status: 200, description: 'SP metadata XML', media: 'application/samlmetadata+xml' }] },
    {
      method: 'post',
      path: '/v1/saml/:id/acs',
      summary: 'SAML assertion consumer service (POST binding)',
      tag: 'sign-in',
      caller: 'anyone',
      form: true,
      ok: [{ status: 303, description: 'On to the finish URL of the browser that started it', media: 'none', redirect: true }, { status: 200, description: 'A page (connection test report, IdP-initiated hand-off)', media: 'text/html' }],
      problems: ['saml_rejected'],
    },
    { method: 'get', path: '/v1/saml/finish', summary: 'SAML sign-in finishes in the browser that started it', tag: 'sign-in', caller: 'anyone', ok: [{ status: 303, description: 'Back to the page that started the sign-in', media: 'none', redirect: true }], problems: ['no_flow'] },

    // Sign-up and recovery
    { method: 'post', path: '/v1/sign-up', summary: 'Sign up: mails a code to verify the address', tag: 'sign-up', caller: 'anyone', body: signUpBody, ok: [step(202)], problems: ['weak_password', 'invalid_return_to'] },
    { method: 'post', path: '/v1/sign-up/verify', summary: 'Verify the address; the account opens', tag: 'sign-up', caller: 'anyone', body: verifyCodeSchema, ok: [step(201), step(200)], problems: ['invalid_code', 'too_many_attempts', ...ENGINE] },
    { method: 'post', path: '/v1/sign-up/passkey/options', summary: 'Passkey-first sign-up: the registration options again', tag: 'sign-up', caller: 'anyone', body: signUpPasskeyOptionsSchema, ok: [step()], problems: ['code_expired'] },
    { method: 'post', path: '/v1/sign-up/passkey', summary: 'Passkey-first sign-up: register the passkey; the account opens', tag: 'sign-up', caller: 'anyone', body: passkeyRegistrationSchema, ok: [step(201)], problems: ['passkey_rejected', 'passkey_exists', ...ENGINE] },
    { method: 'post', path: '/v1/password-reset', summary: 'Mail a password reset code', tag: 'sign-up', caller: 'anyone', body: passwordResetStartSchema, ok: [step(202)] },
    { method: 'post', path: '/v1/password-reset/finish', summary: 'Set a new password with the mailed code', tag: 'sign-up', caller: 'anyone', body: passwordResetFinishSchema, ok: [step()], problems: ['invalid_code', 'too_many_attempts', 'code_expired', 'weak_password'] },
    { method: 'post', path: '/v1/password-reset/passkeys/remove', summary: 'After a reset: remove passkeys the owner does not know', tag: 'sign-up', caller: 'anyone', body: passkeyReviewRemoveSchema, ok: [json(200, 'The passkeys removed')], problems: ['code_expired', 'last_sign_in_method'] },
    { method: 'post', path: '/v1/email-code/resend', summary: 'Mail the code of a flow again', tag: 'sign-up', caller: 'anyone', body: resendCodeSchema, ok: [step(202)], problems: ['code_expired'] },

    // Passkeys
    { method: 'post', path: '/v1/passkeys/sign-in/options', summary: 'Passkey sign-in: the challenge (also for autofill)', tag: 'passkeys', caller: 'anyone', body: passkeySignInOptionsSchema, ok: [step()], problems: ['invalid_return_to'] },
    { method: 'post', path: '/v1/passkeys/sign-in/verify', summary: 'Passkey sign-in: the assertion', tag: 'passkeys', caller: 'anyone', body: passkeySignInSchema, ok: [step()], problems: ['passkey_rejected', ...ENGINE] },
    { method: 'post', path: '/v1/passkeys/options', summary: 'Add a passkey: the registration options', tag: 'passkeys', caller: 'recent', ok: [step()] },
    { method: 'post', path: '/v1/passkeys', summary: 'Add a passkey: register it', tag: 'passkeys', caller: 'recent', body: passkeyRegistrationSchema, ok: [json(201, 'The passkey')], problems: ['passkey_rejected', 'passkey_exists', 'code_expired'] },
    { method: 'get', path: '/v1/passkeys', summary: "The account's passkeys", tag: 'passkeys', caller: 'session', ok: [json(200, 'Passkeys')] },
    { method: 'patch', path: '/v1/passkeys/:id', summary: 'Rename a passkey', tag: 'passkeys', caller: 'session', body: passkeyRenameSchema, ok: [json(200, 'The passkey')], problems: ['not_found'] },
    { method: 'delete', path: '/v1/passkeys/:id', summary: 'Delete a passkey', tag: 'passkeys', caller: 'recent', ok: [noContent], problems: ['not_found', 'last_sign_in_method'] },

    // Second factors
    { method: 'get', path: '/v1/mfa', summary: "The account's second factors", tag: 'mfa', caller: 'session', ok: [json(200, 'MFA status')] },
    { method: 'post', path: '/v1/mfa/totp', summary: 'Start enrolling an authenticator app (secret and QR code)', tag: 'mfa', caller: 'recent', body: emptySchema, ok: [json(200, 'The enrolment')] },
    { method: 'post', path: '/v1/mfa/totp/confirm', summary: 'Confirm the authenticator app with a code', tag: 'mfa', caller: 'recent', body: totpConfirmSchema, ok: [json(201, 'The factor and recovery codes')], problems: ['invalid_code', 'too_many_attempts', 'code_expired'] },
    { method: 'delete', path: '/v1/mfa/totp/:id', summary: 'Remove the authenticator app', tag: 'mfa', caller: 'recent', ok: [noContent], problems: ['not_found', 'mfa_required'] },
    { method: 'post', path: '/v1/mfa/recovery-codes', summary: 'Issue new recovery codes (the old ones stop working)', tag: 'mfa', caller: 'recent', body: emptySchema, ok: [json(201, 'The codes, shown once')] },

    // Step-up
    { method: 'post', path: '/v1/step-up', summary: 'Start proving a factor again', tag: 'step-up', caller: 'session', body: emptySchema, ok: [json(200, 'The methods this account can prove')] },
    { method: 'post', path: '/v1/step-up/password', summary: 'Step up with the password', tag: 'step-up', caller: 'session', body: stepUpPasswordSchema, ok: [json(200, 'The session, stepped up')], problems: ['invalid_credentials', 'code_expired'] },
    { method: 'post', path: '/v1/step-up/code', summary: 'Step up with a TOTP or recovery code', tag: 'step-up', caller: 'session', body: stepUpCodeSchema, ok: [json(200, 'The session, stepped up')], problems: ['invalid_code', 'too_many_attempts', 'code_expired'] },
    { method: 'post', path: '/v1/step-up/passkey/options', summary: 'Step up with a passkey: the challenge', tag: 'step-up', caller: 'session', body: emptySchema, ok: [step()] },
    { method: 'post', path: '/v1/step-up/passkey', summary: 'Step up with a passkey: the assertion', tag: 'step-up', caller: 'session', body: stepUpPasskeySchema, ok: [json(200, 'The session, stepped up')], problems: ['passkey_rejected', 'code_expired'] },
    { method: 'post', path: '/v1/step-up/email-code', summary: 'Step up with a mailed code: send it', tag: 'step-up', caller: 'session', body: emptySchema, ok: [step()] },
    { method: 'post', path: '/v1/step-up/email-code/verify', summary: 'Step up with a mailed code: verify it', tag: 'step-up', caller: 'session', body: stepUpEmailCodeSchema, ok: [json(200, 'The session, stepped up')], problems: ['invalid_code', 'too_many_attempts', 'code_expired'] },

    // Sessions and the account
    { method: 'get', path: '/v1/session', summary: 'The signed-in user and session (`{ "user": null }` when signed out)', tag: 'sessions', caller: 'anyone', ok: [json(200, 'User and session')] },
    {
      method: 'post',
      path: '/v1/session/token',
      summary: 'Mint a short-lived session token (ES256 JWT) for host backends (`?org=` picks the organization, `none` for none)',
      tag: 'sessions',
      caller: 'session',
      ok: [json(200, '`{ "token", "expires_at" }`')],
      problems: ['org_policy_unmet', 'forbidden', 'invalid_request'],
    },
    { method: 'post', path: '/v1/session/org', summary: "Switch the session's active organization", tag: 'sessions', caller: 'session', body: orgSwitchSchema, ok: [json(200, 'The session and token')], problems: ['forbidden', 'org_policy_unmet', 'not_found'] },
    { method: 'post', path: '/v1/sign-out', summary: 'Sign out (revoke this session, clear its cookie)', tag: 'sessions', caller: 'anyone', ok: [noContent] },
    { method: 'get', path: '/v1/sessions', summary: "The account's live sessions", tag: 'account', caller: 'session', ok: [json(200, 'Sessions')] },
    { method: 'post', path: '/v1/sessions/revoke-others', summary: 'Revoke every other session', tag: 'account', caller: 'session', body: emptySchema, ok: [json(200, '`{ "revoked": n }`')] },
    { method: 'delete', path: '/v1/sessions/:id', summary: 'Revoke one of the account’s sessions', tag: 'account', caller: 'session', ok: [noContent], problems: ['not_found'] },
    { method: 'get', path: '/v1/password', summary: 'Whether the account has a password', tag: 'account', caller: 'session', ok: [json(200, 'Password status')] },
    { method: 'post', path: '/v1/password', summary: 'Set or change the password', tag: 'account', caller: 'recent', body: passwordChangeSchema, ok: [json(200, 'Password status')], problems: ['weak_password'] },
    { method: 'post', path: '/v1/email', summary: 'Change the email address: mail a code to the new one', tag: 'account', caller: 'recent', body: emailChangeSchema, ok: [step(202)] },
    { method: 'post', path: '/v1/email/verify', summary: 'Change the email address: verify the code', tag: 'account', caller: 'session', body: emailChangeVerifySchema, ok: [json(200, 'The user')], problems: ['invalid_code', 'too_many_attempts', 'code_expired'] },
    { method: 'get', path: '/v1/identities', summary: 'Connected accounts (social identities)', tag: 'account', caller: 'session', ok: [json(200, 'Identities')] },
    { method: 'post', path: '/v1/identities/connect', summary: 'Connect a social account (redirect step)', tag: 'account', caller: 'recent', body: connectAccountSchema, ok: [step()], problems: ['unknown_provider'] },
    { method: 'delete', path: '/v1/identities/:id', summary: 'Disconnect a social account', tag: 'account', caller: 'recent', ok: [noContent], problems: ['not_found', 'last_way_in'] },

    // Organizations (members' own management)
    { method: 'get', path: '/v1/orgs', summary: "The user's organizations", tag: 'orgs', caller: 'session', ok: [json(200, 'Organizations')] },
    { method: 'post', path: '/v1/orgs', summary: 'Create an organization (the creator owns it)', tag: 'orgs', caller: 'session', body: createOrganizationSchema, ok: [json(201, 'The organization')], problems: ['forbidden', 'slug_taken'] },
    { method: 'patch', path: '/v1/orgs/:org_id', summary: 'Rename an organization', tag: 'orgs', caller: 'session', body: updateOrganizationSchema, ok: [json(200, 'The organization')], problems: ['forbidden', 'not_found', 'slug_taken'] },
    { method: 'delete', path: '/v1/orgs/:org_id', summary: 'Delete an organization', tag: 'orgs', caller: 'recent', ok: [noContent], problems: ['forbidden', 'not_found'] },
    { method: 'get', path: '/v1/orgs/:org_id/members', summary: 'Members, a page at a time', tag: 'orgs', caller: 'session', query: memberPageSchema, ok: [json(200, 'Members')], problems: ['forbidden', 'not_found'] },
    { method: 'patch', path: '/v1/orgs/:org_id/members/:user_id', summary: "Change a member's role", tag: 'orgs', caller: 'session', body: updateMemberSchema, ok: [json(200, 'The member')], problems: ['forbidden', 'not_found', 'last_owner', 'reauthentication_required'] },
    { method: 'delete', path: '/v1/orgs/:org_id/members/:user_id', summary: 'Remove a member, or leave', tag: 'orgs', caller: 'session', ok: [noContent], problems: ['forbidden', 'not_found', 'last_owner', 'reauthentication_required'] },
    { method: 'get', path: '/v1/orgs/:org_id/roles', summary: 'Roles and their permissions', tag: 'orgs', caller: 'session', ok: [json(200, 'Roles')], problems: ['forbidden', 'not_found'] },
    { method: 'post', path: '/v1/orgs/:org_id/roles', summary: 'Create a custom role', tag: 'orgs', caller: 'recent', body: createRoleSchema, ok: [json(201, 'The role')], problems: ['forbidden', 'not_found', 'role_exists'] },
    { method: 'patch', path: '/v1/orgs/:org_id/roles/:key', summary: 'Change a custom role', tag: 'orgs', caller: 'recent', body: updateRoleSchema, ok: [json(200, 'The role')], problems: ['forbidden', 'not_found', 'role_exists'] },
    { method: 'delete', path: '/v1/orgs/:org_id/roles/:key', summary: 'Delete a custom role', tag: 'orgs', caller: 'recent', ok: [noContent], problems: ['forbidden', 'not_found', 'role_in_use'] },
    { method: 'get', path: '/v1/orgs/:org_id/domains', summary: 'Domains', tag: 'orgs', caller: 'session', ok: [json(200, 'Domains')], problems: ['forbidden', 'not_found'] },
    { method: 'post', path: '/v1/orgs/:org_id/domains', summary: 'Add a domain (to verify by DNS TXT record)', tag: 'orgs', caller: 'recent', body: addDomainSchema, ok: [json(201, 'The domain and its TXT record')], problems: ['forbidden', 'not_found', 'domain_taken', 'public_email_domain'] },
    { method: 'post', path: '/v1/orgs/:org_id/domains/:domain/verify', summary: "Verify a domain by its TXT record", tag: 'orgs', caller: 'recent', body: emptySchema, ok: [json(200, 'The domain')], problems: ['forbidden', 'not_found', 'domain_unverified', 'idp_unreachable'] },
    { method: 'patch', path: '/v1/orgs/:org_id/domains/:domain', summary: "Change a domain's enrolment", tag: 'orgs', caller: 'recent', body: updateDomainSchema, ok: [json(200, 'The domain')], problems: ['forbidden', 'not_found', 'domain_unverified'] },
    { method: 'delete', path: '/v1/orgs/:org_id/domains/:domain', summary: 'Remove a domain', tag: 'orgs', caller: 'recent', ok: [noContent], problems: ['forbidden', 'not_found'] },
    { method: 'get', path: '/v1/orgs/:org_id/policies', summary: 'Security policies', tag: 'orgs', caller: 'session', ok: [json(200, 'Policies')], problems: ['forbidden', 'not_found'] },
    { method: 'put', path: '/v1/orgs/:org_id/policies', summary: 'Set security policies', tag: 'orgs', caller: 'recent', body: policiesSchema, ok: [json(200, 'Policies')], problems: ['forbidden', 'not_found', 'no_connection'] },
    {
      method: 'get',
      path: '/v1/orgs/:org_id/audit',
      summary: 'The audit log, newest first (`Accept: text/csv` for CSV)',
      tag: 'orgs',
      caller: 'session',
      query: auditQuerySchema,
      ok: [json(200, '`AuditEventList`'), { status: 200, description: 'CSV', media: 'text/csv' }],
      problems: ['forbidden', 'not_found'],
    },
    { method: 'get', path: '/v1/orgs/:org_id/audit.csv', summary: 'The audit log as CSV', tag: 'orgs', caller: 'session', query: auditCsvQuerySchema, ok: [{ status: 200, description: 'CSV', media: 'text/csv' }], problems: ['forbidden', 'not_found'] },

    // Joining organizations
    { method: 'get', path: '/v1/orgs/joinable', summary: "Organizations the user's verified domain lets them join or ask to", tag: 'joining', caller: 'session', ok: [json(200, 'Organizations')] },
    { method: 'get', path: '/v1/orgs/:org_id/invitations', summary: 'Pending invitations', tag: 'joining', caller: 'session', ok: [json(200, 'Invitations')], problems: ['forbidden', 'not_found'] },
    { method: 'post', path: '/v1/orgs/:org_id/invitations', summary: 'Invite by email', tag: 'joining', caller: 'session', body: invitationSchema, ok: [json(201, 'The invitation')], problems: ['forbidden', 'not_found', 'already_member'] },
    { method: 'delete', path: '/v1/orgs/:org_id/invitations/:id', summary: 'Revoke an invitation', tag: 'joining', caller: 'session', ok: [noContent], problems: ['forbidden', 'not_found'] },
    { method: 'get', path: '/v1/orgs/:org_id/invite-links', summary: 'Invite links', tag: 'joining', caller: 'session', ok: [json(200, 'Invite links')], problems: ['forbidden', 'not_found'] },
    { method: 'post', path: '/v1/orgs/:org_id/invite-links', summary: 'Create an invite link', tag: 'joining', caller: 'session', body: inviteLinkSchema, ok: [json(201, 'The link (its token shown once)')], problems: ['forbidden', 'not_found'] },
    { method: 'delete', path: '/v1/orgs/:org_id/invite-links/:id', summary: 'Revoke an invite link', tag: 'joining', caller: 'session', ok: [noContent], problems: ['forbidden', 'not_found'] },
    { method: 'post', path: '/v1/orgs/:org_id/join', summary: 'Join by verified domain (automatic enrolment)', tag: 'joining', caller: 'session', body: emptySchema, ok: [json(200, 'The membership')], problems: ['forbidden', 'not_found', 'already_member'] },
    { method: 'post', path: '/v1/orgs/:org_id/access-requests', summary: 'Ask to join', tag: 'joining', caller: 'session', body: accessRequestSchema, ok: [json(201, 'The request')], problems: ['forbidden', 'not_found', 'already_member', 'request_pending'] },
    { method: 'get', path: '/v1/orgs/:org_id/access-requests', summary: 'Pending access requests', tag: 'joining', caller: 'session', ok: [json(200, 'Requests')], problems: ['forbidden', 'not_found'] },
    { method: 'post', path: '/v1/orgs/:org_id/access-requests/:id/approve', summary: 'Approve an access request', tag: 'joining', caller: 'session', body: approveSchema, ok: [json(200, 'The request')], problems: ['forbidden', 'not_found', 'already_decided'] },
    { method: 'post', path: '/v1/orgs/:org_id/access-requests/:id/deny', summary: 'Deny an access request', tag: 'joining', caller: 'session', body: denySchema, ok: [json(200, 'The request')], problems: ['forbidden', 'not_found', 'already_decided'] },
    { method: 'get', path: '/v1/invitations/:token', summary: 'Preview an invitation', tag: 'joining', caller: 'anyone', ok: [json(200, 'The invitation')], problems: ['invitation_invalid'] },
    { method: 'post', path: '/v1/invitations/accept', summary: 'Accept an invitation', tag: 'joining', caller: 'session', body: tokenSchema, ok: [json(200, 'The membership')], problems: ['invitation_invalid', 'invitation_not_for_you', 'already_member'] },
    { method: 'get', path: '/v1/invite-links/:token', summary: 'Preview an invite link', tag: 'joining', caller: 'anyone', ok: [json(200, 'The link')], problems: ['invitation_invalid'] },
    { method: 'post', path: '/v1/invite-links/join', summary: 'Join with an invite link', tag: 'joining', caller: 'session', body: tokenSchema, ok: [json(200, 'The membership')], problems: ['invitation_invalid', 'already_member'] },
    { method: 'get', path: '/v1/access-requests', summary: "The user's own access requests", tag: 'joining', caller: 'session', ok: [json(200, 'Requests')] },

    // Admin API
    ...adminOperations(),
  ];
  if (config.dev) {
    operations.push({ method: 'get', path: '/dev/outbox', summary: 'Dev mode only: mail sent (`?to=` filters by address)', tag: 'dev', caller: 'anyone', ok: [json(200, 'Messages, newest first')] });
  }
  return operations;
}

/** The admin API (`/admin/v1`, bearer admin token; modules/admin). */
function adminOperations(): Operation[] {
  const admin = (method: Operation['method'], path: string, summary: string, rest: Partial<Operation> & { ok: Success[] }): Operation => ({
    method,
    path: `/admin/v1${path}`,
    summary,
    tag: 'admin',
    caller: 'admin',
    ...rest,
  });
  const org = ['not_found'] as ProblemCode[];
  return [
    admin('post', '/organizations', 'Create an organization', { body: adminCreateOrganizationSchema, ok: [json(201, 'The organization')], problems: ['slug_taken'] }),
    admin('get', '/organizations', 'Organizations, a page at a time', { query: pageQuerySchema, ok: [json(200, '`{ "data", "next_after" }`')] }),
    admin('get', '/organizations/:id', 'An organization', { ok: [json(200, 'The organization')], problems: org }),
    admin('patch', '/organizations/:id', 'Change an organization', { body: adminUpdateOrganizationSchema, ok: [json(200, 'The organization')], problems: [...org, 'slug_taken'] }),
    admin('delete', '/organizations/:id', 'Delete an organization', { ok: [noContent], problems: org }),
    admin('post', '/organizations/:id/domains', 'Claim a domain for an organization', { body: createDomainSchema, ok: [json(201, 'The domain')], problems: [...org, 'domain_taken'] }),
    admin('get', '/organizations/:id/domains', "An organization's domains", { ok: [json(200, '`{ "data" }`')], problems: org }),
    admin('get', '/organizations/:id/domains/:domain', 'A domain', { ok: [json(200, 'The domain')], problems: org }),
    admin('patch', '/organizations/:id/domains/:domain', 'Verify a domain, require SSO for it', { body: adminUpdateDomainSchema, ok: [json(200, 'The domain')], problems: org }),
    admin('delete', '/organizations/:id/domains/:domain', 'Release a domain', { ok: [noContent], problems: org }),
    admin('post', '/organizations/:id/connections', 'Create a SAML or OIDC connection', { body: createConnectionSchema, ok: [json(201, 'The connection and what the IdP needs (`sp_entity_id`, `acs_url`, `metadata_url`, `redirect_uri`)')], problems: [...org, 'idp_unreachable'] }),
    admin('get', '/organizations/:id/connections', "An organization's connections", { ok: [json(200, '`{ "data" }`')], problems: org }),
    admin('get', '/organizations/:id/connections/:cid', 'A connection (never its secret)', { ok: [json(200, 'The connection')], problems: org }),
    admin('patch', '/organizations/:id/connections/:cid', 'Change a connection (the SAML or the OIDC body, by its type)', {
      body: z.union([updateConnectionSchema, updateSamlConnectionSchema]),
      ok: [json(200, 'The connection')],
      problems: [...org, 'idp_unreachable'],
    }),
    admin('get', '/organizations/:id/connections/:cid/rejections', 'What a connection refused, newest first', { ok: [json(200, '`{ "data" }`')], problems: org }),
    admin('post', '/organizations/:id/connections/:cid/tests', 'Start a SAML connection test', { ok: [json(201, '`{ "id", "status", "url", "expires_at" }`')], problems: [...org, 'unsupported_connection_type'] }),
    admin('get', '/organizations/:id/connections/:cid/tests/:tid', "A connection test's report", { ok: [json(200, 'The test')], problems: org }),
    admin('delete', '/organizations/:id/connections/:cid', 'Delete a connection', { ok: [noContent], problems: org }),
    admin('get', '/organizations/:id/memberships', 'Members, a page at a time', { query: pageQuerySchema, ok: [json(200, '`{ "data", "next_after" }`')], problems: org }),
    admin('put', '/organizations/:id/memberships/:userId', "Set a user's role in an organization", { body: putMembershipSchema, ok: [json(200, 'The membership')], problems: org }),
    admin('delete', '/organizations/:id/memberships/:userId', 'End a membership', { ok: [noContent], problems: org }),
    admin('get', '/users', 'Users, a page at a time (`email` narrows to one address)', { query: userListQuerySchema, ok: [json(200, '`{ "data": [user], "next_after" }`')] }),
    admin('get', '/users/:userId', 'A user', { ok: [json(200, 'The user')], problems: org }),
    admin('post', '/users/:userId/suspend', 'Suspend a user: sessions revoked at once, no sign-in opens one', { ok: [json(200, 'The user, with `revoked_sessions`')], problems: org }),
    admin('post', '/users/:userId/unsuspend', 'Lift a suspension', { ok: [json(200, 'The user')], problems: org }),
    admin('delete', '/users/:userId', 'Delete a user and everything that hangs off them (one transaction)', { ok: [noContent], problems: [...org, 'last_owner'] }),
    admin('get', '/users/:userId/export', 'Everything stored about a user, as JSON (no secrets)', { ok: [json(200, 'The export document')], problems: org }),
  ];
}
