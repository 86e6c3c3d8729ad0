import type { Deps } from '../../deps.js';
import type { RateTicket } from '../../http/guard/rate-limit.js';
import { ProblemError } from '../../http/problem.js';
import { countFlowAttempt, type FlowKey, type FlowRecord } from '../../storage/queries/index.js';
import type { Db } from '../../storage/storage.js';
import { notOpen } from '../email/code-flow.js';
import type { Browser } from '../sign-in/browser.js';
import { takeCodeAttempt } from '../sign-in/attempts.js';

/**
 * One attempt at a second factor on an open flow of this browser (a pending
 * sign-in's MFA step, a TOTP enrolment), limited twice as mailed codes are: a
 * unit of the account's code budget across all its flows (or the trusted
 * device's) is taken first, then one conditional statement counts the attempt
 * on the flow while attempts remain, and `check` runs in the same transaction,
 * with the flow's row locked, so fifty parallel guesses are checked at most
 * `max_attempts` times. `check` answers the value to return when the factor was
 * right (and writes what it proved), or undefined when it was wrong: the count
 * stays and the caller gets `invalid_code` with `attempts_left`, or
 * `too_many_attempts` for the last one. A right factor gives its budget unit back.
 *
 * @example
 * const outcome = await attemptSecondFactor(deps, browser, user.email, key, async (tx, pending) => {
 *   const factor = await proveTotp(tx, deps, user.id, code);
 *   return factor && advanceSignIn(tx, deps, browser, user, pending, factor);
 * });
 */
export async function attemptSecondFactor<Data, T>(
  deps: Deps,
  browser: Browser,
  email: string,
  key: FlowKey,
  check: (tx: Db, flow: FlowRecord<Data>) => Promise<T | undefined>,
  // Which budget a wrong answer spends: the account's codes (or the device's); a step-up's password spends the password budgets.
  take: (deps: Deps, browser: Browser, email: string) => Promise<RateTicket> = takeCodeAttempt,
): Promise<T> {
  const ticket = await take(deps, browser, email);
  const result = await deps.storage
    .transaction(async (tx) => {
      const flow = await countFlowAttempt<Data>(tx, key);
      return flow ? { flow, value: await check(tx, flow) } : undefined;
    })
    .catch(async (error: unknown) => {
      // The factor was right but what it was for failed (the sign-in was finished in parallel): not a wrong guess.
      await ticket.giveBack();
      throw error;
    });
  if (!result) {
    await ticket.giveBack(); // nothing was checked
    throw await notOpen(deps, key);
  }
  if (result.value !== undefined) {
    await ticket.giveBack();
    return result.value;
  }
  const attemptsLeft = result.flow.maxAttempts - result.flow.attempts;
  throw attemptsLeft > 0 ? new ProblemError('invalid_code', { attemptsLeft }) : new ProblemError('too_many_attempts');
}
