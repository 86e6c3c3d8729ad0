import type { Deps } from '../../deps.js';
import { addressBucket } from '../../http/guard/client-ip.js';
import { takeOrRefuse, type RateTicket, type RateWindow } from '../../http/guard/rate-limit.js';
import type { Browser } from './browser.js';
import { trustedDevice } from './device.js';

/**
 * The lockout policy (NIST SP 800-63B §5.2.2), in one place. Every budget is
 * keyed by what the caller typed (the normalized email), never by whether an
 * account exists, and each is taken atomically before the attempt and given
 * back when it succeeds, so only failures count and fifty parallel attempts
 * never get more than the limit.
 *
 * - Password: per (account, client address) with backoff, and more loosely per
 *   account. A stranger throttling the password from their address leaves the
 *   owner's address alone, and neither touches the code and mail budgets.
 * - Codes: per account, across every flow (each flow also allows only a few).
 * - Mail: per address, its own budget.
 * - A trusted device (a valid device cookie for the account, see device.ts)
 *   spends a budget of its own instead of each per-account one, so strangers
 *   from any number of addresses cannot lock the owner's browser out.
 */
export async function takePasswordAttempt(deps: Deps, browser: Browser, email: string): Promise<RateTicket> {
  const { rateLimits: limits } = deps.config;
  const now = deps.clock();
  const perAddress = browser.ip === undefined ? undefined : await takeOrRefuse(deps.rateLimits, `pwd:${email}:${addressBucket(browser.ip)}`, limits.passwordPerAccountAndIp, now);
  let perAccount: RateTicket;
  try {
    perAccount = await takeAccountOrDevice(deps, browser, email, { account: ['pwd', limits.passwordPerAccount], device: ['pwd-device', limits.passwordPerDevice] });
  } catch (error) {
    await perAddress?.giveBack();
    throw error;
  }
  return { giveBack: async () => void (await Promise.all([perAddress?.giveBack(), perAccount.giveBack()])) };
}

/**
 * One wrong-code unit, taken before a code is compared: of the account's budget
 * across all its flows, or of the device's when the browser that holds the flow
 * presents a device cookie for the flow's address. Decided at each attempt from
 * the request (the flow only answers the browser bound to it) and the address
 * the flow stored, never from anything else the caller sends.
 */
export function takeCodeAttempt(deps: Deps, browser: Browser, email: string): Promise<RateTicket> {
  const { rateLimits: limits } = deps.config;
  return takeAccountOrDevice(deps, browser, email, { account: ['code', limits.codeFailuresPerAccount], device: ['code-device', limits.codeFailuresPerDevice] });
}

/** One mailed code to `email`, of the address's budget or the trusted device's. Never given back: mail sent is mail sent. */
export async function takeMail(deps: Deps, browser: Browser, email: string): Promise<void> {
  const { rateLimits: limits } = deps.config;
  await takeAccountOrDevice(deps, browser, email, { account: ['mail', limits.mailPerAccount], device: ['mail-device', limits.mailPerDevice] });
}

type Budget = [prefix: string, window: RateWindow];

/**
 * A unit of the trusted device's budget (`<prefix>:<nonce>`) when the browser
 * has a valid device cookie for `email` and that budget has one left; else of
 * the account's (`<prefix>:<email>`), refused with 429 as before. A device
 * over its budget is no device: the request then gets exactly the answer a
 * browser without the cookie gets, so no answer tells that a cookie was valid.
 */
async function takeAccountOrDevice(deps: Deps, browser: Browser, email: string, budgets: { account: Budget; device: Budget }): Promise<RateTicket> {
  const now = deps.clock();
  const device = await trustedDevice(deps, browser, email);
  if (device !== undefined) {
    const [prefix, window] = budgets.device;
    const taken = await deps.rateLimits.take(`${prefix}:${device}`, window, now);
    if (taken.ok) return taken.ticket;
  }
  const [prefix, window] = budgets.account;
  return takeOrRefuse(deps.rateLimits, `${prefix}:${email}`, window, now);
}
