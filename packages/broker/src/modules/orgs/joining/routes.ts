import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { Deps } from '../../../deps.js';
import { readJson } from '../../../http/body.js';
import { rateLimit } from '../../../http/guard/rate-limit.js';
import { pathId } from '../../../http/path.js';
import { ProblemError } from '../../../http/problem.js';
import { currentSession } from '../../sessions/sessions.js';
import { clientBucket } from '../../sign-in/browser.js';
import { actorOf, requireOrgPermission } from '../access.js';
import { approveAccessRequest, denyAccessRequest, joinByDomain, listAccessRequests, listJoinable, listMyAccessRequests, requestAccess } from './access-requests.js';
import { acceptInvitation, createInvitation, listInvitations, previewInvitation, revokeInvitation } from './invitations.js';
import { createInviteLink, joinWithInviteLink, listInviteLinks, previewInviteLink, revokeInviteLink } from './invite-links.js';
import {
  ACCESS_REQUEST_ID,
  INVITATION_ID,
  INVITE_LINK_ID,
  accessRequestSchema,
  approveSchema,
  denySchema,
  emptySchema,
  invitationSchema,
  inviteLinkSchema,
  tokenSchema,
} from './schema.js';

/** The signed-in user and session, or 401 `unauthenticated`. */
async function signedIn(deps: Deps, c: Context) {
  const current = await currentSession(deps, c);
  if (!current) throw new ProblemError('unauthenticated');
  return current;
}

/** An organization id has the shape of ids (as `randomId` makes them); anything else (a NUL, a quote) is as unknown as another's and never reaches a query. */
const ORG_ID = /^[A-Za-z0-9_-]{1,128}$/;

function orgIdOf(c: Context): string {
  const id = c.req.param('org_id') ?? '';
  if (!ORG_ID.test(id)) throw new ProblemError('not_found');
  return id;
}

/**
 * Joining's routes under `/v1/orgs` (wire/orgs.ts). Each organization route
 * checks the membership and permission first (`requireOrgPermission`), before
 * the body is read; objects are looked up together with the path's
 * organization. The user's own routes (`joinable`, `join`, asking to join) need
 * a session only.
 *
 * @example
 * app.route('/v1/orgs', orgJoiningRoutes(deps));
 */
export function orgJoiningRoutes(deps: Deps) {
  return (
    new Hono()
      .get('/joinable', async (c) => c.json(await listJoinable(deps, (await signedIn(deps, c)).user)))
      // Invitations by email
      .get('/:org_id/invitations', async (c) => c.json(await listInvitations(deps, await requireOrgPermission(deps, c, orgIdOf(c), 'invitations:manage'))))
      .post('/:org_id/invitations', async (c) => {
        const access = await requireOrgPermission(deps, c, orgIdOf(c), 'invitations:manage');
        const body = await readJson(c, invitationSchema);
        return c.json(await createInvitation(deps, c, access, body), 201);
      })
      .delete('/:org_id/invitations/:id', async (c) => {
        const access = await requireOrgPermission(deps, c, orgIdOf(c), 'invitations:manage');
        await revokeInvitation(deps, access, pathId(c, INVITATION_ID));
        return c.body(null, 204);
      })
      // Invite links
      .get('/:org_id/invite-links', async (c) => c.json(await listInviteLinks(deps, await requireOrgPermission(deps, c, orgIdOf(c), 'invitations:manage'))))
      .post('/:org_id/invite-links', async (c) => {
        const access = await requireOrgPermission(deps, c, orgIdOf(c), 'invitations:manage');
        const body = await readJson(c, inviteLinkSchema);
        return c.json(await createInviteLink(deps, c, access, body), 201);
      })
      .delete('/:org_id/invite-links/:id', async (c) => {
        const access = await requireOrgPermission(deps, c, orgIdOf(c), 'invitations:manage');
        await revokeInviteLink(deps, access, pathId(c, INVITE_LINK_ID));
        return c.body(null, 204);
      })
      // Domain capture and access requests: the user's own
      .post('/:org_id/join', async (c) => {
        const current = await signedIn(deps, c);
        await readJson(c, emptySchema);
        return c.json(await joinByDomain(deps, current, actorOf(c, deps, current.user), orgIdOf(c)));
      })
      .post('/:org_id/access-requests', async (c) => {
        const { user } = await signedIn(deps, c);
        const body = await readJson(c, accessRequestSchema);
        return c.json(await requestAccess(deps, user, actorOf(c, deps, user), orgIdOf(c), body.message), 201);
      })
      // Access requests: the organization's owners and admins decide
      .get('/:org_id/access-requests', async (c) => c.json(await listAccessRequests(deps, await requireOrgPermission(deps, c, orgIdOf(c), 'requests:manage'))))
      .post('/:org_id/access-requests/:id/approve', async (c) => {
        const access = await requireOrgPermission(deps, c, orgIdOf(c), 'requests:manage');
        const id = pathId(c, ACCESS_REQUEST_ID);
        const body = await readJson(c, approveSchema);
        return c.json(await approveAccessRequest(deps, c, access, id, body));
      })
      .post('/:org_id/access-requests/:id/deny', async (c) => {
        const access = await requireOrgPermission(deps, c, orgIdOf(c), 'requests:manage');
        const id = pathId(c, ACCESS_REQUEST_ID);
        const body = await readJson(c, denySchema);
        return c.json(await denyAccessRequest(deps, access, id, body.reason));
      })
  );
}

