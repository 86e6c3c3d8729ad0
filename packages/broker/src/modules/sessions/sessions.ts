import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import type { DoneStep, SessionInfo, User } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { clientIp } from '../../http/guard/client-ip.js';
import { randomId, randomSecret } from '../../random.js';
import { findLiveSession, findUserById, insertSession, touchSession, type SessionRecord, type UserRecord } from '../../storage/queries/index.js';
import type { Db } from '../../storage/storage.js';
import { sessionCookie } from './cookie.js';

/** last_seen_at is written at most this often, so token refreshes stay read-only. */
const TOUCH_INTERVAL_MS = 5 * 60_000;

const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('base64url');

export const toWireUser = (user: UserRecord): User => ({
  id: user.id,
  email: user.email,
  email_verified: user.emailVerifiedAt !== null,
  name: user.name,
  created_at: user.createdAt.toISOString(),
});

export const toWireSession = (session: SessionRecord): SessionInfo => ({
  id: session.id,
  amr: session.amr,
  created_at: session.createdAt.toISOString(),
  expires_at: session.expiresAt.toISOString(),
});

/**
 * Opens a session for `user` (inside the caller's transaction, so a failed
 * sign-in writes nothing) and sets its cookie; returns the `done` step.
 */
export async function completeSignIn(tx: Db, deps: Deps, c: Context, user: UserRecord, amr: string[], returnTo: string | null): Promise<DoneStep> {
  const now = deps.clock();
  const secret = randomSecret();
  const maxAge = deps.config.session.maxAgeSeconds;
  const session = await insertSession(tx, {
    id: randomId('ses'),
    secretHash: hashSecret(secret),
    userId: user.id,
    amr,
    createdAt: now,
    expiresAt: new Date(now.getTime() + maxAge * 1000),
    ip: clientIp(c, deps.config.trustProxy),
    userAgent: c.req.header('user-agent')?.slice(0, 512) ?? null,
  });
  sessionCookie(deps.config).write(c, secret, maxAge);
  return { step: 'done', user: toWireUser(user), session: toWireSession(session), return_to: returnTo };
}

/** The live session of this request's cookie and its user, or undefined. */
export async function currentSession(deps: Deps, c: Context): Promise<{ session: SessionRecord; user: UserRecord } | undefined> {
  const secret = sessionCookie(deps.config).read(c);
  if (!secret || secret.length > 128) return undefined;
  const now = deps.clock();
  const session = await findLiveSession(deps.storage, hashSecret(secret), now);
  if (!session) return undefined;
  const user = await findUserById(deps.storage, session.userId);
  if (!user) return undefined;
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) await touchSession(deps.storage, session.id, now);
  return { session, user };
}
