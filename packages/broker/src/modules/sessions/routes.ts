import { Hono } from 'hono';
import type { Deps } from '../../deps.js';
import { readJson } from '../../http/body.js';
import { revokeSession } from '../../storage/queries/index.js';
import { mintTokenFor, orgSwitchSchema, parseOrgQuery, switchOrganization } from '../orgs/switch.js';
import { sessionCookie } from './cookie.js';
import { JWKS_MAX_AGE_SECONDS, publishedKeys } from './keys.js';
import { currentSession, toWireSession, toWireUser } from './sessions.js';

/** GET /v1/session, POST /v1/session/token[?audience=][&org=], POST /v1/session/org (the tab's organization; see orgs/switch.ts) */
export function sessionRoutes(deps: Deps) {
  return new Hono()
    .get('/', async (c) => {
      const current = await currentSession(deps, c);
      c.header('cache-control', 'no-store');
      // Signed out is an answer, not an error: pages ask this on every load.
      if (!current) return c.json({ user: null });
      return c.json({ user: toWireUser(current.user), session: toWireSession(current.session) });
    })
    .post('/token', async (c) => {
      const token = await mintTokenFor(deps, c, parseOrgQuery(c.req.query('org')));
      c.header('cache-control', 'no-store');
      return c.json(token);
    })
    .post('/org', async (c) => {
      const body = await readJson(c, orgSwitchSchema);
      const switched = await switchOrganization(deps, c, body);
      c.header('cache-control', 'no-store');
      return c.json(switched);
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

/**
 * The headers of every JWKS answer. The set is public, read by backends and
 * gateways: any origin may read it (no credentials), and it is never sniffed as
 * anything but JSON. It carries them itself so the broker can mount it ahead
 * of the cookie-session middleware (see broker.ts), which it does not need.
 */
const JWKS_HEADERS = {
  'cache-control': `public, max-age=${JWKS_MAX_AGE_SECONDS}`,
  'access-control-allow-origin': '*',
  'cross-origin-resource-policy': 'cross-origin',
  'x-content-type-options': 'nosniff',
};

/** GET /.well-known/jwks.json, from memory, with an ETag (304 when unchanged). */
export function jwksRoutes(deps: Deps) {
  return new Hono().get('/jwks.json', async (c) => {
    const { body, etag } = await publishedKeys(deps);
    // A plain header record, not c.body(): no Headers object to build and convert back per answer.
    if (ifNoneMatch(c.req.header('if-none-match'), etag)) return new Response(null, { status: 304, headers: { ...JWKS_HEADERS, etag } });
    return new Response(body, { status: 200, headers: { ...JWKS_HEADERS, etag, 'content-type': 'application/json' } });
  });
}

/** RFC 9110 §13.1.2: weak comparison, a list of tags, or `*`. */
function ifNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etag || t === `W/${etag}`;
  });
}
