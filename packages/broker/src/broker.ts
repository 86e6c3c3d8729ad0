import { Hono } from 'hono';
import { ConfigError, parseBrokerConfig, type BrokerOptions } from './config.js';
import type { Deps } from './deps.js';
import { limitBodySize } from './http/body.js';
import { corsAllowlist, requireOrigin, trustedOrigins } from './http/guard/origin.js';
import { databaseRateLimitStore, rateLimit } from './http/guard/rate-limit.js';
import { secureHeaders } from './http/guard/secure-headers.js';
import { notFound, onError } from './http/problem.js';
import { mountAccount } from './modules/account/routes.js';
import { adminRoutes } from './modules/admin/routes.js';
import { mailQueue } from './modules/email/mail-queue.js';
import { outboxMailer } from './modules/email/mailer.js';
import { devOutboxRoutes, emailCodeRoutes, emailCodeSignInRoutes } from './modules/email/routes.js';
import { passkeyReviewRoutes, passkeyRoutes, passkeySignUpRoutes } from './modules/passkeys/routes.js';
import { passwordResetRoutes, passwordSignInRoutes, signUpRoutes } from './modules/password/routes.js';
import { jwksRoutes, sessionRoutes, signOutRoutes } from './modules/sessions/routes.js';
import { clientBucket } from './modules/sign-in/browser.js';
import { identifyRoutes } from './modules/sign-in/routes.js';
import { boundedFetch } from './modules/oauth/outbound.js';
import { oauthModule } from './modules/oauth/module.js';
import { mountJoining } from './modules/orgs/joining/routes.js';
import { ssoRequired } from './modules/orgs/sso.js';
import { boundedResolveTxt, systemResolveTxt } from './modules/orgs/dns-verification.js';
import { mountOrgs } from './modules/orgs/routes.js';
import { mfaRoutes, mfaSignInRoutes } from './modules/mfa/routes.js';
import { openApiRoutes } from './modules/openapi/routes.js';
import { mfaRequired } from './modules/mfa/requirement.js';
import { orgMfaRequired } from './modules/mfa/org-policy.js';
import { orgPolicyRequired } from './modules/orgs/policy-requirement.js';
import { samlRoutes } from './modules/saml/routes.js';
import { stepUpRoutes } from './modules/step-up/routes.js';
import { startSamlTrip } from './modules/saml/trip.js';
import { brokerMetrics } from './ops/metrics.js';
import { observeRequests } from './ops/observe.js';
import { opsRoutes } from './ops/routes.js';
import { randomSecret } from './random.js';
import { getOrCreateSecret } from './storage/queries/index.js';

/**
 * The broker as a Hono app: run it standalone (`latchkey-broker`, src/cli) or mount it under
 * a path of the host's own server. Throws `ConfigError` naming any bad field.
 *
 * @example
 * const storage = await createPgliteStorage({ dataDir: '.latchkey/data' });
 * const app = createBroker({ publicUrl: 'http://localhost:8787', allowedOrigins: ['http://localhost:5173'], dev: true, storage });
 * serve({ fetch: app.fetch, port: 8787 });
 * process.on('SIGTERM', () => app.startDraining()); // GET /ready answers 503 from now on
 */
