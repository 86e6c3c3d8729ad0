import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import type { LiveSession, SessionUser } from '../../storage/queries/index.js';
import type { Browser } from '../sign-in/browser.js';
import type { StepOutcome } from '../sign-in/complete.js';
import { oauthRedirectUri } from '../orgs/connections.js';
import { completeFederated, type IdentitySource } from './federated.js';
import { consumeTrip, idpErrorStep, resumeLocation, storeResult, targetOf, type OAuthFlowData } from './flows.js';
import { IdpFailure, type Protocol } from './protocol.js';
import type { ProviderConfig } from './providers.js';

/** What the callback route needs besides the request: the protocol, the providers, and the browser's session (linking). */
export interface CallbackContext {
  deps: Deps;
  protocol: Protocol;
  /** The provider a trip was opened for: a configured social provider, or the organization's connection as stored now. */
  providerOf: (source: OAuthFlowData['source']) => Promise<ProviderConfig | undefined>;
}

/** Where the browser goes next, and the session whose cookie the route sets (only when the result is `done`). */
export interface CallbackAnswer {
  location: string;
  session?: StepOutcome['session'];
}

/** A provider as the identity side sees it: an ID token makes the factor `oidc`, an OAuth 2.0 user API `oauth`. */
export const identitySourceOf = (provider: ProviderConfig): IdentitySource => ({ ...provider, method: provider.protocol === 'oidc' ? 'oidc' : 'oauth' });

/**
 * `GET /v1/oauth/callback`: consumes the browser's trip by `state` (one
 * conditional statement: open, bound to this browser's `lk_flow`), lets the
 * protocol check the IdP's answer, resolves the identity and, in one
 * transaction, writes the user, the identity, the engine's outcome and the
 * result for `GET /v1/sign-in/flow`; through an organization's connection, also
 * the user's membership in it (JIT, with the connection's default role). Any failure after the trip was found is
 * a stored `idp-error` step; without a trip there is nowhere to send the
 * browser, so it is a 400 `invalid_state`.
 */
export async function finishTrip(ctx: CallbackContext, browser: Browser, params: URLSearchParams, linkingSession: () => Promise<{ session: LiveSession; user: SessionUser } | undefined>): Promise<CallbackAnswer> {
  const { deps } = ctx;
  const state = params.get('state');
  // A browser without a binding cookie started no trip; a state of the wrong shape matches none.
  if (browser.newBinding || !state || state.length > 512) throw new ProblemError('invalid_state');
  const trip = await consumeTrip(deps, browser, state);
  if (!trip) throw new ProblemError('invalid_state');
  const data = trip.data;
  const location = resumeLocation(data.resume_url);
  const provider = await ctx.providerOf(data.source);
  const fail = async (failure: IdpFailure, to = provider ? targetOf(provider) : { kind: 'social' as const, name: 'provider' }) => {
    console.warn(`[latchkey] oauth callback refused (${failure.reason}): ${failure.message}`);
    await storeResult(deps.storage, deps, browser, null, { step: idpErrorStep(failure.reason, to, data.return_to) });
    return { location };
  };
  if (!provider) return fail(new IdpFailure('idp_error', 'the provider of this trip is no longer configured'));
  let external;
  try {
    external = await ctx.protocol.finish(provider, oauthRedirectUri(deps.config), params, { state, codeVerifier: data.code_verifier, nonce: data.nonce });
  } catch (error) {
    if (error instanceof IdpFailure) return fail(error);
    throw error;
  }
  // Mix-up defence beside oauth4webapi's: the identity comes from the issuer the trip was opened for
  // (Microsoft's multi-tenant issuer is a template, checked by the protocol against the token's tid).
  if (!provider.tenantIssuer && external.issuer !== data.issuer) return fail(new IdpFailure('idp_error', `issuer ${external.issuer} is not ${data.issuer}`));

  try {
    const done = await completeFederated(deps, browser, identitySourceOf(provider), external, { purpose: data.purpose, userId: trip.userId, returnTo: data.return_to }, linkingSession);
    return { location, ...done };
  } catch (error) {
    if (error instanceof IdpFailure) return fail(error);
    throw error;
  }
}