/**
 * GET /v1/invitations/{token} (no session: what the sign-up page shows),
 * POST /v1/invitations/accept (signed in).
 *
 * @example
 * app.route('/v1/invitations', invitationRoutes(deps));
 */
export function invitationRoutes(deps: Deps) {
  return new Hono()
    .get('/:token', async (c) => c.json(await previewInvitation(deps, c.req.param('token'))))
    .post('/accept', async (c) => {
      const current = await signedIn(deps, c);
      const body = await readJson(c, tokenSchema);
      return c.json(await acceptInvitation(deps, current, actorOf(c, deps, current.user), body.token));
    });
}

/**
 * GET /v1/invite-links/{token} (no session), POST /v1/invite-links/join (signed in).
 *
 * @example
 * app.route('/v1/invite-links', inviteLinkRoutes(deps));
 */
export function inviteLinkRoutes(deps: Deps) {
  return new Hono()
    .get('/:token', async (c) => c.json(await previewInviteLink(deps, c.req.param('token'))))
    .post('/join', async (c) => {
      const current = await signedIn(deps, c);
      const body = await readJson(c, tokenSchema);
      return c.json(await joinWithInviteLink(deps, current, actorOf(c, deps, current.user), body.token));
    });
}

/**
 * GET /v1/access-requests: the user's own requests and their decisions.
 *
 * @example
 * app.route('/v1/access-requests', myAccessRequestRoutes(deps));
 */
export function myAccessRequestRoutes(deps: Deps) {
  return new Hono().get('/', async (c) => c.json(await listMyAccessRequests(deps, (await signedIn(deps, c)).user)));
}

/** Nothing of joining is kept by a cache: tokens' previews, lists of people. */
const noStore: MiddlewareHandler = async (c, next) => {
  await next();
  c.header('cache-control', 'no-store');
};

/**
 * What joining adds to the broker, in one place (issue 24 §2):
 * - routes: invitations, invite links, access requests and domain capture
 *   (above), each group with the account routes' guards (a trusted Origin on
 *   unsafe calls, a small JSON body, a budget per client address);
 * - the token routes (previews, accept, join) also count GETs in a budget of
 *   their own per client address: each is a guess at a token;
 * - problem codes: already_member, invitation_invalid, invitation_not_for_you,
 *   request_pending, already_decided (and not_found, forbidden);
 * - audit events: invitation.*, invite_link.*, access_request.*, member.added.
 * Mount it before the organizations module (`mountOrgs`): `/v1/orgs/joinable`
 * is then this module's and not an organization's id, and a request to one of
 * these routes is answered here, after these guards, before any later
 * `/v1/orgs/*` guard would count it a second time.
 *
 * @example
 * mountJoining(app, deps, flowGuards);
 */
export function mountJoining(app: Hono, deps: Deps, guards: MiddlewareHandler[]) {
  const tokenGuesses = rateLimit({ key: (c) => clientBucket(c, deps.config), prefix: 'join', window: deps.config.rateLimits.perIp, store: deps.rateLimits, clock: deps.clock, countSafeMethods: true });
  for (const group of ['/v1/invitations/*', '/v1/invite-links/*']) app.use(group, noStore, ...guards, tokenGuesses);
  const orgGroups = ['/v1/orgs/joinable', '/v1/orgs/:org_id/invitations/*', '/v1/orgs/:org_id/invite-links/*', '/v1/orgs/:org_id/access-requests/*', '/v1/orgs/:org_id/join', '/v1/access-requests/*'];
  for (const group of orgGroups) app.use(group, noStore, ...guards);
  app.route('/v1/orgs', orgJoiningRoutes(deps));
  app.route('/v1/invitations', invitationRoutes(deps));
  app.route('/v1/invite-links', inviteLinkRoutes(deps));
  app.route('/v1/access-requests', myAccessRequestRoutes(deps));
}
