import type { Context } from 'hono';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { findTotpFactor, type LiveSession, type SessionUser } from '../../storage/queries/index.js';
import { currentSession } from '../sessions/sessions.js';
import { SECOND_FACTORS, type Factor } from '../sign-in/factors.js';

/**
 * Whether `factors` hold an authentication recent enough for a sensitive change:
 * a factor proven within `maxAgeSeconds` of `now`, and, when the account has a
 * second factor (`hasSecondFactor`), a second factor (authenticator app, recovery
 * code, passkey): otherwise a stolen password would be enough to remove the app
 * that guards it. Pure, so the rule is tested without a database.
 *
 * @example
 * isRecent([{ method: 'pwd', at: '2026-12-06T10:00:00Z' }], new Date('2026-12-06T10:05:00Z'), 600, false); // true
 * isRecent([{ method: 'pwd', at: '2026-12-06T10:00:00Z' }], new Date('2026-12-06T10:05:00Z'), 600, true); // false
 */
export function isRecent(factors: readonly Factor[], now: Date, maxAgeSeconds: number, hasSecondFactor: boolean): boolean {
  const since = now.getTime() - maxAgeSeconds * 1000;
  const recent = factors.filter((factor) => Date.parse(factor.at) >= since);
  if (!hasSecondFactor) return recent.length > 0;
  return recent.some((factor) => SECOND_FACTORS.has(factor.method));
}

/**
 * The signed-in user and session of this request when it authenticated recently
 * enough for a sensitive change (see `isRecent`, `stepUp.maxAgeSeconds`);
 * otherwise 401 `unauthenticated` (no session) or 403 `reauthentication_required`,
 * which the elements answer by asking for a factor again and retrying. Every
 * sensitive route calls it first, before reading its body, so a request refused
 * here changes nothing.
 *
 * @example
 * const { user } = await requireRecentAuth(deps, c);
 */
export async function requireRecentAuth(deps: Deps, c: Context): Promise<{ session: LiveSession; user: SessionUser }> {
  const current = await currentSession(deps, c);
  if (!current) throw new ProblemError('unauthenticated');
  const { factors } = current.session;
  const now = deps.clock();
  const maxAge = deps.config.stepUp.maxAgeSeconds;
  // A recent second factor passes either rule and nothing recent passes neither: only in between
  // is the account's app read (one query less on most calls, e.g. a passkey added after a passkey sign-in).
  if (isRecent(factors, now, maxAge, true)) return current;
  if (!isRecent(factors, now, maxAge, false)) throw new ProblemError('reauthentication_required');
  if ((await findTotpFactor(deps.storage, current.user.id)) !== undefined) throw new ProblemError('reauthentication_required');
  return current;
}
