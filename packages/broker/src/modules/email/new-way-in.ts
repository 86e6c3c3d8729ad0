import type { Deps } from '../../deps.js';
import type { Browser } from '../sign-in/browser.js';
import { describeDevice } from './device.js';
import { newWayInMail, type NewWayIn } from './messages.js';

export type { NewWayIn };

/**
 * Tells an account's owner that a way into it was added (a passkey, a
 * password, later a TOTP factor or a social account), from which device and
 * address, and when. A copied session cookie can add a passkey without the
 * owner's knowledge, and a passkey outlives the password reset that revokes
 * every session: this mail is how the owner learns of it. Call it once the
 * write has landed (after the transaction); the mail leaves after the response.
 * Not for an account made with its first way in (a sign-up): that adds no
 * way into an existing account.
 *
 * @example
 * announceNewWayIn(deps, browser, user.email, { kind: 'passkey', provider: 'iCloud Keychain' });
 */
export function announceNewWayIn(deps: Deps, browser: Browser, to: string, added: NewWayIn): void {
  deps.mail.deliver(newWayInMail(to, added, { device: describeDevice(browser.userAgent), address: browser.ip ?? null, at: deps.clock() }));
}
