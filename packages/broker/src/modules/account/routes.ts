import { Hono, type MiddlewareHandler } from 'hono';
import type { Deps } from '../../deps.js';
import { readJson } from '../../http/body.js';
import { ProblemError } from '../../http/problem.js';
import { pathId } from '../../http/path.js';
import { sessionCookie } from '../sessions/cookie.js';
import { currentSession, signedInUser } from '../sessions/sessions.js';
import { answerStep } from '../sign-in/answer.js';
import { browserOf } from '../sign-in/browser.js';
import { requireRecentAuth } from '../step-up/recent.js';
import { finishEmailChange, startEmailChange } from './email-change.js';
import { changePassword, passwordStatus } from './password.js';
import { emailChangeSchema, emailChangeVerifySchema, emptySchema, passwordChangeSchema } from './schema.js';
import { listUserSessions, revokeOtherSessions, revokeOwnSession, SESSION_ID } from './sessions.js';

/** Nothing of the account page is kept by a cache. */
const noStore: MiddlewareHandler = async (c, next) => {
  await next();
  c.header('cache-control', 'no-store');
};

async function liveSession(deps: Deps, c: Parameters<MiddlewareHandler>[0]) {
  const current = await currentSession(deps, c);
  if (!current) throw new ProblemError('unauthenticated');
  return current;
}

/**
 * The signed-in user's sessions: GET /v1/sessions, DELETE /v1/sessions/:id (204;
 * revoking this browser's own session also clears its cookie, as signing out
 * does), POST /v1/sessions/revoke-others (200 `{ revoked }`). No step-up: signing
 * sessions out only ever takes access away.
 *
 * @example
 * app.route('/v1/sessions', sessionListRoutes(deps));
 */
export function sessionListRoutes(deps: Deps) {
  return new Hono()
    .use(noStore)
    .get('/', async (c) => c.json(await listUserSessions(deps, (await liveSession(deps, c)).session)))
    .post('/revoke-others', async (c) => {
      const { session } = await liveSession(deps, c);
      await readJson(c, emptySchema);
      return c.json({ revoked: await revokeOtherSessions(deps, session) });
    })
    .delete('/:id', async (c) => {
      const { session } = await liveSession(deps, c);
      if (await revokeOwnSession(deps, session, pathId(c, SESSION_ID))) sessionCookie(deps.config).clear(c);
      return c.body(null, 204);
    });
}

/**
 * GET /v1/password (`{ has_password }`), POST /v1/password (set or change it;
 * recent authentication first, before the body is read).
 *
 * @example
 * app.route('/v1/password', passwordRoutes(deps));
 */
export function passwordRoutes(deps: Deps) {
  return new Hono()
    .use(noStore)
    .get('/', async (c) => c.json(await passwordStatus(deps, (await signedInUser(deps, c)).id)))
    .post('/', async (c) => {
      const current = await requireRecentAuth(deps, c);
      const body = await readJson(c, passwordChangeSchema);
      return c.json(await changePassword(deps, browserOf(c, deps.config), current, body.password));
    });
}

/**
 * POST /v1/email (recent authentication first; 202 `email-code` step of purpose
 * `email-change`), POST /v1/email/verify (200 `User`). A new code: POST
 * /v1/email-code/resend, as every mailed code.
 *
 * @example
 * app.route('/v1/email', emailChangeRoutes(deps));
 */
export function emailChangeRoutes(deps: Deps) {
  return new Hono()
    .use(noStore)
    .post('/', async (c) => {
      const { user } = await requireRecentAuth(deps, c);
      const body = await readJson(c, emailChangeSchema);
      const browser = browserOf(c, deps.config);
      return answerStep(c, deps, browser, { step: await startEmailChange(deps, browser, user, body.email) }, 202);
    })
    .post('/verify', async (c) => {
      const user = await signedInUser(deps, c);
      const body = await readJson(c, emailChangeVerifySchema);
      return c.json(await finishEmailChange(deps, browserOf(c, deps.config), user, body.flow_id, body.code));
    });
}

/**
 * What the account module adds, in one place: its three route groups, each with
 * the guards of the account routes (a trusted Origin, a small JSON body, a budget
 * per client address), as passkeys and MFA take them.
 *
 * @example
 * mountAccount(app, deps, flowGuards);
 */
export function mountAccount(app: Hono, deps: Deps, guards: MiddlewareHandler[]) {
  for (const group of ['/v1/sessions/*', '/v1/password/*', '/v1/email/*']) app.use(group, ...guards);
  app.route('/v1/sessions', sessionListRoutes(deps));
  app.route('/v1/password', passwordRoutes(deps));
  app.route('/v1/email', emailChangeRoutes(deps));
}
