import type { ActiveSession, ActiveSessionList } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { listLiveUserSessions, revokeOtherUserSessions, revokeUserSession, type ListedSession, type LiveSession } from '../../storage/queries/index.js';
import { parseUserAgent } from '../sessions/user-agent.js';

/** Session ids as the engine makes them (`randomId('ses')`): anything else never reaches a query. */
export const SESSION_ID = /^ses_[\w-]{1,60}$/;

function toActiveSession(session: ListedSession, currentId: string): ActiveSession {
  const { browser, system } = parseUserAgent(session.userAgent);
  return {
    id: session.id,
    created_at: session.createdAt.toISOString(),
    last_seen_at: session.lastSeenAt.toISOString(),
    expires_at: session.expiresAt.toISOString(),
    ip: session.ip,
    browser,
    device: system,
    amr: session.amr,
    current: session.id === currentId,
  };
}

/**
 * The user's live sessions, this request's first, then the most recently used.
 * The raw User-Agent never leaves: only the names `parseUserAgent` knows.
 *
 * @example
 * const { sessions } = await listUserSessions(deps, current.session);
 */
export async function listUserSessions(deps: Deps, current: LiveSession): Promise<ActiveSessionList> {
  const sessions = (await listLiveUserSessions(deps.storage, current.userId, deps.clock(), deps.config.session.idleTimeoutSeconds)).map((s) => toActiveSession(s, current.id));
  return { sessions: [...sessions.filter((s) => s.current), ...sessions.filter((s) => !s.current)] };
}

/**
 * Signs out one of the user's own sessions. Another user's, an unknown, an
 * expired and a revoked one are all 404 `not_found`: the answer never tells
 * whether a session id exists. True when it was this request's own session.
 */
export async function revokeOwnSession(deps: Deps, current: LiveSession, id: string): Promise<boolean> {
  if (!(await revokeUserSession(deps.storage, current.userId, id, deps.clock()))) throw new ProblemError('not_found');
  return id === current.id;
}

/** Signs out every other session of the user; this one stays. */
export async function revokeOtherSessions(deps: Deps, current: LiveSession): Promise<number> {
  return revokeOtherUserSessions(deps.storage, current.userId, current.id, deps.clock());
}
