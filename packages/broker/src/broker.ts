import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { ConfigError, parseBrokerConfig, type BrokerOptions } from './config.js';
import type { Deps } from './deps.js';
import { limitBodySize } from './http/body.js';
import { corsAllowlist, requireTrustedOrigin } from './http/guard/origin.js';
import { rateLimitPerIp } from './http/guard/rate-limit.js';
import { notFound, onError, problemResponse } from './http/problem.js';
import { outboxMailer } from './modules/email/mailer.js';
import { devOutboxRoutes, emailCodeRoutes, emailCodeSignInRoutes } from './modules/email/routes.js';
import { identifyRoutes } from './modules/identify/routes.js';
import { passwordResetRoutes, passwordSignInRoutes, signUpRoutes } from './modules/password/routes.js';
import { jwksRoutes, sessionRoutes, signOutRoutes } from './modules/sessions/routes.js';
import { randomSecret } from './random.js';
import { migrationsApplied } from './storage/migrate.js';
import { getOrCreateSecret } from './storage/queries/index.js';

/**
 * The broker as a Hono app: run it standalone (apps/broker) or mount it under
 * a path of the host's own server. Throws `ConfigError` naming any bad field.
 *
 * @example
 * const storage = await createPgliteStorage({ dataDir: '.latchkey/data' });
 * const app = createBroker({ publicUrl: 'http://localhost:8787', allowedOrigins: ['http://localhost:5173'], dev: true, storage });
 * serve({ fetch: app.fetch, port: 8787 });
 */
export function createBroker(options: BrokerOptions) {
  const { storage, mailer, clock, ...input } = options;
  const config = parseBrokerConfig(input);
  const now = clock ?? (() => new Date());
  let secret: Promise<string> | undefined;
  const deps: Deps = {
    config,
    storage,
    clock: now,
    mailer: mailer ?? outboxMailer(storage, now),
    // Without a configured secret (dev), the first instance generates one and every instance shares it.
    secret: () => (secret ??= config.secret ? Promise.resolve(config.secret) : getOrCreateSecret(storage, 'code-hmac', randomSecret(), now())),
  };
  if (!config.secret && !config.dev) throw new ConfigError('latchkey config: secret: required outside dev mode (at least 32 characters)');

  const app = new Hono();
  app.onError(onError);
  app.notFound(notFound);
  app.use(secureHeaders({ crossOriginResourcePolicy: 'same-site', referrerPolicy: 'no-referrer' }));
  app.use(corsAllowlist(config));
  app.use(requireTrustedOrigin(config));
  app.use(rateLimitPerIp(deps));
  app.use(limitBodySize());

  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.get('/ready', async (c) => {
    const ready = await migrationsApplied(storage).catch(() => false);
    return ready ? c.json({ status: 'ready' }) : problemResponse(c, 'internal_error', { detail: 'database unreachable or not migrated' });
  });
  app.route('/.well-known', jwksRoutes(deps));
  app.route('/v1/sign-in', identifyRoutes(deps));
  app.route('/v1/sign-in', passwordSignInRoutes(deps));
  app.route('/v1/sign-in', emailCodeSignInRoutes(deps));
  app.route('/v1/sign-up', signUpRoutes(deps));
  app.route('/v1/password-reset', passwordResetRoutes(deps));
  app.route('/v1/email-code', emailCodeRoutes(deps));
  app.route('/v1/session', sessionRoutes(deps));
  app.route('/v1/sign-out', signOutRoutes(deps));
  if (config.dev) app.route('/dev', devOutboxRoutes(deps));
  return Object.assign(app, { deps });
}
