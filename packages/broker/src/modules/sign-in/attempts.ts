import type { Deps } from '../../deps.js';
import { addressBucket } from '../../http/guard/client-ip.js';
import { takeOrRefuse, type RateTicket } from '../../http/guard/rate-limit.js';

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
 */
export async function takePasswordAttempt(deps: Deps, email: string, ip: string | undefined): Promise<RateTicket> {
  const { rateLimits: limits } = deps.config;
  const now = deps.clock();
  const perAddress = ip === undefined ? undefined : await takeOrRefuse(deps.rateLimits, `pwd:${email}:${addressBucket(ip)}`, limits.passwordPerAccountAndIp, now);
  let perAccount: RateTicket;
  try {
    perAccount = await takeOrRefuse(deps.rateLimits, `pwd:${email}`, limits.passwordPerAccount, now);
  } catch (error) {
    await perAddress?.giveBack();
    throw error;
  }
  return { giveBack: async () => void (await Promise.all([perAddress?.giveBack(), perAccount.giveBack()])) };
}

/** One wrong-code unit of the account's budget, taken before a code is compared. */
export function takeCodeAttempt(deps: Deps, email: string): Promise<RateTicket> {
  return takeOrRefuse(deps.rateLimits, `code:${email}`, deps.config.rateLimits.codeFailuresPerAccount, deps.clock());
}

/** One mailed code to `email`. Never given back: mail sent is mail sent. */
export async function takeMail(deps: Deps, email: string): Promise<void> {
  await takeOrRefuse(deps.rateLimits, `mail:${email}`, deps.config.rateLimits.mailPerAccount, deps.clock());
}
