import type { EmailCodeStep, User } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { changeUserEmail, findUserByEmail, findUserById, type SessionUser } from '../../storage/queries/index.js';
import { openCodeFlow, redeemCode, startCodeFlow } from '../email/code-flow.js';
import { describeDevice } from '../email/device.js';
import { emailChangedMail } from '../email/messages.js';
import { ssoOf } from '../orgs/sso.js';
import { toWireUser } from '../sessions/sessions.js';
import type { Browser } from '../sign-in/browser.js';

/**
 * Starts moving the signed-in user to `email` (the route has checked a recent
 * authentication): a code flow of purpose `email-change`, bound to this browser
 * and this user, whose code goes to the new address. An address that belongs to
 * another account gets a notice instead and its flow no code, so its verify
 * fails as a wrong code does; the answer, and the work behind it, are the same
 * either way (`startCodeFlow`).
 *
 * "SSO required" both ways, decided by the domains alone (public by design):
 * an address at a domain whose organization requires its SSO is that
 * organization's to give, so no account moves into it (403 `sso_required`, at
 * the `email` field); and an account whose address is at such a domain is
 * managed by that organization, so it cannot move out either (403 `sso_required`
 * without a field): leaving would take it out of the organization's sign-in.
 */
export async function startEmailChange(deps: Deps, browser: Browser, user: SessionUser, email: string): Promise<EmailCodeStep> {
  if (email === user.email) throw new ProblemError('invalid_request', { errors: [{ path: 'email', message: 'This is already the address of your account' }] });
  if ((await ssoOf(deps.storage, user.email))?.ssoRequired) throw new ProblemError('sso_required', { detail: "The organization of this account's address manages it" });
  if ((await ssoOf(deps.storage, email))?.ssoRequired) {
    throw new ProblemError('sso_required', { errors: [{ path: 'email', message: "This address's organization requires its single sign-on" }] });
  }
  const taken = await findUserByEmail(deps.storage, email);
  return startCodeFlow(deps, browser, { purpose: 'email-change', email, userId: user.id, mail: taken ? 'already-registered' : 'code' });
}

/**
 * Proves the new address with its code and moves the account to it, in the
 * transaction that uses the code; then tells the old address (from which
 * device and address, and when). Only the user who started the flow, in the
 * browser it is bound to, can finish it. An address taken meanwhile, or one
 * whose domain came to require SSO, leaves the account as it was.
 */
export async function finishEmailChange(deps: Deps, browser: Browser, user: SessionUser, flowId: string, code: string): Promise<User> {
  const flow = await openCodeFlow(deps, browser, flowId, 'email-change');
  if (flow.userId !== user.id) throw new ProblemError('code_expired');
  const moved = await redeemCode(deps, browser, flow, code, async (tx, redeemed) => {
    const before = await findUserById(tx, user.id);
    if (!before || (await ssoOf(tx, redeemed.data.email))?.ssoRequired) throw new ProblemError('code_expired');
    if (!(await changeUserEmail(tx, user.id, redeemed.data.email, deps.clock()))) throw new ProblemError('code_expired');
    return { oldEmail: before.email, user: (await findUserById(tx, user.id))! };
  });
  deps.mail.deliver(emailChangedMail(moved.oldEmail, moved.user.email, { device: describeDevice(browser.userAgent), address: browser.ip ?? null, at: deps.clock() }));
  return toWireUser(moved.user);
}
