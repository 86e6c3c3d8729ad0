import { Hono } from 'hono';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { revokeSession } from '../../storage/queries/index.js';
import { sessionCookie } from './cookie.js';
import { publishedKeys } from './keys.js';
import { currentSession, toWireSession, toWireUser } from './sessions.js';
import { issueSessionToken } from './token.js';

/** GET /v1/session, POST /v1/session/token */
export function sessionRoutes(deps: Deps) {
  return new Hono()
    .get('/', async (c) => {
      const current = await currentSession(deps, c);
      if (!current) throw new ProblemError('unauthenticated');
      c.header('cache-control', 'no-store');
      return c.json({ user: toWireUser(current.user), session: toWireSession(current.session) });
    })
    .post('/token', async (c) => {
      const current = await currentSession(deps, c);
      if (!current) throw new ProblemError('unauthenticated');
      c.header('cache-control', 'no-store');
      return c.json(await issueSessionToken(deps, current.session));
    });
}

/** POST /v1/sign-out: revokes the session server-side, so its cookie is worthless even if kept. */
export function signOutRoutes(deps: Deps) {
  return new Hono().post('/', async (c) => {
    const current = await currentSession(deps, c);
    if (current) await revokeSession(deps.storage, current.session.id, deps.clock());
    sessionCookie(deps.config).clear(c);
    return c.body(null, 204);
  });
}

/** GET /.well-known/jwks.json */
export function jwksRoutes(deps: Deps) {
  return new Hono().get('/jwks.json', async (c) => {
    c.header('cache-control', 'public, max-age=60');
    return c.json(await publishedKeys(deps));
  });
}
