import type { DoneStep } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { isUniqueViolation, type Db } from '../../storage/storage.js';
import type { SessionRecord, SessionUser } from '../../storage/queries/index.js';
import { announceNewWayIn } from '../email/new-way-in.js';
import { toWireSession, toWireUser } from '../sessions/sessions.js';
import type { Browser } from '../sign-in/browser.js';
import { completeFirstFactor, type StepOutcome } from '../sign-in/complete.js';
import type { Factor } from '../sign-in/factors.js';
import { consumeTrip, idpErrorStep, storeResult, targetOf, type OAuthFlowData } from './flows.js';
import { oauthRedirectUri } from '../orgs/connections.js';
import { provisionMembership } from './enterprise.js';
import { resolveIdentity } from './identity.js';
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

/**
 * The one place a trip through an identity provider opens a session: the
 * engine decides (`done`, or a requirement's step). The factor names what
 * proved it: a social provider (`oauth`, or `oidc` when it gave an ID token),
 * or an organization's connection with its organization, which the engine
 * makes the session's active organization.
 */
function signInThrough(tx: Db, deps: Deps, browser: Browser, user: SessionUser, provider: ProviderConfig, returnTo: string | null): Promise<StepOutcome> {
  return completeFirstFactor(tx, deps, browser, user, factorOf(provider, deps.clock().toISOString()), returnTo);
}

/** The session factor of a sign-in through `provider` at `at`. */
export function factorOf(provider: ProviderConfig, at: string): Factor {
  const source = provider.source;
  if ('connection' in source) return { method: 'oidc', at, connection: source.connection, org: source.org };
  return { method: provider.protocol === 'oidc' ? 'oidc' : 'oauth', at, provider: source.provider };
}

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
export async function finishTrip(ctx: CallbackContext, browser: Browser, params: URLSearchParams, linkingSession: () => Promise<{ session: SessionRecord; user: SessionUser } | undefined>): Promise<CallbackAnswer> {
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

  const linking = data.purpose === 'link' ? await linkingSession() : undefined;
  if (data.purpose === 'link' && (!linking || linking.user.id !== trip.userId)) return fail(new IdpFailure('idp_error', 'the account that asked to connect is no longer signed in here'));

  for (let attempt = 0; ; attempt++) {
    try {
      const result = await deps.storage.transaction(async (tx) => {
        const resolved = await resolveIdentity(tx, deps, provider, external, linking ? linking.user.id : null);
        if (!linking) await provisionMembership(tx, deps, provider, resolved.user.id);
        const outcome: StepOutcome = linking
          ? { step: connectedStep(linking, data.return_to) }
          : await signInThrough(tx, deps, browser, resolved.user, provider, data.return_to);
        await storeResult(tx, deps, browser, resolved.user.id, { step: outcome.step });
        return { resolved, outcome };
      });
      if (result.resolved.connected) announceNewWayIn(deps, browser, result.resolved.user.email, { kind: 'identity', provider: provider.name });
      return { location, ...(result.outcome.session ? { session: result.outcome.session } : {}) };
    } catch (error) {
      if (error instanceof IdpFailure) return fail(error);
      // A policy of the engine refused the sign-in (its transaction wrote nothing): the page hears why.
      if (error instanceof ProblemError && error.code === 'sso_required') {
        await storeResult(deps.storage, deps, browser, null, { problem: error.code });
        return { location };
      }
      // Two trips of one new identity at once: the second finds the first's rows on its retry.
      if (isUniqueViolation(error) && attempt === 0) continue;
      throw error;
    }
  }
}

/** Connecting an account leaves the signed-in session as it is: the answer is `done` with it. */
const connectedStep = (linking: { session: SessionRecord; user: SessionUser }, returnTo: string | null): DoneStep => ({
  step: 'done',
  user: toWireUser(linking.user),
  session: toWireSession(linking.session),
  return_to: returnTo,
});

/** The page to come back to, with `lk_resume=1` so its element asks for the flow's step. */
function resumeLocation(resumeUrl: string): string {
  const url = new URL(resumeUrl);
  url.searchParams.set('lk_resume', '1');
  return url.href;
}

