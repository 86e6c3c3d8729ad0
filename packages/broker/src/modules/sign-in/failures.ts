import type { Deps } from '../../deps.js';
import type { Db } from '../../storage/storage.js';
import { recordAuditEvent } from '../audit/record.js';
import type { Browser } from './browser.js';
import type { FactorMethod } from './factors.js';

/**
 * `sign_in.failed` (issue 24 §5): a wrong password or code at sign-in, recorded
 * where the failure is already known and counted, with no organization (a
 * failed sign-in opens in none). The same row is written whether or not the
 * account exists — only `actor_id` is null for an unknown one — so the write
 * costs both the same time and nothing in the answer tells them apart. The
 * address is the one typed (or the flow's), never looked up. Counted in the
 * metrics here too (`latchkey_sign_ins_total{result="failed"}`), the one place.
 *
 * @example
 * await recordSignInFailure(deps.storage, deps, browser, { userId: user?.id ?? null, email: body.email, method: 'pwd', at: deps.clock() });
 */
export async function recordSignInFailure(
  db: Db,
  deps: Pick<Deps, 'metrics'>,
  browser: Pick<Browser, 'ip' | 'userAgent'>,
  failure: { userId: string | null; email: string; method: FactorMethod; at: Date },
): Promise<void> {
  await recordAuditEvent(db, {
    type: 'sign_in.failed',
    orgId: null,
    actor: { userId: failure.userId, email: failure.email, ip: browser.ip ?? null, userAgent: browser.userAgent },
    data: { method: failure.method },
    at: failure.at,
  });
  deps.metrics.signIn(failure.method, 'failed');
}
