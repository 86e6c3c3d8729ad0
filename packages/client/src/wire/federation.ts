/**
 * Wire types of sign-in through another identity provider: social providers
 * (OAuth 2.0 / OIDC presets such as GitHub or Google) and an organization's
 * enterprise connection (OIDC now, SAML next). The browser leaves for the IdP
 * with a full-page navigation and comes back to the broker's callback, which
 * sends it on to the page it left (`resume_url`). The element there asks
 * `GET /v1/sign-in/flow` for where the flow stands and continues from it.
 *
 * Every transaction is a flow of the sign-in engine, bound to the browser that
 * started it (the `lk_flow` cookie), single-use, and finishable on any instance.
 */

/** Which built-in icon a provider's button shows. */
export type ProviderIcon = 'github' | 'google' | 'microsoft' | 'apple' | 'oauth' | 'oidc';

/** A social provider as the public configuration lists it, in button order. */
export interface SocialProvider {
  /** Configured id, used in paths and requests (`devhub`, `google`). */
  id: string;
  /** Display name for "Continue with {name}". */
  name: string;
  icon: ProviderIcon;
}

/**
 * GET /v1/config -> 200 PublicConfig (cacheable, no cookies needed): what the
 * sign-in and sign-up screens may offer before anyone has typed anything.
 */
export interface PublicConfig {
  /** The first-factor methods of identifier-first sign-in, in order. */
  sign_in_methods: Array<'password' | 'email-code' | 'passkey'>;
  /** Social buttons, in the configured order. */
  social: SocialProvider[];
}

/** Where a redirect step leads: a social provider, or an organization's connection. */
export interface RedirectTarget {
  kind: 'social' | 'sso';
  /** The provider's display name ("DevHub"), or the organization's ("Acme"). */
  name: string;
  /** Set for `social`. */
  icon?: ProviderIcon;
}

/**
 * Leave for the identity provider: navigate the whole page to `url` (the
 * IdP's authorization endpoint, or a SAML request). The element says where it
 * is going ("Continue to Acme") while the page unloads.
 */
export interface SsoRedirectStep {
  step: 'sso-redirect';
  url: string;
  to: RedirectTarget;
}

/**
 * Why a trip to an identity provider ended without a session:
 * - `access_denied`: the user (or the IdP's policy) declined;
 * - `idp_unreachable`: the IdP did not answer in time, or answered too much;
 * - `not_linkable`: the IdP's account matches an existing account that it may
 *   not be attached to (unverified email, unverified domain, linking off);
 * - `idp_error`: anything else the IdP or its answer got wrong (an invalid
 *   ID token, a mismatched issuer); details go to the broker's log, not here.
 */
export type IdpErrorReason = 'access_denied' | 'idp_unreachable' | 'not_linkable' | 'idp_error';

/** The trip to an identity provider failed; show why, and a way back to the first step. */
export interface IdpErrorStep {
  step: 'idp-error';
  reason: IdpErrorReason;
  to: RedirectTarget;
  /** The allowlisted URL the host asked to return to, if any (kept for the next try). */
  return_to: string | null;
  /** A refused SAML response: the reference to give the organization's IT admin (the reason stays on the broker). */
  reference?: string;
}

/**
 * POST /v1/sign-in/social -> 200 SsoRedirectStep (also how sign-up starts with
 * a social provider: the first sign-in creates the account). 404 `unknown_provider`.
 */
export interface SocialSignInRequest {
  provider: string;
  /** The page to come back to after the IdP; must be on an allowed origin. Defaults to the request's Origin. */
  resume_url?: string;
  return_to?: string;
}

/**
 * GET /v1/sign-in/flow -> 200 Step: where this browser's flow (its `lk_flow`
 * cookie) stands after a full-page redirect — `done` (the session cookie was
 * set by the callback), `idp-error`, or the next requirement's step. Answered
 * once; 404 `no_flow` when this browser has none.
 */
export type ResumeFlowRequest = void;

/** A sign-in identity of another provider, attached to the signed-in user. */
export interface ConnectedAccount {
  id: string;
  provider: SocialProvider;
  /** The email the provider asserted, if any. */
  email: string | null;
  created_at: string;
}

/**
 * GET /v1/identities -> 200 ConnectedAccounts (session cookie): the user's
 * connected accounts, and the social providers not connected yet.
 */
export interface ConnectedAccounts {
  accounts: ConnectedAccount[];
  available: SocialProvider[];
}

/**
 * POST /v1/identities/connect -> 200 SsoRedirectStep (session cookie). The
 * callback attaches the provider's identity to the signed-in user and sends
 * the browser back to `resume_url`; `GET /v1/sign-in/flow` then answers `done`
 * or `idp-error`.
 */
export interface ConnectAccountRequest {
  provider: string;
  resume_url?: string;
}

/**
 * DELETE /v1/identities/{id} -> 204 (session cookie); 409 `last_way_in` when
 * the account would be left with no password, passkey or other identity.
 */
export type DisconnectAccountResponse = void;
