import type { Context } from 'hono';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { findTotpFactor, type SessionRecord, type SessionUser } from '../../storage/queries/index.js';
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
export async function requireRecentAuth(deps: Deps, c: Context): Promise<{ session: SessionRecord; user: SessionUser }> {
  const current = await currentSession(deps, c);
  if (!current) throw new ProblemError('unauthenticated');
  const hasSecondFactor = (await findTotpFactor(deps.storage, current.user.id)) !== undefined;
  if (!isRecent(current.session.factors, deps.clock(), deps.config.stepUp.maxAgeSeconds, hasSecondFactor)) throw new ProblemError('reauthentication_required');
  return current;
}
