import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import type { SessionInfo, User } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { findLiveSession, findLiveSessionInOrg, touchSession, type LiveSession, type MintSession, type SessionOrgMembership, type SessionUser, type UserRecord } from '../../storage/queries/index.js';
import { assuranceLevel } from '../sign-in/factors.js';
import { sessionCookie } from './cookie.js';

/**
 * last_seen_at is written at most this often, so token refreshes stay read-only.
 * It is also the idle timeout's resolution (`session.idleTimeoutSeconds`, at least 15 minutes).
 */
const TOUCH_INTERVAL_MS = 5 * 60_000;

/** Cookie secrets are stored only as their SHA-256, so a database leak yields no sessions. */
export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('base64url');

export const toWireUser = (user: SessionUser | UserRecord): User => ({
  id: user.id,
  email: user.email,
  email_verified: user.emailVerifiedAt !== null,
  name: user.name,
  created_at: user.createdAt.toISOString(),
});

export const toWireSession = (session: LiveSession): SessionInfo => ({
  id: session.id,
  amr: session.amr,
  factors: session.factors,
  aal: assuranceLevel(session.factors),
  org_id: session.orgId,
  created_at: session.createdAt.toISOString(),
  expires_at: session.expiresAt.toISOString(),
});

/** The hash of this request's session cookie, or undefined without a plausible one. */
function cookieSecretHash(deps: Deps, c: Context): string | undefined {
  const secret = sessionCookie(deps.config).read(c);
  return secret && secret.length <= 128 ? hashSecret(secret) : undefined;
}

/**
 * The live session of this request's cookie and its user, or undefined: one
 * query (session joined with its user, the few columns the answers need). A
 * session idle longer than `session.idleTimeoutSeconds` is not live: it answers
 * as an expired or revoked one does. Each use counts as activity.
 * Read-only except `last_seen_at`, written at most every `TOUCH_INTERVAL_MS`
 * (the lookup says when), so `GET /v1/session` normally writes nothing.
 */
export async function currentSession(deps: Deps, c: Context): Promise<{ session: LiveSession; user: SessionUser } | undefined> {
  const secretHash = cookieSecretHash(deps, c);
  if (!secretHash) return undefined;
  const now = deps.clock();
  const current = await findLiveSession(deps.storage, secretHash, now, TOUCH_INTERVAL_MS, deps.config.session.idleTimeoutSeconds);
  if (current?.touchDue) await touchSession(deps.storage, current.session.id, now);
  return current;
}

/**
 * The live session of this request's cookie with the user's membership of
 * `orgId` (undefined: of the session's own organization; null: none), read in
 * the same query: the token mint and the organization switch each cost one
 * round trip (see `findLiveSessionInOrg`). A token names its user by id only,
 * so the user is not read.
 */
export async function currentSessionInOrg(
  deps: Deps,
  c: Context,
  orgId: string | null | undefined,
): Promise<{ session: MintSession; membership: SessionOrgMembership | undefined } | undefined> {
  const secretHash = cookieSecretHash(deps, c);
  if (!secretHash) return undefined;
  const now = deps.clock();
  const current = await findLiveSessionInOrg(deps.storage, secretHash, now, TOUCH_INTERVAL_MS, orgId, deps.config.session.idleTimeoutSeconds);
  if (current?.touchDue) await touchSession(deps.storage, current.session.id, now);
  return current;
}

/**
 * The signed-in user of this request's session cookie, or 401 `unauthenticated`:
 * what every account route (passkeys, connected accounts, MFA) starts with.
 *
 * @example
 * const user = await signedInUser(deps, c);
 */
export async function signedInUser(deps: Deps, c: Context): Promise<SessionUser> {
  const current = await currentSession(deps, c);
  if (!current) throw new ProblemError('unauthenticated');
  return current.user;
}
