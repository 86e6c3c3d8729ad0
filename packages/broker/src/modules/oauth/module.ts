import type { Hono, MiddlewareHandler } from 'hono';
import type { Deps } from '../../deps.js';
import { rateLimit } from '../../http/guard/rate-limit.js';
import { clientBucket } from '../sign-in/browser.js';
import { OAUTH_FLOW, OAUTH_RESULT } from './flows.js';
import { createProtocol } from './protocol.js';
import { tripConnection } from './enterprise.js';
import { providerFromSocial } from './providers.js';
import { homeRealmDiscovery, identityRoutes, oauthCallbackRoutes, publicConfigRoutes, socialSignInRoutes, type OAuthContext, type SamlStarter } from './routes.js';

/**
 * What social sign-in adds to the broker, in one place:
 * - routes: GET /v1/config; POST /v1/sign-in/social and GET /v1/sign-in/flow
 *   (the /v1/sign-in guards); GET /v1/oauth/callback (guards of its own, below);
 *   GET /v1/identities, POST /v1/identities/connect, DELETE /v1/identities/:id
 *   (the flow guards: trusted Origin on unsafe calls, small body, per-address budget);
 * - flow kinds: `oauth` (a trip to an IdP) and `oauth-result` (its outcome, waiting for the page);
 * - problem codes: unknown_provider, no_flow, invalid_state, last_way_in;
 * - enterprise OIDC: identify sends an address of an organization's verified domain to its
 *   connection (`identify.ts`), and the engine's `ssoRequired` requirement holds every other
 *   first factor off such a domain when it requires SSO.
 *
 * @example
 * const oauth = oauthModule(deps);
 * app.route('/v1/sign-in', identifyRoutes(deps, oauth.homeRealm));
 * oauth.mount(app, { flowGuards });
 */
export function oauthModule(deps: Deps, options: { startSaml?: SamlStarter } = {}) {
  const social = new Map(deps.config.social.map((p) => [p.id, providerFromSocial(p)]));
  const ctx: OAuthContext = {
    deps,
    protocol: createProtocol({ fetch: deps.fetch, clock: deps.clock }),
    social,
    providerOf: async (source) => ('provider' in source ? social.get(source.provider) : tripConnection(deps, source)),
  };
  return {
    flowKinds: [OAUTH_FLOW, OAUTH_RESULT] as const,
    problems: ['unknown_provider', 'no_flow', 'invalid_state', 'last_way_in'] as const,
    context: ctx,
    /** For the identify step (`identifyRoutes`): an address of an organization's SSO domain goes to its IdP. */
    homeRealm: homeRealmDiscovery(ctx, options.startSaml),
    mount(app: Hono, guards: { flowGuards: MiddlewareHandler[] }) {
      app.route('/v1/config', publicConfigRoutes(deps));
      app.route('/v1/sign-in', socialSignInRoutes(ctx));
      // The callback is a top-level GET from the IdP's site: no Origin to check (its `state`,
      // bound to the lk_flow cookie, is the CSRF defence), a per-address budget that counts
      // GETs, nothing cached, and no Referer leaking the code onward.
      app.use(
        '/v1/oauth/*',
        async function callbackHeaders(c, next) {
          await next();
          c.header('referrer-policy', 'no-referrer');
          c.header('cache-control', 'no-store');
        },
        rateLimit({ key: (c) => clientBucket(c, deps.config), prefix: 'cb', window: deps.config.rateLimits.perIp, store: deps.rateLimits, clock: deps.clock, countSafeMethods: true }),
      );
      app.route('/v1/oauth', oauthCallbackRoutes(ctx));
      app.use('/v1/identities/*', ...guards.flowGuards);
      app.route('/v1/identities', identityRoutes(ctx));
    },
  };
}
