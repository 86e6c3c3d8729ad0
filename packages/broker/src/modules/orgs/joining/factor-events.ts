import { insertFactorEvents } from '../../../storage/queries/joining.js';
import type { Db } from '../../../storage/storage.js';
import type { AuditActor } from '../../audit/record.js';
import type { Browser } from '../../sign-in/browser.js';

/**
 * Changes to an account's factors in the audit log (issue 24 §5): a passkey
 * added or deleted, an authenticator app enrolled or removed, recovery codes
 * made again, a password set or changed. A factor belongs to the account, not
 * to one organization, so the change is recorded once per organization the
 * user is a member of — each organization's owners and admins see their
 * members' changes in their own log, and no organization sees another's — or
 * once without an organization (`org_id` null) for a user in none. The actor
 * is the user themselves.
 *
 * MERGE NOTE: this belongs with the audit writer (modules/audit) once both land.
 */

/** What changed: the factor's kind and, where it says more, a detail (never a secret, never a name the user chose). */
export type FactorChange =
  /** `count`: several passkeys removed at once (the review after a password reset). */
  | { type: 'factor.added' | 'factor.removed'; method: 'passkey' | 'totp'; count?: number }
  /** A new batch of recovery codes (the old ones stop working). */
  | { type: 'factor.added'; method: 'recovery_codes' }
  /** `replaced`: the account had a password before; `reset`: set through a mailed code, not from the account page. */
  | { type: 'factor.added'; method: 'password'; replaced: boolean; reset?: true };

/** The actor of a change a flow makes: the user (their address where known), the browser's address and user agent (as `actorOf` reads them). */
export const actorOfBrowser = (user: { id: string; email: string | null }, browser: Pick<Browser, 'ip' | 'userAgent'>): AuditActor => ({
  userId: user.id,
  email: user.email,
  ip: browser.ip ?? null,
  userAgent: browser.userAgent,
});

/**
 * Records a factor change on `db` (the transaction that makes the change, where there is one), in one statement.
 *
 * @example
 * await recordFactorChange(tx, actorOfBrowser(user, browser), { type: 'factor.added', method: 'password', replaced: true }, now);
 */
export async function recordFactorChange(db: Db, actor: AuditActor, change: FactorChange, at: Date): Promise<void> {
  if (actor.userId === null) throw new Error('a factor change is always the signed-in user’s own');
  const { type, ...data } = change;
  await insertFactorEvents(db, { type, userId: actor.userId, email: actor.email, ip: actor.ip, userAgent: actor.userAgent, data, at });
}