export function createBroker(options: BrokerOptions) {
  const { storage, mailer, clock, fetch: givenFetch, resolveTxt, requirements, logger, ...input } = options;
  const config = parseBrokerConfig(input);
  const now = clock ?? (() => new Date());
  let secret: Promise<string> | undefined;
  const deps: Deps = {
    config,
    storage,
    clock: now,
    mail: mailQueue(mailer ?? outboxMailer(storage, now)),
    // PGlite counts budgets in memory, written behind (one process owns it); on PostgreSQL N instances share the counts in the database.
    rateLimits: storage.rateLimits ?? databaseRateLimitStore(storage),
    fetch: boundedFetch(givenFetch ?? ((input, init) => globalThis.fetch(input, init)), config.outbound),
    resolveTxt: boundedResolveTxt(resolveTxt ?? systemResolveTxt, config.outbound.timeoutMs),
    // Without a configured secret (dev), the first instance generates one and every instance shares it.
    secret: () => (secret ??= config.secret ? Promise.resolve(config.secret) : getOrCreateSecret(storage, 'code-hmac', randomSecret(), now())),
    // The broker's own gates first ("SSO required" for a domain, then a second factor where the user has one,
    // then an organization's "MFA required": enrolment for a member with none, then the SSO and passkey
    // policies of the organization the session opens in), then the host's.
    requirements: [ssoRequired, mfaRequired, orgMfaRequired, orgPolicyRequired, ...(requirements ?? [])],
    metrics: brokerMetrics(),
  };
  if (!config.secret && !config.dev) throw new ConfigError('latchkey config: secret: required outside dev mode (at least 32 characters)');
  // The outbox is readable only at the dev route: outside dev mode it would keep every code from its owner.
  if (!mailer && !config.dev) throw new ConfigError('latchkey config: mailer: required outside dev mode (set SMTP_URL, or pass a Mailer to createBroker)');

  const app = new Hono();
  app.onError(onError);
  app.notFound(notFound);
  // First of all, for every route: the request id, the metrics and the request log line.
  app.use(observeRequests({ metrics: deps.metrics, logger }));
  // The public key set sets its own headers and takes none of the middleware below: served
  // from memory, it would otherwise spend most of its time there (see README, Figures).
  app.route('/.well-known', jwksRoutes(deps));
  // The admin API (server to server, bearer token) takes its own guards and none below: no CORS, no Origin check.
  app.route('/admin/v1', adminRoutes(deps));
  app.use(secureHeaders());
  app.use(corsAllowlist(config));

  // Guards per route group, each chosen on purpose. `/x/*` covers `/x` itself too.
  const trusted = trustedOrigins(config);
  // The flows anyone can start: a trusted Origin, a small JSON body, a budget per client address.
  const flowGuards = [
    requireOrigin({ trusted }),
    limitBodySize(),
    rateLimit({ key: (c) => clientBucket(c, config), prefix: 'ip', window: config.rateLimits.perIp, store: deps.rateLimits, clock: now }),
  ];
  // Passkeys and second factors take them too: ceremonies anyone can start, and the signed-in user's own (GET counts nothing).
  for (const flows of ['/v1/sign-in/*', '/v1/sign-up/*', '/v1/password-reset/*', '/v1/email-code/*', '/v1/passkeys/*', '/v1/mfa/*']) app.use(flows, ...flowGuards);
  // Every call that may complete a first factor has the broker secret at hand before its transaction: a
  // requirement (an organization's MFA enrolment derives its key from it) runs inside one and reads only through it.
  for (const flows of ['/v1/sign-in/*', '/v1/sign-up/*', '/v1/password-reset/*', '/v1/email-code/*', '/v1/passkeys/*', '/v1/oauth/*', '/v1/saml/*']) {
    app.use(flows, async (_c, next) => {
      await deps.secret();
      await next();
    });
  }
  // Cookie-session calls take no body and count nothing: the token refresh, the hottest path, writes nothing.
  for (const calls of ['/v1/session/*', '/v1/sign-out/*']) app.use(calls, requireOrigin({ trusted }));
  // The tab's organization switch is the one session call with a body: a small one.
  app.use('/v1/session/org', limitBodySize());

  // /health, /ready (503 once draining) and /metrics (with its token, or from this machine only).
  let draining = false;
  app.route('/', opsRoutes(deps, { draining: () => draining }));
  // The API's description, built once here (modules/openapi), served from memory.
  app.route('/', openApiRoutes(config));
  const oauth = oauthModule(deps, { startSaml: (browser, connection, trip) => startSamlTrip(deps, browser, connection, trip) });
  app.route('/v1/sign-in', identifyRoutes(deps, oauth.homeRealm));
  app.route('/v1/sign-in', passwordSignInRoutes(deps));
  app.route('/v1/sign-in', emailCodeSignInRoutes(deps));
  app.route('/v1/sign-in', mfaSignInRoutes(deps));
  app.route('/v1/sign-up', signUpRoutes(deps));
  app.route('/v1/sign-up', passkeySignUpRoutes(deps));
  app.route('/v1/passkeys', passkeyRoutes(deps));
  app.route('/v1/mfa', mfaRoutes(deps));
  app.route('/v1/password-reset', passwordResetRoutes(deps));
  app.route('/v1/password-reset', passkeyReviewRoutes(deps));
  app.route('/v1/email-code', emailCodeRoutes(deps));
  app.route('/v1/session', sessionRoutes(deps));
  app.route('/v1/sign-out', signOutRoutes(deps));
  // The account page's sessions, password and email address, with the account routes' guards.
  mountAccount(app, deps, flowGuards);
  // Joining organizations (invitations, invite links, access requests, domain capture), before any `/v1/orgs/:org_id` route.
  mountJoining(app, deps, flowGuards);
  oauth.mount(app, { flowGuards });
  // Organizations managed by their members, and their audit log, with the account routes' guards.
  mountOrgs(app, deps, flowGuards);
  // Step-up: proving a factor again before a sensitive change, with the account routes' guards.
  app.use('/v1/step-up/*', ...flowGuards);
  app.route('/v1/step-up', stepUpRoutes(deps));
  // The SAML routes choose their own guards: the ACS is a cross-site form POST (see samlRoutes).
  app.route('/v1/saml', samlRoutes(deps));
  if (config.dev) app.route('/dev', devOutboxRoutes(deps));
  return Object.assign(app, {
    deps,
    /** The process is stopping (SIGTERM): `/ready` answers 503 from now on, while requests in flight finish. */
    startDraining() {
      draining = true;
    },
  });
}
