import { Hono, type Context } from 'hono';
import type { Deps } from '../../deps.js';
import { limitBodySize } from '../../http/body.js';
import { rateLimit } from '../../http/guard/rate-limit.js';
import { PAGE_HEADERS, wantsHtml } from '../../http/page.js';
import { pathId } from '../../http/path.js';
import { ProblemError } from '../../http/problem.js';
import { currentSession } from '../sessions/sessions.js';
import { answerRedirect } from '../sign-in/answer.js';
import { browserOf, clientBucket } from '../sign-in/browser.js';
import { refusalPage } from './pages.js';
import { spMetadata } from './sp.js';
import { spKeyOf } from './sp-key.js';
import { finishSamlTrip, receiveResponse, samlConnection } from './trip.js';

/** A SAML response runs to tens of kB (certificates, many groups); nothing real comes near this. */
export const ACS_MAX_BODY_BYTES = 512 * 1024;
const CONNECTION_ID = /^con_[\w-]{22}$/;


/** The posted form's `SAMLResponse` (the POST binding): a form body, nothing else. */
async function samlResponseOf(c: Context): Promise<string> {
  if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) throw new ProblemError('unsupported_media_type');
  const form = new URLSearchParams(await c.req.text());
  const response = form.get('SAMLResponse');
  if (!response || form.getAll('SAMLResponse').length !== 1) throw new ProblemError('invalid_request', { errors: [{ path: 'SAMLResponse', message: 'Required, once' }] });
  return response;
}

/**
 * The SAML routes, each group with its own guards:
 * - GET /v1/saml/{id}/metadata: the SP metadata (public, cacheable, no cookies);
 * - POST /v1/saml/{id}/acs: the IdP's cross-site form POST. No Origin check (the IdP's
 *   page sends `Origin: null` or its own) and no JSON rule: a form body of at most
 *   512 KiB, a per-address budget, nothing cached, no referrer. It reads and sets no cookie;
 * - GET /v1/saml/finish: the same-site GET after the ACS, where `lk_flow` binds the result
 *   to the browser that started the sign-in (a top-level navigation sends the Lax cookie).
 */
export function samlRoutes(deps: Deps) {
  const app = new Hono();
  app.use('*', async function samlHeaders(c, next) {
    await next();
    c.header('referrer-policy', 'no-referrer');
    if (!c.res.headers.has('cache-control')) c.header('cache-control', 'no-store');
  });
  app.get('/:id/metadata', async (c) => {
    const connection = await samlConnection(deps, pathId(c, CONNECTION_ID));
    if (!connection) throw new ProblemError('not_found');
    c.header('content-type', 'application/samlmetadata+xml');
    c.header('cache-control', 'public, max-age=300');
    return c.body(spMetadata(deps.config, connection.id, connection.config, await spKeyOf(deps, connection)));
  });
  app.post(
    '/:id/acs',
    limitBodySize(ACS_MAX_BODY_BYTES),
    rateLimit({ key: (c) => clientBucket(c, deps.config), prefix: 'acs', window: deps.config.rateLimits.perIp, store: deps.rateLimits, clock: deps.clock }),
    async (c) => {
      try {
        const answer = await receiveResponse(deps, pathId(c, CONNECTION_ID), await samlResponseOf(c));
        return 'page' in answer ? c.body(answer.page, 200, PAGE_HEADERS) : c.redirect(answer.location, 303);
      } catch (error) {
        // A refusal no sign-in can hear of: a person's browser gets a page with the reference, not JSON.
        if (!(error instanceof ProblemError && error.code === 'saml_rejected' && wantsHtml(c.req.header('accept')))) throw error;
        const reference = /reference (\S+)/.exec(error.extra.detail ?? '')?.[1] ?? '';
        return c.body(refusalPage(reference, c.req.header('accept-language')), 400, PAGE_HEADERS);
      }
    },
  );
  app.get(
    '/finish',
    rateLimit({ key: (c) => clientBucket(c, deps.config), prefix: 'acs', window: deps.config.rateLimits.perIp, store: deps.rateLimits, clock: deps.clock, countSafeMethods: true }),
    async (c) => {
      const browser = browserOf(c, deps.config);
      const ref = c.req.query('ref');
      if (ref !== undefined && ref.length > 200) throw new ProblemError('no_flow');
      const answer = await finishSamlTrip(deps, browser, ref, () => currentSession(deps, c));
      return answerRedirect(c, deps, browser, answer, answer.location);
    },
  );
  return app;
}
