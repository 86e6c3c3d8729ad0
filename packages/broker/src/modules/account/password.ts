import type { PasswordChanged, PasswordStatus } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { findUserById, revokeOtherUserSessions, setUserPassword, type LiveSession, type SessionUser } from '../../storage/queries/index.js';
import { announceNewWayIn } from '../email/new-way-in.js';
import { refuseWhereSsoRequired } from '../orgs/sso.js';
import { hashPassword } from '../password/hash.js';
import { checkPasswordStrength } from '../password/strength.js';
import type { Browser } from '../sign-in/browser.js';
import { actorOfBrowser, recordFactorChange } from '../orgs/joining/factor-events.js';

/** Whether the account has a password (else "Set a password" is offered). */
export async function passwordStatus(deps: Deps, userId: string): Promise<PasswordStatus> {
  const user = await findUserById(deps.storage, userId);
  return { has_password: Boolean(user?.passwordHash) };
}

/**
 * Sets or changes the signed-in user's password (the route has checked a recent
 * authentication first). The strength rule is sign-up's and reset's, with the
 * address and the name as known words. In one transaction the password is
 * written and every other session of the user revoked, as a reset revokes them
 * all: whoever knew the old password, or holds a copied cookie, is signed out;
 * this browser, which just proved a factor, stays. The owner is mailed that the
 * password was changed (or added). An address whose organization requires SSO
 * has no password to set: 403 `sso_required`, as a reset answers.
 */
export async function changePassword(deps: Deps, browser: Browser, current: { session: LiveSession; user: SessionUser }, password: string): Promise<PasswordChanged> {
  const { user, session } = current;
  await refuseWhereSsoRequired(deps, user.email);
  await checkPasswordStrength(password, { serviceWords: deps.config.passwords.contextWords, email: user.email, name: user.name });
  const passwordHash = await hashPassword(password);
  const changed = await deps.storage.transaction(async (tx) => {
    const before = await findUserById(tx, user.id);
    const now = deps.clock();
    await setUserPassword(tx, user.id, passwordHash, now);
    await recordFactorChange(tx, actorOfBrowser(user, browser), { type: 'factor.added', method: 'password', replaced: Boolean(before?.passwordHash) }, now);
    const revoked = await revokeOtherUserSessions(tx, user.id, session.id, now);
    return { replaced: Boolean(before?.passwordHash), revoked_sessions: revoked };
  });
  announceNewWayIn(deps, browser, user.email, { kind: 'password', replaced: changed.replaced });
  return changed;
}
