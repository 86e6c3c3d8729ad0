import { Hono } from 'hono';
import type { PublicConfig, Step } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { readJson } from '../../http/body.js';
import { checkReturnTo, requireOriginOnRead, resumeUrlOf, trustedOrigins } from '../../http/guard/origin.js';
import { pathId } from '../../http/path.js';
import { ProblemError } from '../../http/problem.js';
import type { ConnectionRecord } from '../../storage/queries/index.js';
import { currentSession, signedInUser } from '../sessions/sessions.js';
import { requireRecentAuth } from '../step-up/recent.js';
import { answerRedirect, answerStep } from '../sign-in/answer.js';
import { browserOf, type Browser } from '../sign-in/browser.js';
import { finishTrip, type CallbackContext } from './callback.js';
import { disconnectAccount, listConnectedAccounts } from './connected.js';
import { idpErrorStep, startTrip, takeResult, targetOf } from './flows.js';
import { ssoOf } from '../orgs/sso.js';
import type { HomeRealm } from '../sign-in/identify.js';
import { providerOfConnection } from './enterprise.js';
import { IdpFailure } from './protocol.js';
import type { ProviderConfig } from './providers.js';
import { socialButtons } from './providers.js';
import { connectAccountSchema, identityIdParam, socialSignInSchema } from './schema.js';

/** What the routes share: the callback's context plus the configured social providers by id. */
export interface OAuthContext extends CallbackContext {
  social: Map<string, ProviderConfig>;
}

function socialProvider(ctx: OAuthContext, id: string): ProviderConfig {
  const provider = ctx.social.get(id);
  if (!provider) throw new ProblemError('unknown_provider');
  return provider;
}

/** An IdP that cannot be reached at the start answers the `idp-error` step at once, as after a trip. */
async function startOrFail(ctx: OAuthContext, provider: ProviderConfig, returnTo: string | null, start: () => ReturnType<typeof startTrip>) {
  try {
    return await start();
  } catch (error) {
    if (!(error instanceof IdpFailure)) throw error;
    console.warn(`[latchkey] oauth start refused (${error.reason}): ${error.message}`);
    return idpErrorStep(error.reason, targetOf(provider), returnTo);
  }
}

/** Starts a SAML connection's sign-in (the saml module's), for home-realm discovery. */
export type SamlStarter = (browser: Browser, connection: ConnectionRecord & { type: 'saml' }, trip: { resumeUrl: string; returnTo: string | null }) => Promise<Step>;

/**
 * Home-realm discovery for the identify step: an address of an organization's
 * verified domain goes straight to its connection's IdP (an `sso-redirect`), the
 * same answer whether or not the account exists. A domain that requires SSO but
 * has no connection that can start answers the IdP error; any other address
 * continues with the usual first step (undefined).
 */
export function homeRealmDiscovery(ctx: OAuthContext, startSaml?: SamlStarter): HomeRealm {
  const { deps } = ctx;
  return async (browser, email, trip) => {
    const sso = await ssoOf(deps.storage, email);
    if (!sso) return undefined;
    if (sso.connection?.type === 'saml' && startSaml) return startSaml(browser, sso.connection as ConnectionRecord & { type: 'saml' }, trip);
    const provider = sso.connection ? await providerOfConnection(deps, sso.connection) : undefined;
    if (!provider) return sso.ssoRequired ? idpErrorStep('idp_error', { kind: 'sso', name: sso.org.name }, trip.returnTo) : undefined;
    return startOrFail(ctx, provider, trip.returnTo, () => startTrip(deps, ctx.protocol, browser, provider, { purpose: 'sign-in', userId: null, ...trip }));
  };
}

/**
 * GET /v1/config: the public configuration (sign-in methods, social buttons).
 * Cacheable for a minute; sets and reads no cookie.
 */
export function publicConfigRoutes(deps: Deps) {
  const config: PublicConfig = { sign_in_methods: deps.config.signIn.methods, social: socialButtons(deps.config.social) };
  return new Hono().get('/', (c) => {
    c.header('cache-control', 'public, max-age=60');
    return c.json(config);
  });
}

/**
 * POST /v1/sign-in/social -> SsoRedirectStep; GET /v1/sign-in/flow -> the
 * browser's waiting result, once. Mounted under /v1/sign-in (its guards).
 */
export function socialSignInRoutes(ctx: OAuthContext) {
  const { deps } = ctx;
  return new Hono()
    .post('/social', async (c) => {
      const body = await readJson(c, socialSignInSchema);
      const provider = socialProvider(ctx, body.provider);
      const resumeUrl = resumeUrlOf(deps.config, c.req.header('origin'), body.resume_url);
      const returnTo = checkReturnTo(deps.config, body.return_to);
      const browser = browserOf(c, deps.config);
      const step = await startOrFail(ctx, provider, returnTo, () => startTrip(deps, ctx.protocol, browser, provider, { purpose: 'sign-in', userId: null, resumeUrl, returnTo }));
      return answerStep(c, deps, browser, { step });
    })
    // Answered once: a trusted caller only, so a link or an image on another site cannot use it up.
    .get('/flow', requireOriginOnRead({ trusted: trustedOrigins(deps.config) }), async (c) => {
      const browser = browserOf(c, deps.config);
      const result = browser.newBinding ? undefined : await takeResult(deps, browser);
      if (!result) throw new ProblemError('no_flow');
      c.header('cache-control', 'no-store');
      if ('problem' in result) throw new ProblemError(result.problem);
      return c.json(result.step);
    });
}

/**
 * GET /v1/oauth/callback: where every provider sends the browser back. Its own
 * guards (see `oauthModule`): no Origin check, a per-address budget that counts
 * GETs, no referrer, no caching.
 */
export function oauthCallbackRoutes(ctx: OAuthContext) {
  const { deps } = ctx;
  return new Hono().get('/callback', async (c) => {
    const browser = browserOf(c, deps.config);
    const params = new URL(c.req.url).searchParams;
    const answer = await finishTrip(ctx, browser, params, () => currentSession(deps, c));
    return answerRedirect(c, deps, browser, answer, answer.location);
  });
}

/**
 * For the signed-in user (session cookie): GET /v1/identities, POST
 * /v1/identities/connect (a trip whose callback attaches the identity to this
 * user), DELETE /v1/identities/:id (409 `last_way_in` for the last way in).
 */
export function identityRoutes(ctx: OAuthContext) {
  const { deps } = ctx;
  return new Hono()
    .get('/', async (c) => {
      const user = await signedInUser(deps, c);
      c.header('cache-control', 'no-store');
      return c.json(await listConnectedAccounts(deps, user.id));
    })
    .post('/connect', async (c) => {
      // Connecting or disconnecting a way in is a sensitive change: a recent sign-in first, before the body is read.
      const { user } = await requireRecentAuth(deps, c);
      const body = await readJson(c, connectAccountSchema);
      const provider = socialProvider(ctx, body.provider);
      const resumeUrl = resumeUrlOf(deps.config, c.req.header('origin'), body.resume_url);
      const browser = browserOf(c, deps.config);
      const step = await startOrFail(ctx, provider, null, () => startTrip(deps, ctx.protocol, browser, provider, { purpose: 'link', userId: user.id, resumeUrl, returnTo: null }));
      return answerStep(c, deps, browser, { step });
    })
    .delete('/:id', async (c) => {
      const { user } = await requireRecentAuth(deps, c);
      await disconnectAccount(deps, user.id, pathId(c, identityIdParam));
      return c.body(null, 204);
    });
}

